// Sensitivity runs one switchable quantized model per stage: each selected subset of the
// plan computes, to the bit, what a model built for that subset computes (conv with a
// folded batch norm, in-place relu, linear, repaired parameters, bfloat16 points), and the
// evaluation's sensitivity entries equal those of freshly built per-point models.
#include "core/calibration.h"
#include "core/dataset/batch_prefetcher.h"
#include "core/dataset/dataset_source.h"
#include "core/errors.h"
#include "core/evaluation.h"
#include "core/evaluation/stages_p.h"
#include "core/model/instrumented_model.h"
#include "core/model/model_graph.h"
#include "core/model/quantized_model.h"
#include "core/quant_plan.h"
#include "core/stats/metrics.h"

#include <QTest>

#include <cmath>
#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace cs;
using cs::evaluation::allButPoint;
using cs::evaluation::onlyPoint;

namespace {

const std::string kModels = CALIBSCOPE_TEST_MODELS_DIR;

// Every point quantized on a coarse grid (so that each one changes the output), every
// weight per channel, and the linear layer's parameters repaired.
QuantPlan coarsePlan(const ModelGraph& graph)
{
    QuantPlan plan;
    InstrumentedModel instrumented(graph);
    for (const auto& p : instrumented.points()) {
        FakeQuantParams q;
        q.scale = {0.03f};
        q.zeroPoint = {3};
        plan.activations[p.name] = q;
    }
    for (const auto& op : graph.summary().ops) {
        if (!op.hasWeightPoint())
            continue;
        FakeQuantParams q;
        q.chAxis = 0;
        for (int64_t c = 0; c < op.weightShape.at(0); ++c) {
            q.scale.push_back(0.004f + 0.001f * float(c));
            q.zeroPoint.push_back(0);
        }
        plan.weights[op.name] = q;
        if (op.weightShape.size() == 2) { // linear: repaired weight and bias
            LayerParameters p;
            p.weightShape = op.weightShape;
            for (int64_t k = 0; k < op.weightShape[0] * op.weightShape[1]; ++k)
                p.weight.push_back(0.05f * std::sin(0.7f * float(k)));
            for (int64_t c = 0; c < op.weightShape[0]; ++c)
                p.bias.push_back(0.01f * float(c));
            plan.parameters[op.name] = p;
        }
    }
    return plan;
}

std::vector<float> input(const std::vector<int64_t>& shape)
{
    int64_t n = 1;
    for (auto d : shape)
        n *= d;
    std::vector<float> x(static_cast<size_t>(n));
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = 1.5f * std::sin(0.37f * float(i)) + 0.2f * std::cos(1.3f * float(i));
    return x;
}

bool sameBits(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

bool sameBits(const OutputMetrics& a, const OutputMetrics& b)
{
    auto same = [](double x, double y) { return std::memcmp(&x, &y, sizeof(double)) == 0; };
    return a.samples == b.samples && a.labelled == b.labelled && same(a.top1, b.top1) && same(a.top5, b.top5)
           && same(a.argmaxAgreement, b.argmaxAgreement) && same(a.sqnrDb, b.sqnrDb) && same(a.cosine, b.cosine);
}

} // namespace

class TestSensitivitySwitch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void subsetsMatchFreshModels()
    {
        QFETCH(QString, model);
        QFETCH(int, channels);
        const std::vector<int64_t> shape{4, channels, 8, 8};
        ModelGraph graph(kModels + "/" + model.toStdString());
        graph.inferShapes({1, channels, 8, 8});
        const QuantPlan plan = coarsePlan(graph);
        QVERIFY(plan.activations.size() >= 3);
        const std::vector<float> x = input(shape);

        QuantizedModel switchable(graph, plan, false, BatchNormLayout::Folded, true);
        // Unselected, it is the whole plan's model.
        const BatchOutput whole = switchable.forward(x.data(), shape);
        QVERIFY(sameBits(whole.data, QuantizedModel(graph, plan).forward(x.data(), shape).data));

        QuantPlan nothing; // the repaired float model
        nothing.foldBatchNorm = plan.foldBatchNorm;
        nothing.parameters = plan.parameters;
        std::vector<QuantPlan> subsets{nothing, plan};
        for (const auto& [point, unused] : plan.activations) {
            subsets.push_back(onlyPoint(plan, graph.summary(), point));
            subsets.push_back(allButPoint(plan, graph.summary(), point));
        }
        int differing = 0;
        for (const QuantPlan& subset : subsets) {
            switchable.select(subset);
            const BatchOutput switched = switchable.forward(x.data(), shape);
            const BatchOutput fresh = QuantizedModel(graph, subset).forward(x.data(), shape);
            QCOMPARE(switched.shape, fresh.shape);
            QVERIFY2(sameBits(switched.data, fresh.data),
                     (std::to_string(subset.activations.size()) + " activations, "
                      + std::to_string(subset.weights.size()) + " weights")
                         .c_str());
            differing += sameBits(switched.data, whole.data) ? 0 : 1;
        }
        QVERIFY(differing > 0); // the subsets do switch something

        QuantPlan foreign;
        foreign.activations["no such point"] = plan.activations.begin()->second;
        QVERIFY_THROWS_EXCEPTION(CalibError, switchable.select(foreign));
        QVERIFY_THROWS_EXCEPTION(CalibError, switchable.save("/nonexistent/switchable.pt"));
        QVERIFY_THROWS_EXCEPTION(CalibError, QuantizedModel(graph, plan).select(plan));
    }

    void subsetsMatchFreshModels_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("channels");
        struct Row {
            const char* name;
            const char* file;
            int channels;
        };
        for (const Row& row : {Row{"conv-bn-relu_-linear", "flag_scripted.pt", 3},
                               Row{"relu_ read after", "inplace_scripted.pt", 1},
                               Row{"traced relu_", "inplace_traced.pt", 1}, Row{"bfloat16", "bf16_scripted.pt", 3}})
            QTest::newRow(row.name) << QString::fromLatin1(row.file) << row.channels;
    }

    // The evaluation's entries (one switchable model) against per-point models built afresh.
    void evaluationEntriesMatchFreshModels()
    {
        CalibrationConfig c;
        c.modelPath = kModels + "/flag_scripted.pt";
        c.data.path = kModels + "/bf16_input.npy"; // 32 samples [3, 8, 8]
        c.batchSize = 8;
        c.threads = 1;
        const CalibrationResult calibration = runCalibration(c);

        EvaluationConfig e;
        e.data = c.data;
        e.batchSize = 8;
        e.maxBatches = 3;
        e.sensitivity = true;
        e.sensitivityAllButOne = true;
        e.accuracyTable = false;
        e.autoPlan = false;
        EvaluationInput in = evaluationInput(calibration, e);
        // A repaired linear layer, as after a repair.
        ModelGraph graph(c.modelPath);
        graph.inferShapes({1, 3, 8, 8});
        for (const auto& op : graph.summary().ops)
            if (op.weightShape.size() == 2) {
                LayerParameters p;
                p.weightShape = op.weightShape;
                for (int64_t k = 0; k < op.weightShape[0] * op.weightShape[1]; ++k)
                    p.weight.push_back(0.05f * std::sin(0.7f * float(k)));
                in.plan.parameters[op.name] = p;
            }
        QVERIFY(!in.plan.parameters.empty());
        const EvaluationResult r = runEvaluation(in, e);
        QCOMPARE(r.sensitivity.size(), in.plan.activations.size());

        // The float reference and the batches as the evaluation reads them.
        InstrumentedModel reference(graph);
        const auto data = openDataset(e.data);
        struct None final : TapHandler {
            void observe(int, const obs::TensorView&) override {}
        } none;
        auto metricsOf = [&](const QuantPlan& subset) {
            QuantizedModel fresh(graph, subset);
            OutputAccumulator acc;
            BatchPrefetcher prefetcher(*data, e.batchSize, e.maxBatches);
            while (auto batch = prefetcher.next()) {
                const BatchOutput ref = reference.forward(batch->data.data(), batch->shape, none, TapMode::Float);
                const BatchOutput out = fresh.forward(batch->data.data(), batch->shape);
                acc.add(out.data, ref.data, batch->shape.front(), batch->labels);
            }
            return acc.result();
        };
        for (const SensitivityEntry& entry : r.sensitivity) {
            QVERIFY2(sameBits(entry.onlyThis, metricsOf(onlyPoint(in.plan, graph.summary(), entry.point))),
                     entry.point.c_str());
            QVERIFY2(sameBits(entry.allButThis, metricsOf(allButPoint(in.plan, graph.summary(), entry.point))),
                     entry.point.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestSensitivitySwitch)
#include "test_sensitivity_switch.moc"
