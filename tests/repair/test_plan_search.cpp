// The accuracy-driven plan search (never worse than the best single observer on the output
// error, on a hand-built model and on the demo; its configurations apply to the calibration;
// cancellable) and the fallback budget (meets the budget on the demo; needs labels).
#include "../core/core_test_support.h"
#include "../demo_test_config.h"
#include "../process_test_support.h"
#include "repair_test_support.h"
#include "core/calibration.h"
#include "core/errors.h"
#include "core/session.h"
#include "core/evaluation.h"
#include "core/quant_plan.h"
#include "core/repair/plan_search.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace cs;

namespace {

const std::string kDemoDir = CALIBSCOPE_TEST_DEMO_DIR;

obs::QuantSpec quint4Affine()
{
    obs::QuantSpec s;
    s.dtype = obs::DType::QUInt4;
    s.qscheme = obs::QScheme::PerTensorAffine;
    return s;
}

DatasetSpec demoValidation(int64_t count)
{
    DatasetSpec d;
    d.path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    d.start = 0;
    d.count = count;
    d.preprocess.mean = {0.2860};
    d.preprocess.stddev = {0.3530};
    return d;
}

} // namespace

class TestPlanSearch : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    CalibrationResult m_small;
    ObserverBank m_smallBank;
    DatasetSpec m_smallData;
    CalibrationResult m_demo;

private Q_SLOTS:
    void initTestCase()
    {
        // A chain whose squaring and ReLU make the output error depend on more than each
        // point's own rounding. torch.jit.script reads the class's source: a real file.
        const QString script = m_dir.filePath(QStringLiteral("chain.py"));
        QFile f(script);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("import torch, sys\n"
                "class Chain(torch.nn.Module):\n"
                "    def forward(self, x):\n"
                "        y = torch.relu(x * 3.0 - 1.0)\n"
                "        z = y * y - 2.0 * y\n"
                "        return torch.tanh(z * 0.2) + x\n"
                "torch.jit.save(torch.jit.script(Chain()), sys.argv[1])\n");
        f.close();
        QProcess python;
        python.start(QStringLiteral(CALIBSCOPE_PYTHON), {script, m_dir.filePath(QStringLiteral("chain.pt"))});
        QVERIFY(python.waitForFinished(120000));
        QCOMPARE(python.exitCode(), 0);

        std::vector<float> x(256 * 4);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = std::sin(float(i) * 0.37f) * 1.5f + (i % 53 == 0 ? 4.0f : 0.0f) + (i % 5 == 0 ? 0.6f : 0.0f);
        const QString data = m_dir.filePath(QStringLiteral("x.npy"));
        cs::test::writeNpy(data, x, {256, 4});
        m_smallData.path = data.toStdString();

        CalibrationConfig c;
        c.modelPath = m_dir.filePath(QStringLiteral("chain.pt")).toStdString();
        c.data = m_smallData;
        c.batchSize = 64;
        c.activation.spec = quint4Affine();
        c.compareObservers = true;
        m_small = runCalibration(c, {}, &m_smallBank);

        CalibrationConfig d = cs::test::demoCompareConfig(kDemoDir + "/demo.pt");
        d.numBatches = 8;
        d.activation.spec = quint4Affine();
        m_demo = runCalibration(d);
    }

    void neverWorseThanTheBestSingleObserverOnAHandBuiltModel()
    {
        PlanSearchConfig config;
        config.data = m_smallData;
        config.batchSize = 64;
        config.sweeps = 2;
        const PlanSearchResult r = runPlanSearch(m_small, config);
        QVERIFY(r.singleObservers.size() > 5);
        double bestSingle = INFINITY;
        for (const auto& [name, err] : r.singleObservers)
            bestSingle = std::min(bestSingle, err);
        QCOMPARE(r.startError, bestSingle);
        QVERIFY2(r.outputError <= bestSingle, qPrintable(QStringLiteral("%1 > %2").arg(r.outputError).arg(bestSingle)));
        QVERIFY(r.outputError > 0);
        QCOMPARE(r.images, int64_t(256));
        // Every searched point has a record with every candidate and the chosen one's error the
        // lowest (bounded candidates stopped above it).
        QVERIFY(!r.points.empty());
        for (const auto& p : r.points) {
            QVERIFY(p.candidates.count(p.chosen));
            QVERIFY(p.candidates.count(kConfiguredCandidate));
            for (const auto& [name, err] : p.candidates)
                QVERIFY2(err >= p.candidates.at(p.chosen), qPrintable(QString::fromStdString(p.point + " " + name)));
        }

        // The evaluation agrees: the searched plan's output SQNR is at least every single
        // observer's on the same images.
        const double searched = test::planOutputSqnr(m_small, r.plan, m_smallData, 64, -1);
        QVERIFY(std::fabs(searched - r.outputSqnrDb) < 1e-3);
        for (const auto& [name, err] : r.singleObservers) {
            if (name == kConfiguredCandidate)
                continue;
            const double single = test::planOutputSqnr(m_small, planWithObserver(m_small, name), m_smallData, 64, -1);
            QVERIFY2(searched >= single - 1e-3, qPrintable(QStringLiteral("%1: %2 dB > searched %3 dB")
                                                              .arg(QString::fromStdString(name))
                                                              .arg(single)
                                                              .arg(searched)));
        }

        // The configurations apply to the calibration and give the searched plan.
        CalibrationResult applied = m_small;
        ObserverBank bank = m_smallBank.clone();
        for (const auto& [point, config] : r.configs)
            QCOMPARE(int(applyPointConfig(applied, bank, point, config)), int(RetuneOutcome::Recomputed));
        const QuantPlan plan = planFromCalibration(applied);
        QCOMPARE(plan.activations.size(), r.plan.activations.size());
        for (const auto& [point, q] : r.plan.activations) {
            QVERIFY2(plan.activations.count(point), point.c_str());
            QCOMPARE(plan.activations.at(point).scale, q.scale);
            QCOMPARE(plan.activations.at(point).zeroPoint, q.zeroPoint);
        }
    }

    void neverWorseThanTheBestSingleObserverOnTheDemo()
    {
        PlanSearchConfig config;
        config.data = cs::test::demoSplitConfig(kDemoDir + "/demo.pt").data;
        config.data.preprocess.scale = 1.0 / 255.0;
        config.batchSize = 32;
        config.maxBatches = 3;
        int reports = 0;
        const PlanSearchResult r = runPlanSearch(m_demo, config, [&](const ProgressInfo&) {
            ++reports;
            return true;
        });
        QVERIFY(reports > 0);
        double bestSingle = INFINITY;
        for (const auto& [name, err] : r.singleObservers)
            bestSingle = std::min(bestSingle, err);
        QVERIFY2(r.outputError <= bestSingle, qPrintable(QStringLiteral("%1 > %2").arg(r.outputError).arg(bestSingle)));
        QCOMPARE(r.images, int64_t(96));
        QVERIFY(r.points.size() >= 10);
        // The search changes something where the observers differ this much at 4 bits.
        bool changed = false;
        for (const auto& p : r.points)
            changed = changed || p.chosen != p.before;
        QVERIFY(changed);
        QVERIFY(r.outputError < bestSingle);
        qInfo("demo quint4: best single %s %.5f, searched %.5f (%.2f dB), %d passes, %.1f s", r.start.c_str(),
              bestSingle, r.outputError, r.outputSqnrDb, r.passes, r.seconds);
    }

    // calibscope-cli repair --plan-search applies the search's choices to the saved session.
    void cliPlanSearchAppliesTheChoices()
    {
        const QString session = m_dir.filePath(QStringLiteral("small.cscope"));
        const QString out = m_dir.filePath(QStringLiteral("searched.cscope"));
        saveSession(m_small, m_smallBank, session.toStdString());
        const auto r = cs::test::runCli({QStringLiteral("repair"), QStringLiteral("--session"), session,
                                         QStringLiteral("--plan-search"), QStringLiteral("--out"), out});
        QVERIFY2(r.exitCode == 0, qPrintable(cs::test::describe(r)));
        QVERIFY2(r.out.contains(QStringLiteral("plan_search")), qPrintable(r.out));
        PlanSearchConfig config;
        config.data = m_smallData;
        config.batchSize = m_small.config.batchSize;
        config.maxBatches = m_small.config.numBatches;
        const PlanSearchResult expected = runPlanSearch(m_small, config);
        const CalibrationResult searched = loadSession(out.toStdString());
        for (const auto& [point, c] : expected.configs) {
            QVERIFY2(searched.point(point), point.c_str());
            QVERIFY2(searched.point(point)->config == c, point.c_str());
        }
        QVERIFY(!searched.repairs.empty());
        QCOMPARE(searched.repairs.back().name, std::string("plan_search"));
    }

    void cancelStopsTheSearch()
    {
        PlanSearchConfig config;
        config.data = m_smallData;
        config.batchSize = 64;
        int calls = 0;
        QVERIFY_THROWS_EXCEPTION(JobCancelled, runPlanSearch(m_small, config, [&](const ProgressInfo&) {
            return ++calls < 10;
        }));
        QCOMPARE(calls, 10);
    }

    void withoutCompareResultsTheSearchSaysWhy()
    {
        CalibrationConfig c;
        c.modelPath = m_small.config.modelPath;
        c.data = m_smallData;
        c.batchSize = 64;
        const CalibrationResult plain = runCalibration(c);
        PlanSearchConfig config;
        config.data = m_smallData;
        try {
            runPlanSearch(plain, config);
            QFAIL("expected a CalibError");
        } catch (const CalibError& e) {
            QVERIFY2(std::string(e.what()).find("compare") != std::string::npos, e.what());
        }
    }

    void fallbackBudgetMeetsTheBudgetOnTheDemo()
    {
        FallbackBudgetConfig config;
        config.validation = demoValidation(2000);
        config.budget = 0.5;
        std::map<std::string, ObserverConfig> configs;
        for (const auto& p : m_demo.points)
            configs[p.name] = p.config;
        const QuantPlan plan = planFromCalibration(m_demo);
        const FallbackBudgetResult r = runFallbackBudget(m_demo, plan, configs, config);
        qInfo("demo quint4 min_max: float %.2f %%, plan %.2f %%, fallback %zu points -> %.2f %%", r.floatTop1,
              r.startTop1, r.fallback.size(), r.finalTop1);
        QVERIFY(r.floatTop1 > 85);
        QVERIFY2(r.startTop1 < r.target, "the 4-bit plan should start below the budget for this test to mean much");
        QVERIFY(r.met);
        QVERIFY(r.finalTop1 >= r.target);
        QVERIFY(!r.fallback.empty());
        QVERIFY(r.fallback.size() < plan.activations.size());
        QCOMPARE(r.fallback.size(), r.top1After.size());
        QCOMPARE(r.configs.size(), r.fallback.size());
        for (const auto& name : r.fallback) {
            QVERIFY(!r.plan.activations.count(name));
            QVERIFY(r.configs.at(name).keepFloat);
        }
        // Greedy: the points are added in the ranking's order.
        for (size_t i = 0; i < r.fallback.size(); ++i)
            QCOMPARE(r.fallback[i], r.ranking[i].first);

        // The evaluation measures the same top-1 on the same images.
        EvaluationConfig e;
        e.data = config.validation;
        e.batchSize = config.batchSize;
        e.accuracyTable = e.sensitivity = e.autoPlan = false;
        EvaluationInput in = evaluationInput(m_demo, e);
        in.plan = r.plan;
        const EvaluationResult check = runEvaluation(in, e);
        QVERIFY(std::fabs(100.0 * check.planMetrics.top1 - r.finalTop1) < 1e-9);
        QVERIFY(std::fabs(100.0 * check.floatMetrics.top1 - r.floatTop1) < 1e-9);

        // qint16 instead of float also meets it, with the points on a 16-bit grid.
        config.precision = FallbackPrecision::QInt16;
        const FallbackBudgetResult wide = runFallbackBudget(m_demo, plan, configs, config);
        QVERIFY(wide.met);
        for (const auto& name : wide.fallback) {
            QVERIFY(wide.plan.activations.count(name));
            QCOMPARE(wide.plan.activations.at(name).quantMax - wide.plan.activations.at(name).quantMin, int64_t(65535));
            QCOMPARE(int(wide.configs.at(name).spec.dtype), int(obs::DType::QInt16));
        }
    }

    void fallbackBudgetNeedsLabels()
    {
        FallbackBudgetConfig config;
        config.validation = m_smallData;
        config.batchSize = 64;
        try {
            runFallbackBudget(m_small, planFromCalibration(m_small), {}, config);
            QFAIL("expected a CalibError");
        } catch (const CalibError& e) {
            QVERIFY2(std::string(e.what()).find("label") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestPlanSearch)
#include "test_plan_search.moc"
