// The calibration-data questions on the demo: inspect --convergence, diff, check (exit codes
// 0/1/2/3, JUnit) and calibrate --sample/--seed with a flip in the preprocessing.
#include "../process_test_support.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

namespace {

using Run = cs::test::ProcessRun;
using cs::test::describe;

Run cli(const QStringList& arguments) { return cs::test::runCli(arguments, {600000}); }

const QString kDemo = QStringLiteral(CALIBSCOPE_TEST_DEMO_DIR "/demo.pt");
const QString kTrain = QStringLiteral("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
const QString kVal = QStringLiteral("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& text)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(text);
    return path;
}

} // namespace

class TestCliData : public QObject {
    Q_OBJECT
private:
    QTemporaryDir dir;
    QString pre, first, sampled;

    QJsonObject json(const Run& r) { return QJsonDocument::fromJson(r.out.toUtf8()).object(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        pre = writeFile(dir, QStringLiteral("pre.json"), R"({"mean": [0.286], "std": [0.353]})");
        first = dir.filePath(QStringLiteral("first.cscope"));
        sampled = dir.filePath(QStringLiteral("sampled.cscope"));
        // The first 1000 training images, and a seeded random 1000 of all 60 000.
        const Run a = cli({QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"), kTrain,
                           QStringLiteral("--count"), QStringLiteral("1000"), QStringLiteral("--num-batches"),
                           QStringLiteral("-1"), QStringLiteral("--preprocess"), pre, QStringLiteral("--quiet"),
                           QStringLiteral("--session"), first});
        QVERIFY2(a.exitCode == 0, qPrintable(describe(a)));
        const Run b = cli({QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"), kTrain,
                           QStringLiteral("--sample"), QStringLiteral("1000"), QStringLiteral("--seed"), QStringLiteral("7"),
                           QStringLiteral("--num-batches"), QStringLiteral("-1"), QStringLiteral("--preprocess"), pre,
                           QStringLiteral("--session"), sampled});
        QVERIFY2(b.exitCode == 0, qPrintable(describe(b)));
        QVERIFY2(b.out.contains(QStringLiteral("1000 images in 32 batches")), qPrintable(b.out));
    }

    void convergenceOnTheDemo()
    {
        const Run table = cli({QStringLiteral("inspect"), QStringLiteral("--session"), first, QStringLiteral("--convergence")});
        QVERIFY2(table.exitCode == 0, qPrintable(describe(table)));
        QVERIFY(table.out.contains(QStringLiteral("convergence over 32 batches of 32")));
        QVERIFY(table.out.contains(QStringLiteral("verdict: ")));
        QVERIFY(!table.out.contains(QStringLiteral("replay approximate")));

        const Run js = cli({QStringLiteral("inspect"), QStringLiteral("--session"), first, QStringLiteral("--convergence"),
                            QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(js.exitCode, 0);
        const QJsonObject root = json(js);
        QCOMPARE(root.value(QStringLiteral("batches")).toInt(), 32);
        const QJsonArray points = root.value(QStringLiteral("points")).toArray();
        QCOMPARE(points.size(), 15);
        for (const auto& v : points) {
            const QJsonObject p = v.toObject();
            QVERIFY(p.value(QStringLiteral("replayed")).toBool());
            QVERIFY(p.value(QStringLiteral("exact")).toBool());
            QCOMPARE(p.value(QStringLiteral("clip_max")).toArray().size(), 32);
            QVERIFY(p.value(QStringLiteral("bootstrap")).isObject());
        }
        const Run csv = cli({QStringLiteral("inspect"), QStringLiteral("--session"), first, QStringLiteral("--convergence"),
                             QStringLiteral("--format"), QStringLiteral("csv")});
        QCOMPARE(csv.exitCode, 0);
        QCOMPARE(csv.out.trimmed().split(QLatin1Char('\n')).size(), 16);

        // One batch: said so, no band.
        const QString one = dir.filePath(QStringLiteral("one.cscope"));
        QCOMPARE(cli({QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"), kTrain,
                      QStringLiteral("--count"), QStringLiteral("64"), QStringLiteral("--num-batches"), QStringLiteral("1"),
                      QStringLiteral("--preprocess"), pre, QStringLiteral("--quiet"), QStringLiteral("--session"), one})
                     .exitCode,
                 0);
        const Run single = cli({QStringLiteral("inspect"), QStringLiteral("--session"), one, QStringLiteral("--convergence"),
                                QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(single.exitCode, 0);
        QVERIFY(json(single).value(QStringLiteral("one_batch")).toBool());
        QVERIFY(json(single).value(QStringLiteral("points")).toArray().at(0).toObject().value(QStringLiteral("bootstrap")).isNull());
        QVERIFY(json(single).value(QStringLiteral("verdict")).toString().startsWith(QStringLiteral("one batch")));

        QCOMPARE(cli({QStringLiteral("inspect"), QStringLiteral("--model"), kDemo, QStringLiteral("--convergence")}).exitCode, 2);
    }

    void diffFirstVersusSampled()
    {
        const Run table = cli({QStringLiteral("diff"), first, sampled});
        QVERIFY2(table.exitCode == 0, qPrintable(describe(table)));
        QVERIFY(table.out.contains(QStringLiteral("Jensen-Shannon")));
        QVERIFY(table.out.contains(QStringLiteral("block1.relu:2")));

        const Run js = cli({QStringLiteral("diff"), first, sampled, QStringLiteral("--format"), QStringLiteral("json"),
                            QStringLiteral("--sort"), QStringLiteral("change")});
        QCOMPARE(js.exitCode, 0);
        const QJsonObject root = json(js);
        QVERIFY(root.value(QStringLiteral("same_model")).toBool());
        const QJsonArray points = root.value(QStringLiteral("points")).toArray();
        QCOMPARE(points.size(), 15);
        double previous = INFINITY;
        bool someChange = false;
        for (const auto& v : points) {
            const QJsonObject p = v.toObject();
            const double change = std::fabs(p.value(QStringLiteral("scale_change_pct")).toDouble());
            QVERIFY(change <= previous);
            previous = change;
            someChange = someChange || change > 0;
            const double js = p.value(QStringLiteral("js_divergence")).toDouble();
            QVERIFY(js >= 0 && js < 0.5);
        }
        QVERIFY(someChange);
        const Run csv = cli({QStringLiteral("diff"), first, sampled, QStringLiteral("--format"), QStringLiteral("csv")});
        QCOMPARE(csv.exitCode, 0);
        QVERIFY(csv.out.startsWith(QStringLiteral("point,in,observer_a")));

        // Another dtype: not comparable, exit 1 with the reason.
        const QString unsigned8 = dir.filePath(QStringLiteral("quint8.cscope"));
        QCOMPARE(cli({QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"), kTrain,
                      QStringLiteral("--count"), QStringLiteral("64"), QStringLiteral("--num-batches"), QStringLiteral("2"),
                      QStringLiteral("--dtype"), QStringLiteral("quint8"), QStringLiteral("--qscheme"),
                      QStringLiteral("per_tensor_affine"), QStringLiteral("--preprocess"), pre, QStringLiteral("--quiet"),
                      QStringLiteral("--session"), unsigned8})
                     .exitCode,
                 0);
        const Run other = cli({QStringLiteral("diff"), first, unsigned8});
        QCOMPARE(other.exitCode, 1);
        QVERIFY2(other.err.contains(QStringLiteral("dtypes differ")), qPrintable(other.err));
        QCOMPARE(cli({QStringLiteral("diff"), first}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("diff"), first, sampled, QStringLiteral("--sort"), QStringLiteral("size")}).exitCode, 2);

        // A flip is a data choice like any other: calibrate with it and read the diff.
        const QString flipPre = writeFile(dir, QStringLiteral("flip.json"),
                                          R"({"mean": [0.286], "std": [0.353], "flip_horizontal": true})");
        const QString flipped = dir.filePath(QStringLiteral("flipped.cscope"));
        const Run f = cli({QStringLiteral("calibrate"), QStringLiteral("--model"), kDemo, QStringLiteral("--data"), kTrain,
                           QStringLiteral("--count"), QStringLiteral("1000"), QStringLiteral("--num-batches"),
                           QStringLiteral("-1"), QStringLiteral("--preprocess"), flipPre, QStringLiteral("--quiet"),
                           QStringLiteral("--session"), flipped});
        QVERIFY2(f.exitCode == 0, qPrintable(describe(f)));
        const Run flipDiff = cli({QStringLiteral("diff"), first, flipped, QStringLiteral("--format"), QStringLiteral("json")});
        QCOMPARE(flipDiff.exitCode, 0);
        bool differs = false;
        for (const auto& v : json(flipDiff).value(QStringLiteral("points")).toArray())
            differs = differs || v.toObject().value(QStringLiteral("js_divergence")).toDouble() > 0;
        QVERIFY(differs);
    }

    void checkGate()
    {
        const QString junit = dir.filePath(QStringLiteral("check.xml"));
        const QStringList base{QStringLiteral("check"), QStringLiteral("--session"), first, QStringLiteral("--data"), kVal,
                               QStringLiteral("--count"), QStringLiteral("2000"), QStringLiteral("--quiet")};
        const Run pass = cli(base + QStringList{QStringLiteral("--min-top1"), QStringLiteral("50"), QStringLiteral("--max-drop"),
                                                QStringLiteral("5"), QStringLiteral("--min-output-sqnr"), QStringLiteral("5"),
                                                QStringLiteral("--junit"), junit});
        QVERIFY2(pass.exitCode == 0, qPrintable(describe(pass)));
        QVERIFY(pass.out.contains(QStringLiteral("PASS  min-top1: plan top-1 >= 50.00 %")));
        QVERIFY(pass.out.contains(QStringLiteral("PASS  max-drop")));
        QVERIFY(pass.out.contains(QStringLiteral("PASS  min-output-sqnr")));
        QFile xml(junit);
        QVERIFY(xml.open(QIODevice::ReadOnly));
        const QByteArray passXml = xml.readAll();
        xml.close();
        QVERIFY(passXml.contains("tests=\"3\" failures=\"0\""));

        const Run fail = cli(base + QStringList{QStringLiteral("--min-top1"), QStringLiteral("99.9"), QStringLiteral("--junit"), junit});
        QVERIFY2(fail.exitCode == 3, qPrintable(describe(fail)));
        QVERIFY(fail.out.contains(QStringLiteral("FAIL  min-top1")));
        QVERIFY(xml.open(QIODevice::ReadOnly));
        const QByteArray failXml = xml.readAll();
        QVERIFY(failXml.contains("failures=\"1\""));
        QVERIFY(failXml.contains("<failure message="));

        // The session's current evaluation on the same data is reused.
        QCOMPARE(cli({QStringLiteral("evaluate"), QStringLiteral("--session"), first, QStringLiteral("--data"), kVal,
                      QStringLiteral("--count"), QStringLiteral("2000"), QStringLiteral("--no-sensitivity"),
                      QStringLiteral("--quiet")})
                     .exitCode,
                 0);
        const Run reuse = cli(base + QStringList{QStringLiteral("--min-top1"), QStringLiteral("50"),
                                                 QStringLiteral("--max-unsettled"), QStringLiteral("15")});
        QVERIFY2(reuse.exitCode == 0, qPrintable(describe(reuse)));
        QVERIFY(reuse.out.contains(QStringLiteral("the session's stored evaluation")));
        QVERIFY(reuse.out.contains(QStringLiteral("max-unsettled")));

        // Data without labels and a top-1 criterion: bad usage naming the criterion.
        QByteArray npy("\x93NUMPY\x01\x00", 8);
        QByteArray header = "{'descr': '<f4', 'fortran_order': False, 'shape': (8, 1, 28, 28), }";
        while ((10 + header.size() + 1) % 64 != 0)
            header += ' ';
        header += '\n';
        npy += char(header.size() & 0xff);
        npy += char(header.size() >> 8);
        npy += header;
        npy += QByteArray(8 * 28 * 28 * 4, '\0');
        const QString unlabelled = writeFile(dir, QStringLiteral("unlabelled.npy"), npy);
        const Run noLabels = cli({QStringLiteral("check"), QStringLiteral("--session"), first, QStringLiteral("--data"),
                                  unlabelled, QStringLiteral("--min-top1"), QStringLiteral("50"), QStringLiteral("--quiet")});
        QVERIFY2(noLabels.exitCode == 2, qPrintable(describe(noLabels)));
        QVERIFY(noLabels.err.contains(QStringLiteral("--min-top1")));
        QCOMPARE(cli({QStringLiteral("check"), QStringLiteral("--session"), first}).exitCode, 2);
        QCOMPARE(cli({QStringLiteral("check"), QStringLiteral("--session"), dir.filePath(QStringLiteral("missing.cscope")),
                      QStringLiteral("--max-unsettled"), QStringLiteral("1")})
                     .exitCode,
                 1);
    }

    // After checkGate stored an evaluation in `first`: inspect --coverage in its three formats,
    // the verdict line of the plain inspect, and the refusals.
    void inspectCoverage()
    {
        const QStringList base{QStringLiteral("inspect"), QStringLiteral("--session"), first, QStringLiteral("--coverage")};
        const Run j = cli(base + QStringList{QStringLiteral("--format"), QStringLiteral("json")});
        QVERIFY2(j.exitCode == 0, qPrintable(describe(j)));
        const QJsonObject report = json(j);
        QVERIFY(report.value(QStringLiteral("recorded")).toBool());
        const QJsonArray points = report.value(QStringLiteral("points")).toArray();
        QVERIFY(points.size() > 3);
        int flagged = 0;
        for (const auto& v : points) {
            const QJsonObject p = v.toObject();
            const double val = p.value(QStringLiteral("validation_outside")).toDouble();
            const double cal = p.value(QStringLiteral("calibration_outside")).toDouble();
            // The rule, as the report states it.
            QCOMPARE(p.value(QStringLiteral("flagged")).toBool(), val > 2 * cal && val > 0.001);
            QVERIFY(p.value(QStringLiteral("validation_count")).toDouble() > 0);
            flagged += p.value(QStringLiteral("flagged")).toBool() ? 1 : 0;
        }
        QCOMPARE(report.value(QStringLiteral("flagged")).toInt(), flagged);
        const QString verdict = report.value(QStringLiteral("verdict")).toString();
        const Run table = cli(base);
        QVERIFY2(table.exitCode == 0, qPrintable(describe(table)));
        QVERIFY2(table.out.contains(QStringLiteral("coverage: ") + verdict), qPrintable(table.out));
        const Run csv = cli(base + QStringList{QStringLiteral("--format"), QStringLiteral("csv")});
        QCOMPARE(csv.out.trimmed().split(QLatin1Char('\n')).size(), int(points.size()) + 1);
        const Run plain = cli({QStringLiteral("inspect"), QStringLiteral("--session"), first});
        QVERIFY(plain.out.contains(QStringLiteral("coverage: ") + verdict));
        // No evaluation in the other session; --coverage with --op is bad usage.
        const Run none = cli({QStringLiteral("inspect"), QStringLiteral("--session"), sampled, QStringLiteral("--coverage")});
        QVERIFY2(none.exitCode == 1 && none.err.contains(QStringLiteral("no evaluation")), qPrintable(describe(none)));
        QCOMPARE(cli(base + QStringList{QStringLiteral("--op"), QStringLiteral("x")}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliData)
#include "test_cli_data.moc"
