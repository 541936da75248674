// Evaluation: local vs accumulated error on a two-op model, and the demo's float/int8 accuracy, accuracy table, sensitivity and automatic plan.
#include "../demo_test_config.h"
#include "core_test_support.h"
#include "core/calibration.h"
#include "core/evaluation.h"
#include "core/evaluation/stages_p.h"
#include "core/platform/tensor_block_cache.h"
#include "core/quant_plan.h"
#include "core/exchange/evaluation_report.h"
#include "core/stats/metrics.h"
#include "core/observers/quant_math.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

#include <cmath>
#include <limits>
#include <cstring>

using namespace cs;

namespace {

const std::string kDemoDir = CALIBSCOPE_TEST_DEMO_DIR;

using cs::test::writeNpy;

double l2(const std::vector<float>& a, const std::vector<float>& b)
{
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i)
        s += double(a[i] - b[i]) * double(a[i] - b[i]);
    return std::sqrt(s);
}

std::vector<float> fq(const std::vector<float>& x, const obs::ObserverResult& r)
{
    std::vector<float> out(x.size());
    obs::fakeQuantize(x.data(), out.data(), x.size(), r.scale[0], r.zeroPoint[0], obs::QuantRange{-128, 127});
    return out;
}

CalibrationConfig demoCalibration()
{
    CalibrationConfig c = cs::test::demoCompareConfig(kDemoDir + "/demo.pt");
    c.numBatches = 8;
    return c;
}

EvaluationConfig demoValidation(int maxBatches)
{
    EvaluationConfig e;
    e.data.path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    e.data.preprocess.mean = {0.2860};
    e.data.preprocess.stddev = {0.3530};
    e.batchSize = 100;
    e.maxBatches = maxBatches;
    return e;
}

} // namespace

class TestEvaluation : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    CalibrationResult m_demo;

private Q_SLOTS:
    void initTestCase()
    {
        const QString script = m_dir.filePath(QStringLiteral("twoop.py"));
        cs::test::writeTwoOpModel(script, m_dir.filePath(QStringLiteral("twoop.pt")));
        if (QTest::currentTestFailed())
            return;
        m_demo = runCalibration(demoCalibration());
    }

    void localVersusAccumulatedOnTwoOps()
    {
        std::vector<float> x(64);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = std::sin(float(i) * 0.7f) * 2.0f + (i % 7 == 0 ? 3.1f : 0.0f);
        const QString data = m_dir.filePath(QStringLiteral("x.npy"));
        writeNpy(data, x, {16, 4, 1});
        CalibrationConfig c;
        c.modelPath = m_dir.filePath(QStringLiteral("twoop.pt")).toStdString();
        c.data.path = data.toStdString();
        c.batchSize = 64;
        const CalibrationResult calibration = runCalibration(c);
        QCOMPARE(calibration.points.size(), size_t(3));
        EvaluationConfig e;
        e.data = c.data;
        e.batchSize = 64;
        e.sensitivity = false;
        e.accuracyTable = false;
        const EvaluationResult r = runEvaluation(calibration, e);

        const auto& sx = calibration.point("x")->result;
        const auto& sm = calibration.point("mul")->result;
        const auto& sa = calibration.point("add")->result;
        std::vector<float> mul(x.size()), add(x.size()), qx = fq(x, sx), qmul(x.size()), qadd(x.size());
        for (size_t i = 0; i < x.size(); ++i) {
            mul[i] = x[i] * 3.0f;
            add[i] = mul[i] + 0.25f;
            qmul[i] = qx[i] * 3.0f;
        }
        qmul = fq(qmul, sm);
        for (size_t i = 0; i < x.size(); ++i)
            qadd[i] = qmul[i] + 0.25f;
        qadd = fq(qadd, sa);

        auto near = [](double a, double b) { return std::fabs(a - b) <= 1e-6 + 1e-5 * std::fabs(b); };
        QVERIFY(near(r.point("x")->local.l2, l2(x, qx)));
        QVERIFY(near(r.point("x")->accumulated.l2, l2(x, qx)));
        QVERIFY(near(r.point("mul")->local.l2, l2(mul, fq(mul, sm))));
        QVERIFY(near(r.point("mul")->accumulated.l2, l2(mul, qmul)));
        QVERIFY(near(r.point("add")->local.l2, l2(add, fq(add, sa))));
        QVERIFY(near(r.point("add")->accumulated.l2, l2(add, qadd)));
        // Error grows along the chain: accumulated error at the end exceeds the local one.
        QVERIFY(r.point("add")->accumulated.l2 > r.point("add")->local.l2);
        QCOMPARE(r.points.size(), size_t(3));
        QVERIFY(!r.hasLabels);
        QCOMPARE(r.planMetrics.samples, int64_t(16));
    }

    void demoAccuracyFloatAndInt8()
    {
        EvaluationConfig e = demoValidation(-1);
        e.sensitivity = false;
        e.accuracyTable = false;
        e.autoPlan = false;
        const EvaluationResult r = runEvaluation(m_demo, e);
        QCOMPARE(r.images, int64_t(10000));
        QVERIFY(r.hasLabels);
        QVERIFY2(r.floatMetrics.top1 >= 0.88, qPrintable(QString::number(r.floatMetrics.top1)));
        QVERIFY2(std::fabs(r.planMetrics.top1 - r.floatMetrics.top1) <= 0.01,
                 qPrintable(QStringLiteral("float %1 int8 %2").arg(r.floatMetrics.top1).arg(r.planMetrics.top1)));
        QVERIFY(r.floatMetrics.top5 > 0.99);
        QVERIFY(r.planMetrics.argmaxAgreement > 0.95);
        QCOMPARE(r.points.size(), size_t(15));
        for (const auto& p : r.points) {
            QVERIFY2(p.local.count > 0, p.name.c_str());
            QVERIFY2(p.local.sqnrDb > 15, p.name.c_str());
            // Where nothing is clipped the error is rounding alone, at most scale/2 per element
            // (1/sqrt(12) = 0.289 for dense data; less where ReLU zeros quantize exactly).
            if (p.local.clippedFraction == 0)
                QVERIFY2(p.local.rmseOverScale > 0.05 && p.local.rmseOverScale <= 0.5,
                         qPrintable(QString::fromStdString(p.name) + QLatin1Char(' ') + QString::number(p.local.rmseOverScale)));
            QVERIFY(p.accumulated.sqnrDb <= p.local.sqnrDb + 3);
        }
        QVERIFY(r.nonFinite.empty());
    }

    // The GUI's measurement after a clip edit: the float pass alone gives every point's local
    // error exactly as the full evaluation does, and nothing that needs the quantized forward.
    void localErrorsOnlySkipsTheQuantizedForward()
    {
        EvaluationConfig full = demoValidation(3);
        full.accuracyTable = full.sensitivity = full.autoPlan = false;
        EvaluationConfig localOnly = full;
        localOnly.localErrorsOnly = true;
        localOnly.accuracyTable = localOnly.sensitivity = true; // ignored: they need quantized passes
        const EvaluationResult a = runEvaluation(m_demo, full);
        const EvaluationResult b = runEvaluation(m_demo, localOnly);
        QCOMPARE(b.images, int64_t(300));
        QCOMPARE(b.points.size(), a.points.size());
        for (size_t p = 0; p < a.points.size(); ++p) {
            const PointMetrics& x = a.points[p].local;
            const PointMetrics& y = b.points[p].local;
            QVERIFY2(x.count > 0 && y.count == x.count, a.points[p].name.c_str());
            QCOMPARE(y.l2, x.l2); // the same sums in the same order: the same bits
            QCOMPARE(y.sqnrDb, x.sqnrDb);
            QCOMPARE(y.clippedFraction, x.clippedFraction);
            QCOMPARE(y.clippingError, x.clippingError);
            QCOMPARE(b.points[p].accumulated.count, int64_t(0));
            QVERIFY(a.points[p].accumulated.count > 0);
        }
        QCOMPARE(b.floatMetrics.top1, a.floatMetrics.top1);
        QVERIFY(b.row("float"));
        QVERIFY(!b.row("plan"));
        QVERIFY(a.row("plan"));
        QCOMPARE(b.accuracy.size(), size_t(1));
        QVERIFY(b.sensitivity.empty());
        QCOMPARE(b.planMetrics.samples, int64_t(0));
    }

    // Each stage is reported as it finishes, with everything known so far: the float and plan
    // metrics before any accuracy-table or sensitivity pass runs. The stages change nothing:
    // the final result equals the one of a run without the callback.
    void stagesReportAsTheyFinish()
    {
        EvaluationConfig e = demoValidation(2);
        e.observers = {"min_max"};
        const EvaluationResult plain = runEvaluation(m_demo, e);
        struct Seen {
            EvaluationStage stage;
            size_t accuracy, autoPlan, sensitivity;
            int64_t floatSamples, planSamples;
            int64_t batchesDone; // quantized passes' progress so far
        };
        std::vector<Seen> seen;
        int64_t quantizedBatches = 0;
        e.onStage = [&](EvaluationStage stage, const EvaluationResult& sofar) {
            seen.push_back({stage, sofar.accuracy.size(), sofar.autoPlan.size(), sofar.sensitivity.size(),
                            sofar.floatMetrics.samples, sofar.planMetrics.samples, quantizedBatches});
        };
        const EvaluationResult staged = runEvaluation(evaluationInput(m_demo, e), e, [&](const ProgressInfo& p) {
            if (p.stage == "accuracy table" || p.stage == "sensitivity")
                ++quantizedBatches;
            return true;
        });
        QCOMPARE(seen.size(), size_t(4));
        QVERIFY(seen[0].stage == EvaluationStage::MainPass);
        QCOMPARE(seen[0].accuracy, size_t(2)); // float, plan
        QCOMPARE(seen[0].floatSamples, int64_t(200));
        QCOMPARE(seen[0].planSamples, int64_t(200));
        QCOMPARE(seen[0].autoPlan, size_t(0));
        QCOMPARE(seen[0].batchesDone, int64_t(0));
        QVERIFY(seen[1].stage == EvaluationStage::AutoPlan);
        QCOMPARE(seen[1].autoPlan, size_t(15));
        QCOMPARE(seen[1].batchesDone, int64_t(0));
        QVERIFY(seen[2].stage == EvaluationStage::AccuracyTable);
        QCOMPARE(seen[2].accuracy, size_t(4)); // float, plan, auto, min_max
        QCOMPARE(seen[2].sensitivity, size_t(0));
        QCOMPARE(seen[2].batchesDone, int64_t(2 * 2));
        QVERIFY(seen[3].stage == EvaluationStage::Sensitivity);
        QCOMPARE(seen[3].sensitivity, size_t(15));
        QCOMPARE(seen[3].batchesDone, int64_t((2 + 15) * 2));

        QCOMPARE(staged.accuracy.size(), plain.accuracy.size());
        for (size_t i = 0; i < plain.accuracy.size(); ++i) {
            QCOMPARE(staged.accuracy[i].label, plain.accuracy[i].label);
            QCOMPARE(staged.accuracy[i].metrics.top1, plain.accuracy[i].metrics.top1);
            QCOMPARE(staged.accuracy[i].metrics.sqnrDb, plain.accuracy[i].metrics.sqnrDb);
        }
        QCOMPARE(staged.sensitivity.size(), plain.sensitivity.size());
        for (size_t i = 0; i < plain.sensitivity.size(); ++i) {
            QCOMPARE(staged.sensitivity[i].point, plain.sensitivity[i].point);
            QCOMPARE(staged.sensitivity[i].drop, plain.sensitivity[i].drop);
        }
        for (size_t i = 0; i < plain.points.size(); ++i)
            QCOMPARE(staged.points[i].accumulated.l2, plain.points[i].accumulated.l2);
        QCOMPARE(staged.autoPlan.size(), plain.autoPlan.size());
        for (size_t i = 0; i < plain.autoPlan.size(); ++i)
            QCOMPARE(staged.autoPlan[i].reason, plain.autoPlan[i].reason);
    }

    // The shared rules: the headline metric (with its SQNR cap) and "is this evaluation current".
    void sharedRules()
    {
        OutputMetrics m;
        m.top1 = 0.875;
        m.sqnrDb = std::numeric_limits<double>::infinity();
        QCOMPARE(headlineMetric(m, true), 87.5);
        QCOMPARE(headlineMetric(m, false), kHeadlineSqnrCapDb);
        m.sqnrDb = 31.5;
        QCOMPARE(headlineMetric(m, false), 31.5);
        QCOMPARE(std::string(kFloatRow), std::string("float"));
        QCOMPARE(std::string(kPlanRow), std::string("plan"));
        QCOMPARE(std::string(kAutoRow), std::string("auto"));

        EvaluationResult e;
        for (const auto& p : m_demo.points)
            e.planConfigs.emplace(p.name, p.config);
        QVERIFY(evaluationIsCurrent(e, m_demo.points));
        CalibrationResult edited = m_demo;
        edited.points[2].config.keepFloat = true;
        QVERIFY(!evaluationIsCurrent(e, edited.points));
        QVERIFY(!evaluationIsCurrent(m_demo)); // holds no evaluation
        edited = m_demo;
        edited.evaluation = std::make_shared<const EvaluationResult>(e);
        QVERIFY(evaluationIsCurrent(edited));
    }

    void accuracyTableSensitivityAutoPlanAndReport()
    {
        EvaluationConfig e = demoValidation(5);
        e.observers = {"min_max", "percentile", "kl"};
        const EvaluationResult r = runEvaluation(m_demo, e);
        for (const char* label : {"float", "plan", "auto", "min_max", "percentile", "kl"})
            QVERIFY2(r.row(label), label);
        QCOMPARE(r.row("min_max")->metrics.top1, r.row("plan")->metrics.top1); // the plan is min_max
        QCOMPARE(r.row("float")->metrics.argmaxAgreement, 1.0);
        QCOMPARE(r.sensitivity.size(), size_t(15));
        for (size_t i = 1; i < r.sensitivity.size(); ++i)
            QVERIFY(r.sensitivity[i - 1].drop >= r.sensitivity[i].drop);
        QCOMPARE(r.autoPlan.size(), size_t(15));
        for (const auto& c : r.autoPlan) {
            QVERIFY(c.candidates.size() >= 10);
            for (const auto& [name, value] : c.candidates)
                QVERIFY2(c.localL2 <= value, (c.point + " " + name).c_str());
            QCOMPARE(c.candidates.at(c.observer), c.localL2);
        }
        // The automatic plan never has a larger local error than the user's plan at any point.
        for (const auto& c : r.autoPlan)
            QVERIFY(c.localL2 <= r.point(c.point)->local.l2 * (1 + 1e-6) + 1e-9);

        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("r.json")).toStdString();
        writeEvaluationReport(m_demo, r, path);
        QFile f(QString::fromStdString(path));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject json = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(json.value(QStringLiteral("accuracy")).toArray().size(), 6);
        QCOMPARE(json.value(QStringLiteral("points")).toArray().size(), 15);
        QCOMPARE(json.value(QStringLiteral("sensitivity")).toArray().size(), 15);
        QCOMPARE(json.value(QStringLiteral("auto_plan")).toArray().size(), 15);
    }
    // A row whose plan is the main pass's own takes the main pass's outputs: the same
    // quantized model over the same batches, so the same numbers without another pass.
    void accuracyRowsOfTheMainPlanReuseTheMainPass()
    {
        const QuantPlan plan = planFromCalibration(m_demo);
        QVERIFY(evaluation::samePlan(plan, planWithObserver(m_demo, "min_max"))); // the demo's plan is min_max
        QVERIFY(!evaluation::samePlan(plan, planWithObserver(m_demo, "kl")));
        QuantPlan nudged = plan;
        nudged.activations.begin()->second.scale[0] = std::nextafter(nudged.activations.begin()->second.scale[0], 1.0f);
        QVERIFY(!evaluation::samePlan(plan, nudged));
        nudged = plan;
        nudged.activations.erase(nudged.activations.begin());
        QVERIFY(!evaluation::samePlan(plan, nudged));
        nudged = plan;
        nudged.foldBatchNorm = !plan.foldBatchNorm;
        QVERIFY(!evaluation::samePlan(plan, nudged));

        EvaluationConfig e = demoValidation(3);
        e.observers = {"min_max", "kl"};
        e.sensitivity = false;
        std::vector<std::string> stages;
        const EvaluationResult r = runEvaluation(m_demo, e, [&](const ProgressInfo& info) {
            stages.push_back(info.stage);
            return true;
        });
        const auto same = [](const OutputMetrics& a, const OutputMetrics& b) {
            return a.samples == b.samples && a.top1 == b.top1 && a.top5 == b.top5
                   && a.argmaxAgreement == b.argmaxAgreement && a.sqnrDb == b.sqnrDb && a.cosine == b.cosine;
        };
        QVERIFY(same(r.row("min_max")->metrics, r.row("plan")->metrics));
        QVERIFY(!same(r.row("kl")->metrics, r.row("plan")->metrics));
        // Every row still reports its batches: 3 rows (auto, min_max, kl) of 3 batches.
        QCOMPARE(std::count(stages.begin(), stages.end(), std::string("accuracy table")), 3L * 3);
    }

    void sweepReusesStatisticsAndSortsByAccuracy()
    {
        CalibrationConfig c = demoCalibration();
        c.numBatches = 4;
        c.compareObservers = false;
        const std::vector<SweepRow> rows = runSweep(c, demoValidation(4), {99.9, 99.99, 99.999}, {512, 2048});
        QCOMPARE(rows.size(), size_t(6));
        for (size_t i = 1; i < rows.size(); ++i)
            QVERIFY(rows[i - 1].metrics.top1 >= rows[i].metrics.top1);
        for (const auto& row : rows) {
            QCOMPARE(row.metrics.samples, int64_t(400));
            QVERIFY(row.metrics.top1 > 0.8);
        }
        // The 99.99 / 2048 cell equals evaluating a calibration made directly with those values.
        c.activation.name = "percentile";
        c.activation.params = {{"percentile", 99.99}, {"bins", 2048}};
        EvaluationConfig e = demoValidation(4);
        e.sensitivity = e.accuracyTable = e.autoPlan = false;
        const EvaluationResult direct = runEvaluation(runCalibration(c), e);
        const auto cell = std::find_if(rows.begin(), rows.end(),
                                       [](const SweepRow& r) { return r.percentile == 99.99 && r.bins == 2048; });
        QVERIFY(cell != rows.end());
        QCOMPARE(cell->metrics.top1, direct.planMetrics.top1);
        QCOMPARE(cell->metrics.sqnrDb, direct.planMetrics.sqnrDb);
    }

    // Last: the block cache stays LibTorch's allocator for the rest of the process. Where the
    // tensors' memory comes from changes no number, and batch after batch reuses the blocks.
    void tensorBlockCacheChangesNoNumber()
    {
        EvaluationConfig e = demoValidation(4);
        e.observers = {"min_max", "kl"};
        e.sensitivity = false;
        const EvaluationResult plain = runEvaluation(m_demo, e);
        QVERIFY(useTensorBlockCache());
        const EvaluationResult cached = runEvaluation(m_demo, e);
        const TensorBlockCacheStats stats = tensorBlockCacheStats();
        QVERIFY(stats.mapped > 0);
        QVERIFY2(stats.reused > stats.mapped, qPrintable(QStringLiteral("%1 mapped, %2 reused")
                                                             .arg(stats.mapped).arg(stats.reused)));
        QCOMPARE(cached.accuracy.size(), plain.accuracy.size());
        for (size_t i = 0; i < plain.accuracy.size(); ++i) {
            const OutputMetrics &a = plain.accuracy[i].metrics, &b = cached.accuracy[i].metrics;
            QVERIFY(a.top1 == b.top1 && a.argmaxAgreement == b.argmaxAgreement && a.sqnrDb == b.sqnrDb
                    && a.cosine == b.cosine);
        }
        QCOMPARE(cached.points.size(), plain.points.size());
        for (size_t i = 0; i < plain.points.size(); ++i) {
            QVERIFY(cached.points[i].local.l2 == plain.points[i].local.l2);
            QVERIFY(cached.points[i].accumulated.l2 == plain.points[i].accumulated.l2);
            QVERIFY(cached.points[i].accumulated.maxAbsError == plain.points[i].accumulated.maxAbsError);
        }
    }
};

QTEST_GUILESS_MAIN(TestEvaluation)
#include "test_evaluation.moc"
