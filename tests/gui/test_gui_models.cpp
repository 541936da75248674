// Item models and the plan document on a hand-made calibration: no LibTorch run needed.
#include "gui_test_data.h"

#include "core/exchange/overrides.h"
#include "core/exchange/qconfig.h"
#include "core/stats/histogram_error.h"
#include "core/observers/observer_registry.h"
#include "gui/calibration_document.h"
#include "gui/evaluation_progress.h"
#include "gui/plan_editor.h"
#include "widgets/point_filter_proxy.h"
#include "widgets/point_table_model.h"
#include "widgets/point_table_view.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include <QUndoStack>

using cs::ui::PointFilterProxy;
using cs::ui::PointTableModel;

Q_DECLARE_METATYPE(cs::obs::QuantSpec)

namespace {

cs::obs::QuantSpec spec(cs::obs::DType dtype, cs::obs::QScheme scheme, bool powerOfTwo = false)
{
    cs::obs::QuantSpec s;
    s.dtype = dtype;
    s.qscheme = scheme;
    s.powerOfTwo = powerOfTwo;
    return s;
}

} // namespace

class TestGuiModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pointModelPassesTheTester()
    {
        PointTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto result = std::make_shared<cs::CalibrationResult>(guitest::makeResult());
        model.setResult(result);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(PointTableModel::ColumnCount));
        result->points[1].result = guitest::rangeResult(0.0f, 1.0f, result->points[1].config.spec);
        model.refreshPoints({QStringLiteral("relu")});
        model.setPendingPoints({QStringLiteral("relu")});
        QVERIFY(model.index(1, 0).data(Qt::FontRole).value<QFont>().italic());
        model.setPendingPoints({});
        model.setResult(nullptr);
        QCOMPARE(model.rowCount(), 0);
    }

    void pointModelShowsEveryColumn()
    {
        PointTableModel model;
        model.setResult(std::make_shared<cs::CalibrationResult>(guitest::makeResult()));
        const auto cell = [&](int row, int column) { return model.index(row, column).data().toString(); };
        QCOMPARE(cell(1, PointTableModel::Name), QStringLiteral("relu"));
        QCOMPARE(cell(1, PointTableModel::Kind), QStringLiteral("aten::relu"));
        QCOMPARE(cell(1, PointTableModel::Module), QStringLiteral("relu"));
        QCOMPARE(cell(1, PointTableModel::Shape), QStringLiteral("[1, 4, 8, 8]"));
        QCOMPARE(cell(1, PointTableModel::Observer), QStringLiteral("min_max"));
        QCOMPARE(cell(1, PointTableModel::DataMin), QStringLiteral("-1"));
        QCOMPARE(cell(1, PointTableModel::DataMax), QStringLiteral("3"));
        QCOMPARE(cell(1, PointTableModel::ClipHigh), QStringLiteral("3"));
        QCOMPARE(cell(1, PointTableModel::ZeroPoint), QStringLiteral("0"));
        QCOMPARE(cell(1, PointTableModel::DType), QStringLiteral("qint8"));
        QVERIFY(cell(1, PointTableModel::Scale).toDouble() > 0);
        QVERIFY(cell(1, PointTableModel::L2).toDouble() > 0);
        QVERIFY(cell(1, PointTableModel::Sqnr).toDouble() > 20);
        QVERIFY(cell(1, PointTableModel::Flags).isEmpty());
        // NaN/Inf points are flagged and tinted.
        QCOMPARE(cell(2, PointTableModel::Flags), QStringLiteral("NaN/Inf"));
        QVERIFY(model.index(2, 0).data(PointTableModel::BadRole).toBool());
        QVERIFY(model.index(2, PointTableModel::Scale).data(Qt::BackgroundRole).value<QBrush>().style() != Qt::NoBrush);
        QVERIFY(!model.index(0, 0).data(PointTableModel::BadRole).toBool());
        // Numbers sort as numbers.
        QCOMPARE(model.index(1, PointTableModel::L2).data(PointTableModel::SortRole).typeId(), QMetaType::Double);
        // The relu point owns the conv weight fused into it.
        QVERIFY(model.weightOf(1));
        QCOMPARE(model.weightOf(1)->name, std::string("conv"));
        QVERIFY(!model.weightOf(0));
    }

    void lowSqnrIsFlagged()
    {
        auto result = std::make_shared<cs::CalibrationResult>(guitest::makeResult());
        // A clip range far too narrow: most values are clipped.
        result->points[0].result = guitest::rangeResult(-0.05f, 0.05f, result->points[0].config.spec);
        PointTableModel model;
        model.setResult(result);
        QVERIFY(model.estimate(0)->sqnrDb < PointTableModel::kLowSqnrDb);
        QVERIFY(model.index(0, 0).data(PointTableModel::BadRole).toBool());
        QVERIFY(model.index(0, PointTableModel::Sqnr).data(Qt::BackgroundRole).value<QBrush>().style() != Qt::NoBrush);
    }

    void quantizerRangeReproducesTheQParams_data()
    {
        QTest::addColumn<cs::obs::QuantSpec>("spec");
        QTest::addColumn<float>("low");
        QTest::addColumn<float>("high");
        using D = cs::obs::DType;
        using S = cs::obs::QScheme;
        QTest::addRow("qint8 symmetric") << spec(D::QInt8, S::PerTensorSymmetric) << -1.0f << 2.0f;
        QTest::addRow("qint8 symmetric, relu") << spec(D::QInt8, S::PerTensorSymmetric) << 0.0f << 5.0f;
        QTest::addRow("quint8 affine") << spec(D::QUInt8, S::PerTensorAffine) << -0.7f << 3.1f;
        QTest::addRow("qint16 symmetric") << spec(D::QInt16, S::PerTensorSymmetric) << -3.0f << 1.5f;
        QTest::addRow("qint8 power of two") << spec(D::QInt8, S::PerTensorSymmetric, true) << -1.3f << 1.3f;
        QTest::addRow("quint8 symmetric") << spec(D::QUInt8, S::PerTensorSymmetric) << -2.0f << 2.0f;
    }

    void quantizerRangeReproducesTheQParams()
    {
        QFETCH(cs::obs::QuantSpec, spec);
        QFETCH(float, low);
        QFETCH(float, high);
        cs::PointCalibration p = guitest::makePoint("p", 0, 0, 1, 2);
        p.config.spec = spec;
        p.result = guitest::rangeResult(low, high, spec);
        float lo = 0, hi = 0;
        QVERIFY(cs::ui::quantizerRange(p, lo, hi));
        float scale = 0;
        int64_t zeroPoint = 0;
        cs::obs::calculateQParams(lo, hi, spec, scale, zeroPoint);
        QVERIFY(std::abs(scale - p.result.scale[0]) <= 1e-6f * p.result.scale[0]);
        QCOMPARE(zeroPoint, p.result.zeroPoint[0]);
    }

    void proxyFiltersAndSorts()
    {
        PointTableModel model;
        PointFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto result = std::make_shared<cs::CalibrationResult>(guitest::makeResult());
        model.setResult(result);
        QCOMPARE(proxy.rowCount(), 3);

        proxy.setKindFilter(QStringLiteral("aten::relu"));
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setKindFilter({});
        proxy.setNameFilter(QStringLiteral("AD"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("add"));
        proxy.setNameFilter({});
        proxy.setObserverFilter(QStringLiteral("percentile"));
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setObserverFilter({});

        // Worst N by the estimated SQNR (lowest first).
        int worst = 0;
        for (int row = 1; row < model.rowCount(); ++row)
            if (model.estimate(row)->sqnrDb < model.estimate(worst)->sqnrDb)
                worst = row;
        proxy.setWorstCount(1);
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data().toString(), QString::fromStdString(result->points[size_t(worst)].name));
        proxy.setWorstCount(2);
        QCOMPARE(proxy.rowCount(), 2);

        // An edit that makes another point the worst moves the filter along.
        const int other = worst == 0 ? 1 : 0;
        result->points[size_t(other)].result = guitest::rangeResult(-0.01f, 0.01f, result->points[0].config.spec);
        model.refreshPoints({QString::fromStdString(result->points[size_t(other)].name)});
        proxy.setWorstCount(1);
        QCOMPARE(proxy.index(0, 0).data().toString(), QString::fromStdString(result->points[size_t(other)].name));
        proxy.setWorstCount(0);

        proxy.sort(PointTableModel::L2, Qt::DescendingOrder);
        double previous = 1e300;
        for (int row = 0; row < proxy.rowCount(); ++row) {
            const double l2 = proxy.index(row, PointTableModel::L2).data(PointTableModel::SortRole).toDouble();
            QVERIFY(l2 <= previous);
            previous = l2;
        }
    }

    void worstRanksBySqnrNotL2()
    {
        // Magnitudes differ by orders: the widest point has the largest L2 although its
        // range fits; the tiny "head", clipped hard, has the lowest SQNR.
        auto result = std::make_shared<cs::CalibrationResult>(guitest::makeWideCompareResult());
        cs::PointCalibration& head = result->points[2];
        const float sigma = 0.08f / 8;
        head.result = guitest::rangeResult(-0.3f * sigma, 0.3f * sigma, head.config.spec);
        PointTableModel model;
        model.setResult(result);
        PointFilterProxy proxy;
        proxy.setSourceModel(&model);
        int largestL2 = 0, lowestSqnr = 0;
        for (int row = 1; row < model.rowCount(); ++row) {
            if (model.estimate(row)->l2 > model.estimate(largestL2)->l2)
                largestL2 = row;
            if (model.estimate(row)->sqnrDb < model.estimate(lowestSqnr)->sqnrDb)
                lowestSqnr = row;
        }
        QCOMPARE(lowestSqnr, model.rowOf(QStringLiteral("head")));
        QVERIFY(largestL2 != lowestSqnr);
        proxy.setWorstCount(1);
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("head"));

        // The filter says what it ranks by.
        cs::ui::PointTableView view(&model);
        auto* label = view.findChild<QLabel*>(QStringLiteral("worstFilterLabel"));
        QVERIFY(label);
        QVERIFY2(label->text().contains(QStringLiteral("SQNR")), qPrintable(label->text()));
    }

    void importNamesTheFilesValueFirst()
    {
        // A hand edit that gives conv's weight a fixed scale but leaves the min_max numbers in
        // the file: they are recomputed, and the report reads "the file's scale <file's> -> <new>".
        cs::CalibrationResult result = guitest::makeResult();
        const float fileScale = result.weights.front().result.scale.front();
        QJsonObject root = QJsonDocument::fromJson(QByteArray::fromStdString(cs::formatQconfig(result))).object();
        QJsonArray ops = root.value(QStringLiteral("ops")).toArray();
        bool edited = false;
        for (int i = 0; i < ops.size(); ++i) {
            QJsonObject op = ops[i].toObject();
            if (op.value(QStringLiteral("name")).toString() != QStringLiteral("conv") || !op.contains(QStringLiteral("weight")))
                continue;
            QJsonObject weight = op.value(QStringLiteral("weight")).toObject();
            weight.insert(QStringLiteral("observer"), QStringLiteral("fixed_scale"));
            weight.insert(QStringLiteral("params"),
                          QJsonObject{{QStringLiteral("scale"), 0.05}, {QStringLiteral("zero_point"), 0}});
            op.insert(QStringLiteral("weight"), weight);
            ops[i] = op;
            edited = true;
        }
        QVERIFY(edited);
        root.insert(QStringLiteral("ops"), ops);
        const std::string text = QJsonDocument(root).toJson().toStdString();
        const cs::ImportReport checked = cs::checkImportText(result, text, "hand.json");
        cs::ObserverBank bank; // a weight value from the file needs no live observer
        const cs::ImportReport applied = cs::applyImport(result, bank, checked);
        const cs::ImportEntry* conv = nullptr;
        for (const auto& e : applied.entries)
            if (e.op == "conv" && e.point == "weight")
                conv = &e;
        QVERIFY(conv);
        QCOMPARE(conv->status, cs::ImportStatus::Recomputed);
        const std::string marker = "the file's scale";
        const size_t at = conv->message.find(marker);
        QVERIFY2(at != std::string::npos, conv->message.c_str());
        // "scale[0] 0.0123 -> 0.05" or "scale 0.0123 -> 0.05": the file's number comes first.
        const size_t number = conv->message.find(' ', at + marker.size());
        const double first = std::stod(conv->message.substr(number + 1));
        QVERIFY2(std::abs(first - fileScale) <= 1e-3 * fileScale, conv->message.c_str());
        QVERIFY(std::abs(result.weights.front().result.scale.front() - fileScale) > 1e-3 * fileScale);
    }

    void evaluationProgressIsOneWeightedBar()
    {
        using cs::app::EvaluationProgress;
        EvaluationProgress progress;
        // 10 batches; the plan expects 4 later passes, the job will report 5 (40 -> 50 steps).
        progress.start(4, 0.0);
        EvaluationProgress::Overall o = progress.update(QStringLiteral("indexing"), 3, 9, 0.1);
        QCOMPARE(o.phase, EvaluationProgress::Phase::Preparing);
        QVERIFY(o.fraction < 0);
        double last = 0;
        double t = 1.0;
        for (int b = 1; b <= 10; ++b, t += 2.0) { // a first-phase step costs two later steps
            o = progress.update(QStringLiteral("evaluating"), b, 10, t);
            QCOMPARE(o.phase, EvaluationProgress::Phase::Evaluating);
            QVERIFY(o.fraction >= last);
            last = o.fraction;
        }
        // 20 of 20 + 40 expected units.
        QVERIFY(std::abs(last - 20.0 / 60.0) < 1e-9);
        for (int s = 1; s <= 50; ++s, t += 1.0) {
            o = progress.update(s <= 20 ? QStringLiteral("accuracy table") : QStringLiteral("sensitivity"), s, 50, t);
            QVERIFY2(o.fraction >= last, qPrintable(QStringLiteral("%1 < %2 at %3").arg(o.fraction).arg(last).arg(s)));
            last = o.fraction;
            if (s == 25) {
                QCOMPARE(o.phase, EvaluationProgress::Phase::Sensitivity);
                // 45 of 70 units at one unit per second: about 25 s to go.
                const double expected = (1.0 - o.fraction) * (t - 1.0) / (o.fraction - 2.0 / 60.0);
                QVERIFY(std::abs(o.etaSeconds - expected) < 1e-6);
                QVERIFY(o.etaSeconds > 20 && o.etaSeconds < 40);
            }
        }
        QCOMPARE(o.fraction, 1.0);
        QCOMPARE(o.etaSeconds, 0.0);
    }

    void clipRangeConfigIsExact()
    {
        const cs::ObserverConfig current = cs::defaultActivationConfig();
        const cs::ObserverConfig config = cs::app::clipRangeConfig(current, -1.0, 2.0);
        // A custom range on the point's own grid: the dragged values are what is stored.
        QCOMPARE(config.name, std::string("user_range"));
        QVERIFY(config.spec.dtype == current.spec.dtype && config.spec.qscheme == current.spec.qscheme);
        const cs::obs::ParamMap params = cs::obs::withDefaults(*cs::obs::findObserver(config.name), config.params);
        QCOMPARE(params.at("xmin"), -1.0);
        QCOMPARE(params.at("xmax"), 2.0);
        QVERIFY(cs::obs::needsNoStatistics(config.name));
        QVERIFY(cs::obs::rangeSetByUser(config.name));
        QVERIFY(cs::obs::validateParams(config.name, config.params, config.spec).empty());
        auto observer = cs::obs::createObserver(config.name, config.params, config.spec);
        const cs::obs::ObserverResult r = observer->result();
        float scale = 0;
        int64_t zeroPoint = 0;
        cs::obs::calculateQParams(-1.0f, 2.0f, current.spec, scale, zeroPoint);
        QCOMPARE(r.scale[0], scale);
        QCOMPARE(r.zeroPoint[0], zeroPoint);
        // The error the table shows for the fixed scale is the error estimated while dragging.
        cs::PointCalibration p = guitest::makePoint("p", 0, 0, 1, 2);
        p.config = config;
        p.result = r;
        float lo = 0, hi = 0;
        QVERIFY(cs::ui::quantizerRange(p, lo, hi));
        const auto table = cs::estimateQuantError(p.stats.histogram, lo, hi, config.spec);
        const auto dragged = cs::estimateQuantError(p.stats.histogram, -1.0f, 2.0f, current.spec);
        QVERIFY(std::abs(table.l2 - dragged.l2) <= 1e-6 * dragged.l2);

        // Affine grids keep their zero point.
        cs::ObserverConfig affine = current;
        affine.spec.dtype = cs::obs::DType::QUInt8;
        affine.spec.qscheme = cs::obs::QScheme::PerTensorAffine;
        const cs::ObserverConfig a = cs::app::clipRangeConfig(affine, -0.5, 3.0);
        QVERIFY(a.spec.dtype == affine.spec.dtype && a.spec.qscheme == affine.spec.qscheme);
        QVERIFY(cs::obs::validateParams(a.name, a.params, a.spec).empty());
        const cs::obs::ObserverResult ra = cs::obs::createObserver(a.name, a.params, a.spec)->result();
        cs::obs::calculateQParams(-0.5f, 3.0f, affine.spec, scale, zeroPoint);
        QCOMPARE(ra.scale[0], scale);
        QCOMPARE(ra.zeroPoint[0], zeroPoint);
        QCOMPARE(ra.min[0], -0.5f);
        QCOMPARE(ra.max[0], 3.0f);
        // A one-sided range (a ReLU output's high handle dragged) keeps its low end at zero.
        const cs::ObserverConfig relu = cs::app::clipRangeConfig(affine, 0.0, 4.8503);
        QCOMPARE(relu.params.at("xmin"), 0.0);
        QCOMPARE(relu.params.at("xmax"), double(4.8503f));
        QVERIFY(relu.spec.dtype == affine.spec.dtype && relu.spec.qscheme == affine.spec.qscheme);
    }

    void documentKeepsWantedConfigsAndUndoes()
    {
        cs::app::CalibrationDocument document;
        QSignalSpy modified(&document, &cs::app::CalibrationDocument::modifiedChanged);
        QSignalSpy changed(&document, &cs::app::CalibrationDocument::pointsChanged);
        QSignalSpy rerun(&document, &cs::app::CalibrationDocument::rerunNeeded);
        document.setResult(guitest::makeResult(), false);
        QVERIFY(document.isModified()); // a calibration nobody saved yet
        document.markSaved(document.generation());
        QVERIFY(!document.isModified());

        // Keep-float needs no statistics: recomputed at once.
        cs::ObserverConfig floatConfig = document.wantedConfig("relu");
        floatConfig.keepFloat = true;
        document.editPoints({{"relu", floatConfig}}, QStringLiteral("keep float"));
        QVERIFY(document.result()->point("relu")->config.keepFloat);
        QVERIFY(document.isModified());
        QCOMPARE(changed.last().first().toStringList(), QStringList{QStringLiteral("relu")});
        QCOMPARE(rerun.count(), 0);
        document.undoStack()->undo();
        QVERIFY(!document.result()->point("relu")->config.keepFloat);
        QVERIFY(!document.isModified()); // back at the saved state
        document.undoStack()->redo();
        QVERIFY(document.result()->point("relu")->config.keepFloat);
        document.undoStack()->undo();

        // Without live observers (a loaded session) a new observer needs the data again.
        cs::ObserverConfig percentile = document.wantedConfig("x");
        percentile.name = "percentile";
        percentile.params["percentile"] = 99.9;
        document.editPoints({{"x", percentile}}, QStringLiteral("percentile"));
        QCOMPARE(rerun.count(), 1);
        QCOMPARE(document.pendingPoints(), QStringList{QStringLiteral("x")});
        QCOMPARE(document.wantedConfig("x"), percentile);
        const cs::CalibrationConfig config = document.rerunConfig();
        QVERIFY(config.compareObservers);
        QCOMPARE(config.overrides.at("x"), percentile);

        // The re-run comes back with the configuration realised.
        cs::CalibrationResult rerunResult = *document.result();
        rerunResult.points[0].config = percentile;
        rerunResult.points[0].result = guitest::rangeResult(-2.5f, 2.5f, percentile.spec);
        document.setResult(rerunResult, true);
        QVERIFY(document.pendingPoints().isEmpty());
        QCOMPARE(document.result()->point("x")->config, percentile);
        QCOMPARE(document.undoStack()->count(), 1); // history survives a re-run

        // A re-run that does not realise the wish is not retried in a loop.
        document.undoStack()->undo();
        QCOMPARE(rerun.count(), 2);
        document.setResult(rerunResult, true); // still percentile: the wish was not honoured
        QCOMPARE(rerun.count(), 2);
        QVERIFY(document.pendingPoints().isEmpty());
    }
};

QTEST_MAIN(TestGuiModels)
#include "test_gui_models.moc"
