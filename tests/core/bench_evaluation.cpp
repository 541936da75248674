// Prints evaluation cost figures for the demo model (issue 5): the full metric set against
// a plain float forward over the same batches, and the sensitivity pass over every point.
// Usage: bench_evaluation [DEMO_DIR]   (default: the test cache's demo)
#include "core/allocator_tuning.h"
#include "core/calibration.h"
#include "core/evaluation.h"
#include "core/instrumented_model.h"
#include "core/logging.h"
#include "core/model_graph.h"

#include "core/dataset/batch_prefetcher.h"
#include "core/dataset/dataset_source.h"

#include <chrono>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>

using namespace cs;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

int main(int argc, char** argv)
{
    initLogging(false, LogLevel::Warning);
    if (!keepFreedMemoryForReuse()) // as calibscope and calibscope-cli do
        std::printf("(the allocator settings of calibscope could not be applied)\n");
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

    // The whole validation split (10 000 images, 100 batches), as the GUI's Evaluate uses it.
    EvaluationConfig evaluation;
    evaluation.data.path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    evaluation.data.preprocess = calibration.data.preprocess;
    evaluation.batchSize = 100;

    // Each figure is the best of three runs, the runs of different figures interleaved: other
    // processes (and a VM's neighbours) only ever add time, and they come and go.
    constexpr int kRepeats = 3;

    // Plain float forward over the same batches, on every core, data decoded ahead.
    ModelGraph graph(calibration.modelPath);
    graph.inferShapes({1, 1, 28, 28});
    InstrumentedModel model(graph);
    struct None final : TapHandler {
        void observe(int, const obs::TensorView&) override {}
    } none;
    const auto data = openDataset(evaluation.data);
    auto plainForward = [&] {
        setComputeThreads(0);
        BatchPrefetcher prefetcher(*data, evaluation.batchSize);
        while (auto batch = prefetcher.next())
            model.forward(batch->data.data(), batch->shape, none, TapMode::Float);
    };
    // Everything runEvaluation does for the per-point and end-to-end metrics, loading the
    // model and building both graphs included.
    EvaluationConfig metricsOnly = evaluation;
    metricsOnly.accuracyTable = metricsOnly.sensitivity = metricsOnly.autoPlan = false;
    EvaluationConfig withAutoPlan = metricsOnly;
    withAutoPlan.autoPlan = true;
    EvaluationConfig oneBatch = metricsOnly;
    oneBatch.maxBatches = 1;

    if (std::getenv("BENCH_EVALUATION_PROFILE")) { // one metrics pass only, for a profiler
        const auto t0 = Clock::now();
        runEvaluation(result, metricsOnly);
        std::printf("evaluation %.3f s\n", since(t0));
        return 0;
    }
    const std::vector<std::function<void()>> runs = {
        plainForward, [&] { runEvaluation(result, metricsOnly); }, [&] { runEvaluation(result, withAutoPlan); },
        [&] { runEvaluation(result, oneBatch); }};
    std::vector<double> bestSeconds(runs.size(), 1e300);
    for (int r = 0; r < kRepeats; ++r)
        for (size_t k = 0; k < runs.size(); ++k) {
            const auto t0 = Clock::now();
            runs[k]();
            bestSeconds[k] = std::min(bestSeconds[k], since(t0));
        }
    const double plain = bestSeconds[0], metrics = bestSeconds[1], autoPlan = bestSeconds[2], fixed = bestSeconds[3];

    std::printf("10000 images (100 batches of 100), best of %d:\n", kRepeats);
    std::printf("  plain float forward                                    %.3f s  1.00x\n", plain);
    std::printf("  evaluation, every per-point and end-to-end metric      %.3f s  %.2fx (target <= 2x)\n", metrics,
                metrics / plain);
    std::printf("  ... plus the automatic plan (every observer's local L2) %.3f s  %.2fx\n", autoPlan,
                autoPlan / plain);
    std::printf("  fixed cost of an evaluation (load, graphs, 1 batch)    %.3f s\n", fixed);

    EvaluationConfig sensitivity = evaluation;
    sensitivity.maxBatches = -1;
    sensitivity.accuracyTable = sensitivity.autoPlan = false;
    t = Clock::now();
    const EvaluationResult s = runEvaluation(result, sensitivity);
    std::printf("sensitivity of all %zu points on the 10000 validation images: %.1f s (target < 120 s)\n",
                s.sensitivity.size(), since(t));
    return 0;
}
