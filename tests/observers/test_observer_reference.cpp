// Data-driven acceptance test: every case of shared/reference/observers.json, read at test
// time (no numbers copied into the code).

#include "core/observers/observer_registry.h"
#include "core/observers/quant_math.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <set>

using namespace cs::obs;

namespace {

struct Tolerance {
    double rel = 0.0;
    double abs = 0.0;
};

bool close(double got, double exp, Tolerance t) { return std::fabs(got - exp) <= t.abs + t.rel * std::fabs(exp); }

std::string str(const QJsonValue& v) { return v.toString().toStdString(); }

QByteArray fmt(double v) { return QByteArray::number(v, 'g', 10); }

}  // namespace

class TestObserverReference : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void reference_data();
    void reference();

private:
    QJsonArray cases_;

    static QuantSpec specOf(const QJsonObject& c);
    static bool compareVector(const QByteArray& field, const std::vector<double>& got, const QJsonArray& exp,
                              Tolerance tol, bool exact, QByteArray& why);
};

void TestObserverReference::initTestCase() {
    // A copy of shared/reference/observers.json lives in the tree, so a bare checkout (CI)
    // has it; when the shared folder is next to the checkout, the copy must equal it.
    QFile f(QStringLiteral(CALIBSCOPE_SOURCE_DIR "/tests/observers/reference/observers.json"));
    QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
    QFile shared(QStringLiteral(CALIBSCOPE_SHARED_DIR "/reference/observers.json"));
    if (shared.open(QIODevice::ReadOnly)) {
        QVERIFY2(shared.readAll() == f.readAll(),
                 "tests/observers/reference/observers.json differs from shared/reference: copy it again");
        f.seek(0);
    }
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    QCOMPARE(doc.object().value(QLatin1String("format")).toString(), QStringLiteral("calibscope-observer-reference"));
    cases_ = doc.object().value(QLatin1String("cases")).toArray();
    QVERIFY(!cases_.isEmpty());
}

void TestObserverReference::reference_data() {
    QTest::addColumn<int>("index");
    for (int i = 0; i < cases_.size(); ++i)
        QTest::addRow("%s", qPrintable(cases_.at(i).toObject().value(QLatin1String("id")).toString())) << i;
}

QuantSpec TestObserverReference::specOf(const QJsonObject& c) {
    QuantSpec s;
    s.dtype = dtypeFromString(str(c.value(QLatin1String("dtype")))).value_or(DType::QInt8);
    s.qscheme = qschemeFromString(str(c.value(QLatin1String("qscheme")))).value_or(QScheme::PerTensorSymmetric);
    s.narrowRange = c.value(QLatin1String("narrow_range")).toBool();
    s.powerOfTwo = c.value(QLatin1String("power_of_two")).toBool();
    s.reduceRange = c.value(QLatin1String("params")).toObject().value(QLatin1String("reduce_range")).toBool();
    const QJsonValue axis = c.value(QLatin1String("ch_axis"));
    s.chAxis = axis.isNull() ? -1 : axis.toInt();
    return s;
}

bool TestObserverReference::compareVector(const QByteArray& field, const std::vector<double>& got, const QJsonArray& exp,
                                          Tolerance tol, bool exact, QByteArray& why) {
    if (got.size() != static_cast<std::size_t>(exp.size())) {
        why = field + ": " + QByteArray::number(qulonglong(got.size())) + " values, expected " +
              QByteArray::number(exp.size());
        return false;
    }
    for (int i = 0; i < exp.size(); ++i) {
        const double e = exp.at(i).toDouble();
        const double g = got[static_cast<std::size_t>(i)];
        const bool ok = exact ? g == e : close(g, e, tol);
        // Exact (zero-tolerance) zeros must also carry PyTorch's sign (+0).
        const bool signOk = !(tol.abs == 0.0 && tol.rel == 0.0 && e == 0.0) || std::signbit(g) == std::signbit(e);
        if (!ok || !signOk) {
            why = field + "[" + QByteArray::number(i) + "]: got " + fmt(g) + ", expected " + fmt(e);
            return false;
        }
    }
    return true;
}

void TestObserverReference::reference() {
    QFETCH(int, index);
    const QJsonObject c = cases_.at(index).toObject();
    const std::string kind = str(c.value(QLatin1String("observer")));
    const QJsonObject params = c.value(QLatin1String("params")).toObject();
    const QJsonObject expected = c.value(QLatin1String("expected")).toObject();
    const QJsonObject tolObj = c.value(QLatin1String("tolerance")).toObject();
    const Tolerance tol{tolObj.value(QLatin1String("rel")).toDouble(), tolObj.value(QLatin1String("abs")).toDouble()};
    const QuantSpec spec = specOf(c);

    // The integer range the case used must be the one the spec implies.
    const QuantRange range = quantRange(spec);
    QCOMPARE(range.qmin, static_cast<int64_t>(c.value(QLatin1String("quant_min")).toInteger()));
    QCOMPARE(range.qmax, static_cast<int64_t>(c.value(QLatin1String("quant_max")).toInteger()));

    // Batches: parse as double, then float32.
    std::vector<std::vector<float>> data;
    std::vector<std::vector<int64_t>> shapes;
    for (const QJsonValue& bv : c.value(QLatin1String("batches")).toArray()) {
        const QJsonObject b = bv.toObject();
        std::vector<int64_t> shape;
        for (const QJsonValue& d : b.value(QLatin1String("shape")).toArray()) shape.push_back(d.toInteger());
        std::vector<float> values;
        for (const QJsonValue& v : b.value(QLatin1String("data")).toArray())
            values.push_back(static_cast<float>(v.toDouble()));
        data.push_back(std::move(values));
        shapes.push_back(std::move(shape));
    }

    ObserverResult r;
    std::vector<double> output;
    auto toVector = [](const QJsonValue& v) {
        std::vector<float> out;
        for (const QJsonValue& x : v.toArray()) out.push_back(static_cast<float>(x.toDouble()));
        return out;
    };
    if (kind == "qparams") {
        r.min = toVector(params.value(QLatin1String("min_val")));
        r.max = toVector(params.value(QLatin1String("max_val")));
        QParams q = calculateQParams(r.min, r.max, spec);
        r.scale = q.scale;
        r.zeroPoint = q.zeroPoint;
        r.hasStatistics = true;
    } else if (kind == "fake_quantize") {
        r.scale = toVector(params.value(QLatin1String("scale")));
        for (const QJsonValue& z : params.value(QLatin1String("zero_point")).toArray()) r.zeroPoint.push_back(z.toInteger());
        QCOMPARE(data.size(), std::size_t{1});
        std::vector<float> out(data[0].size());
        if (spec.perChannel())
            fakeQuantizePerChannel(data[0].data(), out.data(), shapes[0], spec.chAxis, r.scale, r.zeroPoint, range);
        else
            fakeQuantize(data[0].data(), out.data(), out.size(), r.scale[0], r.zeroPoint[0], range);
        output.assign(out.begin(), out.end());
    } else {
        const ObserverInfo* info = findObserver(kind);
        QVERIFY2(info, kind.c_str());
        // Only the tunable parameters go to the observer; the rest of `params` describes
        // the reference (eps, formulas, num_bits ...), and is checked against the spec here.
        ParamMap p;
        for (auto it = params.begin(); it != params.end(); ++it) {
            const std::string key = it.key().toStdString();
            if (info->param(key) && !it.value().isNull()) p[key] = it.value().isBool() ? (it.value().toBool() ? 1.0 : 0.0) : it.value().toDouble();
        }
        if (params.contains(QLatin1String("num_bits")))
            QCOMPARE(params.value(QLatin1String("num_bits")).toInt(), bitWidth(spec.dtype));
        if (params.contains(QLatin1String("unsigned")))
            QCOMPARE(params.value(QLatin1String("unsigned")).toBool(), !isSigned(spec.dtype));
        std::unique_ptr<Observer> obs;
        try {
            obs = createObserver(kind, p, spec);
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        for (std::size_t i = 0; i < data.size(); ++i) obs->observe(TensorView(data[i].data(), shapes[i]));
        r = obs->result();
    }

    QByteArray why;
    auto asDouble = [](const auto& v) { return std::vector<double>(v.begin(), v.end()); };
    const QJsonArray expMin = expected.value(QLatin1String("min_val")).toArray();
    if (expMin.isEmpty() && kind != "fake_quantize") QVERIFY2(!r.hasStatistics, "expected no statistics");
    if (kind != "fake_quantize") {
        QVERIFY2(compareVector("min_val", asDouble(r.min), expMin, tol, false, why), why.constData());
        QVERIFY2(compareVector("max_val", asDouble(r.max), expected.value(QLatin1String("max_val")).toArray(), tol, false, why),
                 why.constData());
    }
    QVERIFY2(compareVector("scale", asDouble(r.scale), expected.value(QLatin1String("scale")).toArray(), tol, false, why),
             why.constData());
    QVERIFY2(compareVector("zero_point", asDouble(r.zeroPoint), expected.value(QLatin1String("zero_point")).toArray(), tol,
                           true, why),
             why.constData());

    static const std::set<QString> kCore{QStringLiteral("min_val"), QStringLiteral("max_val"), QStringLiteral("scale"),
                                         QStringLiteral("zero_point")};
    static const std::set<QString> kInteger{QStringLiteral("selected_index"), QStringLiteral("search_start_bin"),
                                            QStringLiteral("search_end_bin"), QStringLiteral("signed")};
    int extrasChecked = 0;
    for (auto it = expected.begin(); it != expected.end(); ++it) {
        if (kCore.count(it.key())) continue;
        const QByteArray field = it.key().toUtf8();
        const bool exact = kInteger.count(it.key()) > 0;
        if (it.key() == QLatin1String("output")) {
            QVERIFY2(compareVector(field, output, it.value().toArray(), tol, false, why), why.constData());
        } else {
            const auto found = r.extras.find(it.key().toStdString());
            QVERIFY2(found != r.extras.end(), QByteArray(field + " missing from the result").constData());
            QJsonArray exp;
            if (it.value().isArray()) exp = it.value().toArray();
            else if (it.value().isBool()) exp.append(it.value().toBool() ? 1.0 : 0.0);
            else exp.append(it.value().toDouble());
            QVERIFY2(compareVector(field, {found->second}, exp, tol, exact, why), why.constData());
        }
        ++extrasChecked;
    }
    if (extrasChecked > 0) qDebug("%d extra field(s) checked", extrasChecked);
}

QTEST_GUILESS_MAIN(TestObserverReference)
#include "test_observer_reference.moc"
