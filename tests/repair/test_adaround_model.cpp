// AdaRound over the demo at qint4 per-channel weights: every rounded layer's output error is at
// most nearest rounding's, the weights stay on their grids, the whole model's output comes
// closer to the float one's, and cancel leaves the plan as it was.
#include "../demo_test_config.h"
#include "repair_test_support.h"
#include "core/calibration.h"
#include "core/errors.h"
#include "core/evaluation.h"
#include "core/quant_plan.h"
#include "core/repair/adaround_model.h"

#include <QTest>

#include <cmath>

using namespace cs;

namespace {

const std::string kDemoDir = CALIBSCOPE_TEST_DEMO_DIR;

// The output SQNR (dB) of `plan` on the calibration images: what AdaRound fits on.
double outputSqnr(const CalibrationResult& calibration, const QuantPlan& plan)
{
    return test::planOutputSqnr(calibration, plan, calibration.config.data, 32, 8);
}

} // namespace

class TestAdaRoundModel : public QObject {
    Q_OBJECT
    CalibrationResult m_demo;

    // AdaRound on the demo's own calibration data, `iterations` per layer.
    AdaRoundModelConfig onDemoData(int maxBatches, int iterations) const
    {
        AdaRoundModelConfig config;
        config.data = m_demo.config.data;
        config.maxBatches = maxBatches;
        config.layer.iterations = iterations;
        return config;
    }

private Q_SLOTS:
    void initTestCase()
    {
        CalibrationConfig c = test::demoCalibrationConfig(kDemoDir + "/demo.pt", 8);
        c.weight.spec.dtype = obs::DType::QInt4;
        m_demo = runCalibration(c);
    }

    void demoWeightsRoundedBetterThanNearest()
    {
        const QuantPlan nearest = planFromCalibration(m_demo);
        const AdaRoundModelConfig config = onDemoData(8, 300);
        int64_t last = -1;
        const AdaRoundModelResult r = runAdaRound(m_demo, nearest, config, [&](const ProgressInfo& p) {
            last = p.done;
            return true;
        });
        QCOMPARE(last, int64_t(8 * 300));
        QCOMPARE(r.layers.size(), size_t(8)); // every conv and the fc
        QVERIFY(r.skipped.empty());
        QCOMPARE(r.parameters.size(), r.layers.size());
        int better = 0;
        for (const auto& [name, layer] : r.layers) {
            QVERIFY2(layer.adaroundError <= layer.nearestError, name.c_str());
            better += layer.adaroundError < layer.nearestError;
            // On the weight's grid: fake quantization leaves it as it is.
            const LayerParameters& p = r.parameters.at(name);
            const FakeQuantParams& q = nearest.weights.at(name);
            const size_t per = p.weight.size() / q.scale.size();
            for (size_t i = 0; i < p.weight.size(); ++i) {
                const float s = q.scale[i / per];
                const float level = std::nearbyint(p.weight[i] * (1.0f / s));
                QVERIFY2(level >= q.quantMin && level <= q.quantMax, name.c_str());
                QCOMPARE(level * s, p.weight[i]);
            }
        }
        QVERIFY(better >= 6);
        QCOMPARE(r.plan.activations.size(), nearest.activations.size());
        QCOMPARE(r.plan.parameters.size(), r.parameters.size());
        const double before = outputSqnr(m_demo, nearest);
        const double after = outputSqnr(m_demo, r.plan);
        qInfo("demo qint4 weights: output SQNR nearest %.2f dB, AdaRound %.2f dB (%.1f s)", before, after, r.seconds);
        QVERIFY(after > before);
    }

    void cancelLeavesThePlan()
    {
        const QuantPlan nearest = planFromCalibration(m_demo);
        const AdaRoundModelConfig config = onDemoData(2, 200);
        int calls = 0;
        QVERIFY_THROWS_EXCEPTION(JobCancelled, runAdaRound(m_demo, nearest, config, [&](const ProgressInfo&) {
            return ++calls < 5;
        }));
        QVERIFY(nearest.parameters.empty());
    }
};

QTEST_GUILESS_MAIN(TestAdaRoundModel)
#include "test_adaround_model.moc"
