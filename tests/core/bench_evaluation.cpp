// Prints evaluation cost figures for the demo model: the full metric set against
// a plain float forward over the same batches, and the sensitivity pass over every point.
// Usage: bench_evaluation [DEMO_DIR]   (default: the test cache's demo)
#include "../demo_test_config.h"
#include "core/platform/allocator_tuning.h"
#include "core/calibration.h"
#include "core/stats/error_kernels.h"
#include "core/evaluation.h"
#include "core/model/instrumented_model.h"
#include "core/platform/logging.h"
#include "core/model/model_graph.h"

#include "core/dataset/batch_prefetcher.h"
#include "core/dataset/dataset_source.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <thread>
#include <vector>

using namespace cs;
using Clock = std::chrono::steady_clock;

static double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// The taps' per-element cost: the quantized pass's comparison (stored pairs) and the local
// error (fake-quantize fused), in 16 KiB blocks as the taps call them, for each kernel build
// this CPU can run.
static void printTapKernelCosts()
{
    constexpr size_t kElements = 400000, kBlock = 4096, kRepeats = 300;
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> x(kElements), q(kElements);
    for (size_t i = 0; i < kElements; ++i) {
        x[i] = normal(rng);
        q[i] = x[i] + 0.01f * normal(rng);
    }
    detail::FakeQuantFloats fq;
    fq.scale = 0.03f;
    fq.inverse = 1.0f / fq.scale;
    fq.lo = -128;
    fq.hi = 127;
    std::vector<std::pair<const char*, detail::KernelTarget>> targets{{"baseline", detail::KernelTarget::Baseline}};
    if (detail::avx2Supported())
        targets.emplace_back("AVX2", detail::KernelTarget::Avx2);
    std::printf("tap kernels, ns per element (best of 3):\n");
    for (const auto& [name, target] : targets) {
        double best[2] = {1e300, 1e300};
        for (int r = 0; r < 3; ++r)
            for (int fused = 0; fused < 2; ++fused) {
                detail::ErrorSums sums;
                const auto t0 = Clock::now();
                for (size_t k = 0; k < kRepeats; ++k)
                    for (size_t b = 0; b < kElements; b += kBlock)
                        detail::addErrorChunks(x.data() + b, fused ? nullptr : q.data() + b,
                                               std::min(kBlock, kElements - b), -3.8f, 3.8f, fused ? &fq : nullptr,
                                               sums, target);
                best[fused] = std::min(best[fused], since(t0) * 1e9 / double(kRepeats * kElements));
            }
        std::printf("  %-8s quantized-pass comparison %.3f, local error (fake-quantize fused) %.3f\n", name, best[0],
                    best[1]);
    }
}

int main(int argc, char** argv)
{
    initLogging(false, LogLevel::Warning);
    if (!keepFreedMemoryForReuse()) // as calibscope and calibscope-cli do
        std::printf("(the allocator settings of calibscope could not be applied)\n");
    const std::string demo = argc > 1 ? argv[1] : CALIBSCOPE_TEST_DEMO_DIR;
    const CalibrationConfig calibration = cs::test::demoCompareConfig(demo + "/demo.pt");
    auto t = Clock::now();
    const CalibrationResult result = runCalibration(calibration);
    std::printf("calibration, 30 batches x 32, every observer: %.2f s\n", since(t));

    // The whole validation split (10 000 images, 100 batches), as the GUI's Evaluate uses it.
    EvaluationConfig evaluation;
    evaluation.data.path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    evaluation.data.preprocess = calibration.data.preprocess;
    evaluation.batchSize = 100;

    // Each figure is the best of three runs (BENCH_REPEATS sets another count), the runs of
    // different figures interleaved: other processes (and a VM's neighbours) only ever add
    // time, and they come and go.
    const char* repeatsVariable = std::getenv("BENCH_REPEATS");
    const int kRepeats = repeatsVariable ? std::max(1, std::atoi(repeatsVariable)) : 3;

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
    // The floor of the evaluation's design: two one-thread float forwards side by side, as
    // its float and quantized forwards run, without any metric or fake-quantize.
    InstrumentedModel secondModel(graph);
    auto twoOneThreadForwards = [&] {
        auto oneThreadForward = [&](InstrumentedModel& m) {
            setComputeThreads(1);
            BatchPrefetcher prefetcher(*data, evaluation.batchSize);
            while (auto batch = prefetcher.next())
                m.forward(batch->data.data(), batch->shape, none, TapMode::Float);
        };
        std::thread other([&] { oneThreadForward(secondModel); });
        oneThreadForward(model);
        other.join();
        setComputeThreads(0);
    };
    // Everything runEvaluation does for the per-point and end-to-end metrics, loading the
    // model and building both graphs included.
    EvaluationConfig metricsOnly = evaluation;
    metricsOnly.accuracyTable = metricsOnly.sensitivity = metricsOnly.autoPlan = false;
    EvaluationConfig withAutoPlan = metricsOnly;
    withAutoPlan.autoPlan = true;
    EvaluationConfig localOnly = metricsOnly; // what the GUI measures after a clip edit
    localOnly.localErrorsOnly = true;
    EvaluationConfig oneBatch = metricsOnly;
    oneBatch.maxBatches = 1;

    // What the GUI thread hands an evaluation's worker: the narrow input against a copy of the
    // whole result (every per-batch histogram), best of 5 each.
    {
        double copy = 1e300, input = 1e300;
        size_t points = 0;
        for (int r = 0; r < 5; ++r) {
            auto t0 = Clock::now();
            const CalibrationResult whole = result;
            copy = std::min(copy, since(t0));
            t0 = Clock::now();
            const EvaluationInput narrow = evaluationInput(result, localOnly);
            input = std::min(input, since(t0));
            points = whole.points.size();
            (void)narrow;
        }
        std::printf("handed to the evaluation worker (%zu points): copy of the result %.3f ms, EvaluationInput "
                    "(local errors only) %.3f ms\n",
                    points, 1e3 * copy, 1e3 * input);
    }
    printTapKernelCosts();
    if (std::getenv("BENCH_EVALUATION_PROFILE")) { // one metrics pass only, for a profiler
        const auto t0 = Clock::now();
        runEvaluation(result, metricsOnly);
        std::printf("evaluation %.3f s\n", since(t0));
        return 0;
    }
    const std::vector<std::function<void()>> runs = {
        plainForward, [&] { runEvaluation(result, metricsOnly); }, [&] { runEvaluation(result, withAutoPlan); },
        [&] { runEvaluation(result, oneBatch); }, twoOneThreadForwards, [&] { runEvaluation(result, localOnly); }};
    std::vector<double> bestSeconds(runs.size(), 1e300);
    std::vector<double> pairedRatios; // evaluation / plain forward of the same repeat
    for (int r = 0; r < kRepeats; ++r) {
        std::vector<double> seconds(runs.size());
        for (size_t k = 0; k < runs.size(); ++k) {
            const auto t0 = Clock::now();
            runs[k]();
            seconds[k] = since(t0);
            bestSeconds[k] = std::min(bestSeconds[k], seconds[k]);
        }
        pairedRatios.push_back(seconds[1] / seconds[0]);
    }
    // A VM's speed drifts over minutes; the ratio of two runs a few seconds apart drifts less
    // than the two bests taken from different minutes.
    std::sort(pairedRatios.begin(), pairedRatios.end());
    const double medianRatio = pairedRatios.size() % 2 ? pairedRatios[pairedRatios.size() / 2]
                                                        : (pairedRatios[pairedRatios.size() / 2 - 1]
                                                           + pairedRatios[pairedRatios.size() / 2]) / 2;
    const double plain = bestSeconds[0], metrics = bestSeconds[1], autoPlan = bestSeconds[2], fixed = bestSeconds[3],
                 floor = bestSeconds[4], local = bestSeconds[5];

    // libgomp's waiting sets the plain two-thread forward's speed (BENCHMARKS.md, third round):
    // calibscope and calibscope-cli run with OMP_WAIT_POLICY=PASSIVE unless it is set.
    const char* policy = std::getenv("OMP_WAIT_POLICY");
    const char* spin = std::getenv("GOMP_SPINCOUNT");
    std::printf("10000 images (100 batches of 100), best of %d; OMP_WAIT_POLICY=%s%s%s:\n", kRepeats,
                policy ? policy : "(unset: libgomp spins before sleeping)", spin ? " GOMP_SPINCOUNT=" : "",
                spin ? spin : "");
    std::printf("  plain float forward                                    %.3f s  1.00x\n", plain);
    std::printf("  evaluation, every per-point and end-to-end metric      %.3f s  %.2fx (target <= 2x)\n", metrics,
                metrics / plain);
    std::printf("    median of the %d paired ratios (each repeat's evaluation / its plain forward)  %.2fx\n",
                kRepeats, medianRatio);
    std::printf("  ... plus the automatic plan (every observer's local L2) %.3f s  %.2fx\n", autoPlan,
                autoPlan / plain);
    std::printf("  fixed cost of an evaluation (load, graphs, 1 batch)    %.3f s\n", fixed);
    std::printf("  two one-thread float forwards side by side (floor)    %.3f s  %.2fx\n", floor, floor / plain);
    std::printf("  local errors only (the GUI's measurement after a clip edit) %.3f s  %.2fx\n", local, local / plain);

    EvaluationConfig sensitivity = evaluation;
    sensitivity.maxBatches = -1;
    sensitivity.accuracyTable = sensitivity.autoPlan = false;
    t = Clock::now();
    const EvaluationResult s = runEvaluation(result, sensitivity);
    std::printf("sensitivity of all %zu points on the 10000 validation images: %.1f s (target < 120 s)\n",
                s.sensitivity.size(), since(t));
    return 0;
}
