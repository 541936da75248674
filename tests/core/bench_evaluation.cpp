// Prints evaluation cost figures for the demo model (issue 5): the full metric set against
// a plain float forward over the same batches, and the sensitivity pass over every point.
// Usage: bench_evaluation [DEMO_DIR]   (default: the test cache's demo)
#include "core/calibration.h"
#include "core/evaluation.h"
#include "core/instrumented_model.h"
#include "core/logging.h"
#include "core/model_graph.h"

#include "core/dataset/batch_prefetcher.h"
#include "core/dataset/dataset_source.h"

#include <chrono>
#include <cstdio>

using namespace cs;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int main(int argc, char** argv)
{
    initLogging(false, LogLevel::Warning);
    const std::string demo = argc > 1 ? argv[1] : CALIBSCOPE_TEST_DEMO_DIR;
    CalibrationConfig calibration;
    calibration.modelPath = demo + "/demo.pt";
    calibration.data.path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    calibration.data.start = 59000;
    calibration.data.count = 1000;
    calibration.data.preprocess.mean = {0.2860};
    calibration.data.preprocess.stddev = {0.3530};
    calibration.compareObservers = true;
    auto t = Clock::now();
    const CalibrationResult result = runCalibration(calibration);
    std::printf("calibration, 30 batches x 32, every observer: %.2f s\n", since(t));

    EvaluationConfig evaluation;
    evaluation.data.path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    evaluation.data.preprocess = calibration.data.preprocess;
    evaluation.batchSize = 100;
    evaluation.maxBatches = 20;

    // Plain float forward over the same 20 batches.
    ModelGraph graph(calibration.modelPath);
    graph.inferShapes({1, 1, 28, 28});
    InstrumentedModel model(graph);
    struct None final : TapHandler {
        void observe(int, const obs::TensorView&) override {}
    } none;
    const auto data = openDataset(evaluation.data);
    BatchPrefetcher prefetcher(*data, evaluation.batchSize, evaluation.maxBatches);
    t = Clock::now();
    while (auto batch = prefetcher.next())
        model.forward(batch->data.data(), batch->shape, none, TapMode::Float);
    const double plain = since(t);

    EvaluationConfig metricsOnly = evaluation;
    metricsOnly.accuracyTable = metricsOnly.sensitivity = metricsOnly.autoPlan = false;
    t = Clock::now();
    runEvaluation(result, metricsOnly);
    const double metrics = since(t);
    std::printf("2000 images: plain float forward %.3f s; float + quantized forward with every per-point metric "
                "%.3f s (%.2fx the plain forward; the quantized forward alone is ~1x)\n",
                plain, metrics, metrics / plain);

    EvaluationConfig sensitivity = evaluation;
    sensitivity.maxBatches = -1;
    sensitivity.accuracyTable = sensitivity.autoPlan = false;
    t = Clock::now();
    const EvaluationResult s = runEvaluation(result, sensitivity);
    std::printf("sensitivity of all %zu points on the 10000 validation images: %.1f s (target < 120 s)\n",
                s.sensitivity.size(), since(t));
    return 0;
}
