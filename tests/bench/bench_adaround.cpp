// Prints the repair figures of BENCHMARKS.md (AdaRound and the plan search) on the demo,
// top-1 on the first 2000 validation images:
//   (a) quint4 affine activations, qint8 per-channel weights: float, the best single observer,
//       the automatic plan (lowest local L2 per point), the plan search, and the plan search
//       with the fallback budget of 0.5 points;
//   (b) qint4 per-channel weights, qint8 activations: nearest rounding against AdaRound, with
//       AdaRound's iterations per second per layer.
// Usage: bench_adaround [a|b|c] [ITERATIONS]   (default: a and b, AdaRound's default iterations;
//        c: what one candidate pass of the search costs)
#include "../demo_test_config.h"
#include "core/calibration.h"
#include "core/evaluation.h"
#include "core/quant_plan.h"
#include "core/repair/plan_search.h"
#include "core/repair/repair.h"
#include "core/repair/adaround_model.h"

#include "core/model/model_graph.h"
#include "core/model/quantized_model.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace cs;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

DatasetSpec validation()
{
    DatasetSpec d;
    d.path = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    d.start = 0;
    d.count = 2000;
    d.preprocess.mean = {0.2860};
    d.preprocess.stddev = {0.3530};
    return d;
}

EvaluationConfig validationConfig(bool table)
{
    EvaluationConfig e;
    e.data = validation();
    e.batchSize = 100;
    e.accuracyTable = table;
    e.autoPlan = table;
    e.sensitivity = false;
    return e;
}

// Top-1 (percent) of `plan` on the validation images.
double top1Of(const CalibrationResult& calibration, const QuantPlan& plan)
{
    const EvaluationConfig e = validationConfig(false);
    EvaluationInput in = evaluationInput(calibration, e);
    in.plan = plan;
    return 100.0 * runEvaluation(in, e).planMetrics.top1;
}

void partA(const std::string& demo)
{
    std::printf("(a) quint4 affine activations, qint8 per-channel weights\n");
    CalibrationConfig c = test::demoCompareConfig(demo);
    c.activation.spec.dtype = obs::DType::QUInt4;
    c.activation.spec.qscheme = obs::QScheme::PerTensorAffine;
    auto t = Clock::now();
    const CalibrationResult calibration = runCalibration(c);
    std::printf("  calibration (compare pass, %lld images): %.1f s\n", static_cast<long long>(calibration.images),
                since(t));
    t = Clock::now();
    const EvaluationResult e = runEvaluation(calibration, validationConfig(true));
    std::printf("  evaluation with the accuracy table: %.1f s\n", since(t));
    std::string bestName;
    double best = -1;
    for (const auto& row : e.accuracy)
        if (row.label != kFloatRow && row.label != kPlanRow && row.label != kAutoRow && row.metrics.top1 > best) {
            best = row.metrics.top1;
            bestName = row.label;
        }
    const double floatTop1 = 100.0 * e.floatMetrics.top1;
    std::printf("  %-44s %6.2f %%\n", "float", floatTop1);
    std::printf("  %-44s %6.2f %%\n", ("best single observer (" + bestName + ")").c_str(), 100.0 * best);
    std::printf("  %-44s %6.2f %%\n", "plan (min_max everywhere)", 100.0 * e.planMetrics.top1);
    if (const AccuracyRow* row = e.row(kAutoRow))
        std::printf("  %-44s %6.2f %%\n", "automatic plan (lowest local L2)", 100.0 * row->metrics.top1);

    PlanSearchConfig search;
    search.data = c.data;
    search.batchSize = 32;
    // BENCH_SEARCH_BATCHES (default: all 30, 960 images), BENCH_SWEEPS (default 1).
    search.maxBatches = std::getenv("BENCH_SEARCH_BATCHES") ? std::atoi(std::getenv("BENCH_SEARCH_BATCHES")) : -1;
    search.sweeps = std::getenv("BENCH_SWEEPS") ? std::atoi(std::getenv("BENCH_SWEEPS")) : 1;
    t = Clock::now();
    const PlanSearchResult s = runPlanSearch(calibration, search);
    const double searchSeconds = since(t);
    std::printf("  %-44s %6.2f %%   (%d sweep(s), %d passes over %lld images, %.1f s; output MSE %.4g -> %.4g, "
                "start %s)\n",
                "plan search", top1Of(calibration, s.plan), search.sweeps, s.passes, static_cast<long long>(s.images),
                searchSeconds, s.startError, s.outputError, s.start.c_str());

    FallbackBudgetConfig budget;
    budget.validation = validation();
    budget.budget = 0.5;
    t = Clock::now();
    const FallbackBudgetResult b = runFallbackBudget(calibration, s.plan, s.configs, budget);
    std::string points;
    for (const auto& p : b.fallback)
        points += (points.empty() ? "" : ", ") + p;
    std::printf("  %-44s %6.2f %%   (%zu points float: %s; %d passes, %.1f s)\n",
                "plan search + fallback budget 0.5", b.finalTop1, b.fallback.size(), points.c_str(), b.passes,
                since(t));
    budget.precision = FallbackPrecision::QInt16;
    const FallbackBudgetResult w = runFallbackBudget(calibration, s.plan, s.configs, budget);
    std::printf("  %-44s %6.2f %%   (%zu points qint16)\n", "plan search + fallback budget 0.5 (qint16)",
                w.finalTop1, w.fallback.size());

    // Bias correction first (the repair job re-calibrates, compare pass included), then the
    // search on the corrected model.
    RepairOptions repair;
    repair.biasCorrection = true;
    t = Clock::now();
    const CalibrationResult corrected = runRepairs(calibration, c, repair);
    const double repairSeconds = since(t);
    std::printf("  %-44s %6.2f %%   (%.1f s)\n", "bias correction (min_max)",
                top1Of(corrected, planFromCalibration(corrected)), repairSeconds);
    t = Clock::now();
    const PlanSearchResult sc = runPlanSearch(corrected, search);
    std::printf("  %-44s %6.2f %%   (%d passes, %.1f s; output MSE %.4g -> %.4g)\n",
                "bias correction + plan search", top1Of(corrected, sc.plan), sc.passes, since(t), sc.startError,
                sc.outputError);
    std::printf("  target: float - 0.5 = %.2f %%\n\n", floatTop1 - 0.5);
}

// What one candidate pass of the plan search costs: building the quantized model against
// running it over a batch of 32.
void passCost(const std::string& demo)
{
    CalibrationConfig c = test::demoCalibrationConfig(demo, 2);
    const CalibrationResult calibration = runCalibration(c);
    const QuantPlan plan = planFromCalibration(calibration);
    ModelGraph graph(demo);
    graph.inferShapes({1, 1, 28, 28});
    std::vector<float> batch(32 * 28 * 28, 0.5f);
    constexpr int kRepeats = 20;
    auto t = Clock::now();
    for (int i = 0; i < kRepeats; ++i)
        QuantizedModel model(graph, plan);
    const double build = since(t) / kRepeats;
    QuantizedModel model(graph, plan);
    t = Clock::now();
    for (int i = 0; i < kRepeats; ++i)
        model.forward(batch.data(), {32, 1, 28, 28});
    const double forward = since(t) / kRepeats;
    std::printf("quantized model: build %.1f ms, forward of 32 images %.1f ms\n\n", 1e3 * build, 1e3 * forward);
}

void partB(const std::string& demo, int iterations)
{
    std::printf("(b) qint4 per-channel weights, qint8 activations\n");
    CalibrationConfig c = test::demoCalibrationConfig(demo, 30);
    c.weight.spec.dtype = obs::DType::QInt4;
    const CalibrationResult calibration = runCalibration(c);
    const QuantPlan nearest = planFromCalibration(calibration);
    const EvaluationResult e = runEvaluation(calibration, validationConfig(false));
    const double floatTop1 = 100.0 * e.floatMetrics.top1;
    const double nearestTop1 = 100.0 * e.planMetrics.top1;
    std::printf("  %-44s %6.2f %%\n", "float", floatTop1);
    std::printf("  %-44s %6.2f %%\n", "nearest rounding", nearestTop1);

    AdaRoundModelConfig a;
    a.data = c.data;
    if (iterations > 0)
        a.layer.iterations = iterations;
    if (const char* lr = std::getenv("BENCH_LR")) // Adam's learning rate (default AdaRoundConfig's)
        a.layer.learningRate = std::atof(lr);
    const auto t = Clock::now();
    const AdaRoundModelResult r = runAdaRound(calibration, nearest, a);
    const double seconds = since(t);
    const double adaTop1 = top1Of(calibration, r.plan);
    std::printf("  %-44s %6.2f %%   (%d iterations per layer, learning rate %g, %.1f s in all)\n", "AdaRound",
                adaTop1, a.layer.iterations, a.layer.learningRate, seconds);
    std::printf("  gap to float: nearest %.2f, AdaRound %.2f points (target: at most half)\n",
                floatTop1 - nearestTop1, floatTop1 - adaTop1);
    std::printf("  per layer: nearest -> AdaRound output MSE, weights flipped, iterations/s\n");
    for (const auto& [name, l] : r.layers)
        std::printf("    %-22s %10.4g -> %10.4g %s %7lld %8.1f it/s\n", name.c_str(), l.nearestError, l.adaroundError,
                    l.keptNearest ? "(kept nearest)" : "              ", static_cast<long long>(l.flipped),
                    l.iterationsPerSecond);
    for (const auto& [name, why] : r.skipped)
        std::printf("    %-22s skipped: %s\n", name.c_str(), why.c_str());
    std::printf("\n");
}

} // namespace

int main(int argc, char** argv)
{
    const std::string part = argc > 1 ? argv[1] : "ab";
    const int iterations = argc > 2 ? std::atoi(argv[2]) : 0;
    const std::string demo = CALIBSCOPE_BENCH_DEMO;
    try {
        if (part.find('c') != std::string::npos)
            passCost(demo);
        if (part.find('a') != std::string::npos)
            partA(demo);
        if (part.find('b') != std::string::npos)
            partB(demo, iterations);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_adaround: %s\n", e.what());
        return 1;
    }
    return 0;
}
