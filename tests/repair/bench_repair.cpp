// Prints what the repairs give and what they cost. Not a test: BENCHMARKS.md quotes its figures.
// Usage:
//   bench_repair [DEMO_DIR]        the demo (first 2000 validation images): each repair's top-1
//   bench_repair order [DEMO_DIR]  quint4 affine activations: plan search alone, bias correction
//                                  before it, bias correction after it
//   bench_repair weights4 [DEMO_DIR]
//                                  qint4 weights, qint8 activations: per-channel min_max, and
//                                  per-tensor min_max with and without equalization + bias
//                                  correction
//   bench_repair resnet18 MODEL.pt DATA.npy [ADAROUND_ITERATIONS [adaround]]
//                                  time of each repair on a scripted ResNet-18 (8 batches of 16,
//                                  made by tests/bench/bench_repair_resnet18.py), AdaRound
//                                  iterations per second per layer (`adaround`: that alone)
//   bench_repair resnet18-search MODEL.pt DATA.npy [OBSERVERS]
//                                  the plan search on the same ResNet-18 and images: calibration
//                                  with the compare pass, then the search over the candidates
//                                  OBSERVERS (comma-separated compare-pass observers; default
//                                  all of them), its passes and seconds per pass
// (default DEMO_DIR: the test cache's demo)
#include "core/calibration.h"
#include "core/demo/demo_splits.h"
#include "core/evaluation.h"
#include "core/quant_plan.h"
#include "core/repair/adaround_model.h"
#include "core/repair/plan_search.h"
#include "core/repair/repair.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <set>
#include <string>

using namespace cs;
using Clock = std::chrono::steady_clock;

namespace {

struct Setting {
    const char* name;
    CalibrationConfig config;
};

double top1(const CalibrationResult& r, const EvaluationConfig& e, double& floatTop1)
{
    const EvaluationResult ev = runEvaluation(r, e);
    floatTop1 = 100.0 * ev.floatMetrics.top1;
    return 100.0 * ev.planMetrics.top1;
}

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The demo model calibrated on 30 batches of 32.
CalibrationConfig demoCalibration(const std::string& dir, const DemoSplits& splits)
{
    CalibrationConfig c;
    c.modelPath = dir + "/demo.pt";
    c.data = splits.calibration;
    c.batchSize = 32;
    c.numBatches = 30;
    return c;
}

EvaluationConfig demoEvaluation(const DemoSplits& splits)
{
    EvaluationConfig eval;
    eval.data = splits.validation;
    eval.data.start = 0;
    eval.data.count = 2000;
    eval.batchSize = 100;
    eval.accuracyTable = false;
    eval.sensitivity = false;
    eval.autoPlan = false;
    return eval;
}

// Bias correction before the plan search (the job's order without the search, then the
// search on its result) against the search first and the correction after it.
int orders(const std::string& dir)
{
    const DemoSplits splits = loadDemoSplits(dir + "/demo.json");
    CalibrationConfig c = demoCalibration(dir, splits);
    c.compareObservers = true;
    c.activation.spec.dtype = obs::DType::QUInt4;
    c.activation.spec.qscheme = obs::QScheme::PerTensorAffine;
    const EvaluationConfig eval = demoEvaluation(splits);
    const PlanSearchConfig s = planSearchConfig(c);
    const CalibrationResult session = runCalibration(c);
    double floatTop1 = 0;
    const double plain = top1(session, eval, floatTop1);
    std::printf("%-46s %8s %12s %8s\n", "quint4 affine act, qint8 per-channel weights", "top-1 %", "output MSE", "seconds");
    std::printf("%-46s %8.2f %12s %8s\n", "float", floatTop1, "", "");
    std::printf("%-46s %8.2f %12.5f %8s\n", "min_max (the session)", plain,
                planOutputError(session, planFromCalibration(session), s), "");
    std::fflush(stdout);
    auto row = [&](const char* label, const CalibrationResult& r, double seconds) {
        double f = 0;
        const double t = top1(r, eval, f);
        std::printf("%-46s %8.2f %12.5f %8.1f\n", label, t, planOutputError(r, planFromCalibration(r), s), seconds);
        for (const auto& rec : r.repairs)
            for (const auto& n : rec.notes)
                if (rec.name != "bias_correction" || n.find("output MSE") != std::string::npos)
                    std::printf("    %s: %s\n", rec.name.c_str(), n.c_str());
        std::fflush(stdout);
    };
    RepairOptions search;
    search.planSearch = true;
    auto t0 = Clock::now();
    const CalibrationResult alone = runRepairs(session, c, search);
    row("plan search alone", alone, secondsSince(t0));

    t0 = Clock::now();
    RepairOptions bias;
    bias.biasCorrection = true;
    ObserverBank bank;
    CalibrationResult before = runRepairs(session, c, bias, {}, &bank);
    const PlanSearchResult r = runPlanSearch(before, s);
    before.repairs.push_back(applyPlanSearch(before, bank, r));
    row("bias correction, then plan search", before, secondsSince(t0));

    t0 = Clock::now();
    RepairOptions after = search;
    after.biasCorrection = true;
    const CalibrationResult job = runRepairs(session, c, after);
    row("plan search, then bias correction (the job)", job, secondsSince(t0));
    return 0;
}

// Per-tensor weights where they cost accuracy: at 4 bits one scale per tensor leaves the
// channels with small weights few levels, which per-channel scales (the first row) and the
// repairs for per-tensor weights (equalization balances the channel ranges, bias correction
// removes the output shift the rounding leaves) address.
int fourBitWeights(const std::string& dir)
{
    const DemoSplits splits = loadDemoSplits(dir + "/demo.json");
    const EvaluationConfig eval = demoEvaluation(splits);
    CalibrationConfig perChannel = demoCalibration(dir, splits);
    perChannel.weight.spec.dtype = obs::DType::QInt4;
    CalibrationConfig perTensor = perChannel;
    perTensor.weight.spec.qscheme = obs::QScheme::PerTensorSymmetric;
    perTensor.weight.spec.chAxis = -1;
    std::printf("%-44s %-30s %8s %8s %8s\n", "setting", "repair", "top-1 %", "gap", "seconds");
    double floatTop1 = 0;
    const double channel = top1(runCalibration(perChannel), eval, floatTop1);
    const char* name = "qint8 act, qint4 weights";
    std::printf("%-44s %-30s %8.2f %8.2f %8s\n", name, "float", floatTop1, 0.0, "");
    std::printf("%-44s %-30s %8.2f %8.2f %8s\n", name, "per-channel min_max", channel, floatTop1 - channel, "");
    std::fflush(stdout);
    const CalibrationResult session = runCalibration(perTensor);
    const double plain = top1(session, eval, floatTop1);
    std::printf("%-44s %-30s %8.2f %8.2f %8s\n", name, "per-tensor min_max", plain, floatTop1 - plain, "");
    std::fflush(stdout);
    RepairOptions o;
    o.equalize = true;
    o.biasCorrection = true;
    const auto t0 = Clock::now();
    const CalibrationResult repaired = runRepairs(session, perTensor, o);
    const double seconds = secondsSince(t0);
    double f = 0;
    const double t = top1(repaired, eval, f);
    std::printf("%-44s %-30s %8.2f %8.2f %8.1f\n", name, "per-tensor, equalization + bias correction", t,
                floatTop1 - t, seconds);
    for (const auto& rec : repaired.repairs)
        if (rec.name == "equalization")
            for (const auto& n : rec.notes)
                std::printf("    %s: %s\n", rec.name.c_str(), n.c_str());
    return 0;
}

// Each repair's time on a scripted ResNet-18, and AdaRound's iterations per second per layer.
int resnet18(const std::string& model, const std::string& data, int iterations, bool onlyAdaRound)
{
    CalibrationConfig c;
    c.modelPath = model;
    c.data.path = data;
    c.batchSize = 16;
    c.numBatches = 8;
    auto t0 = Clock::now();
    const CalibrationResult session = runCalibration(c);
    std::printf("%-40s %10s\n", "ResNet-18, 8 batches of 16 at 224x224", "seconds");
    std::printf("%-40s %10.1f\n", "calibration (min_max)", secondsSince(t0));
    std::fflush(stdout);
    struct Choice {
        const char* label;
        RepairOptions options;
    };
    std::vector<Choice> choices;
    RepairOptions o;
    o.weightObserver = "weight_mse";
    choices.push_back({"weight observer weight_mse", o});
    o = {};
    o.equalize = true;
    choices.push_back({"equalization", o});
    o = {};
    o.weightClipping = true;
    choices.push_back({"weight clipping", o});
    o = {};
    o.biasCorrection = true;
    choices.push_back({"bias correction (empirical)", o});
    o.bias.flavour = BiasCorrectionFlavour::TiPerBatch;
    choices.push_back({"bias correction (TI, one epoch)", o});
    o = {};
    o.preset = "ti-advanced";
    choices.push_back({"preset ti-advanced", o});
    if (onlyAdaRound)
        choices.clear();
    for (const Choice& choice : choices) {
        t0 = Clock::now();
        const CalibrationResult r = runRepairs(session, c, choice.options);
        std::printf("%-40s %10.1f  (one re-calibration included; two with bias correction)\n", choice.label,
                    secondsSince(t0));
        std::fflush(stdout);
    }
    AdaRoundModelConfig a;
    a.data = c.data;
    a.batchSize = c.batchSize;
    a.maxBatches = c.numBatches;
    a.layer.iterations = iterations;
    t0 = Clock::now();
    const AdaRoundModelResult r = runAdaRound(session, planFromCalibration(session), a);
    std::printf("%-40s %10.1f  (%d iterations per layer, batches of %d cached inputs)\n", "AdaRound", secondsSince(t0),
                iterations, a.layer.batchSize);
    std::printf("%-24s %-18s %14s %12s\n", "layer", "weight", "iterations/s", "seconds");
    for (const auto& [name, layer] : r.layers) {
        std::string shape;
        for (const auto& w : session.weights)
            if (w.name == name)
                for (int64_t d : w.shape)
                    shape += (shape.empty() ? "" : "x") + std::to_string(d);
        std::printf("%-24s %-18s %14.2f %12.1f\n", name.c_str(), shape.c_str(), layer.iterationsPerSecond, layer.seconds);
    }
    for (const auto& [name, why] : r.skipped)
        std::printf("%-24s skipped: %s\n", name.c_str(), why.c_str());
    return 0;
}

// The plan search on a scripted ResNet-18: the compare pass's time, then the search's passes
// and seconds over the candidates in `observers` (empty: every compare-pass observer). The
// search's cost is its passes, so a subset of the candidates times a pass as well as all of
// them would; the whole set's pass count is printed beside it.
int resnet18Search(const std::string& model, const std::string& data, const std::string& observers)
{
    CalibrationConfig c;
    c.modelPath = model;
    c.data.path = data;
    c.batchSize = 16;
    c.numBatches = 8;
    c.compareObservers = true;
    auto t0 = Clock::now();
    CalibrationResult session = runCalibration(c);
    std::printf("%-48s %10s\n", "ResNet-18, 8 batches of 16 at 224x224", "seconds");
    std::printf("%-48s %10.1f\n", "calibration with the compare pass", secondsSince(t0));
    std::fflush(stdout);
    std::set<std::string> all, kept;
    size_t points = 0;
    for (PointCalibration& p : session.points) {
        if (p.compare.empty())
            continue;
        ++points;
        for (auto it = p.compare.begin(); it != p.compare.end();) {
            all.insert(it->first);
            const bool keep = observers.empty() || ("," + observers + ",").find("," + it->first + ",") != std::string::npos;
            if (keep)
                kept.insert(it->first);
            it = keep ? std::next(it) : p.compare.erase(it);
        }
    }
    std::string names;
    for (const auto& n : kept)
        names += (names.empty() ? "" : ",") + n;
    std::printf("points with candidates: %zu; compare-pass observers: %zu; searched: %zu (%s)\n", points, all.size(),
                kept.size(), names.c_str());
    std::printf("at most %zu passes with all of them (one per observer for the single-observer plans, then one per "
                "point and other candidate; candidates on the same grid share one)\n",
                all.size() + 1 + points * all.size());
    std::fflush(stdout);
    const PlanSearchConfig s = planSearchConfig(c);
    t0 = Clock::now();
    const PlanSearchResult r = runPlanSearch(session, s);
    const double seconds = secondsSince(t0);
    std::printf("%-48s %10.1f  (%d passes, %.2f s a pass; %lld images)\n", "plan search", seconds, r.passes,
                r.passes > 0 ? seconds / r.passes : 0.0, static_cast<long long>(r.images));
    std::printf("output MSE: start (%s) %.6g, chosen %.6g; SQNR %.2f dB\n", r.start.c_str(), r.startError,
                r.outputError, r.outputSqnrDb);
    for (const auto& [observer, err] : r.singleObservers)
        std::printf("    one observer everywhere: %-20s %.6g\n", observer.c_str(), err);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "order")
        return orders(argc > 2 ? argv[2] : CALIBSCOPE_TEST_DEMO_DIR);
    if (mode == "weights4")
        return fourBitWeights(argc > 2 ? argv[2] : CALIBSCOPE_TEST_DEMO_DIR);
    if (mode == "resnet18-search") {
        if (argc < 4) {
            std::fprintf(stderr, "usage: bench_repair resnet18-search MODEL.pt DATA.npy [OBSERVERS]\n");
            return 2;
        }
        return resnet18Search(argv[2], argv[3], argc > 4 ? argv[4] : "");
    }
    if (mode == "resnet18") {
        if (argc < 4) {
            std::fprintf(stderr, "usage: bench_repair resnet18 MODEL.pt DATA.npy [ADAROUND_ITERATIONS [adaround]]\n");
            return 2;
        }
        return resnet18(argv[2], argv[3], argc > 4 ? std::atoi(argv[4]) : 20,
                        argc > 5 && std::string(argv[5]) == "adaround");
    }
    const std::string dir = argc > 1 ? argv[1] : CALIBSCOPE_TEST_DEMO_DIR;
    const DemoSplits splits = loadDemoSplits(dir + "/demo.json");
    const CalibrationConfig base = demoCalibration(dir, splits);
    const EvaluationConfig eval = demoEvaluation(splits);

    CalibrationConfig perTensor = base; // TI's case: qint8 per-tensor weights
    perTensor.weight.spec.qscheme = obs::QScheme::PerTensorSymmetric;
    perTensor.weight.spec.chAxis = -1;
    CalibrationConfig fourBit = base; // quint4 affine activations, qint8 per-channel weights
    fourBit.activation.spec.dtype = obs::DType::QUInt4;
    fourBit.activation.spec.qscheme = obs::QScheme::PerTensorAffine;

    std::printf("%-44s %-30s %8s %8s %8s\n", "setting", "repair", "top-1 %", "gap", "seconds");
    for (const Setting& s : {Setting{"qint8 act, qint8 per-tensor weights", perTensor},
                             Setting{"quint4 affine act (min_max), qint8 per-ch w", fourBit}}) {
        const CalibrationResult session = runCalibration(s.config);
        double floatTop1 = 0;
        const double plain = top1(session, eval, floatTop1);
        std::printf("%-44s %-30s %8.2f %8.2f %8s\n", s.name, "float", floatTop1, 0.0, "");
        std::printf("%-44s %-30s %8.2f %8.2f %8s\n", s.name, "none", plain, floatTop1 - plain, "");
        struct Choice {
            const char* label;
            RepairOptions options;
        };
        std::vector<Choice> choices;
        RepairOptions o;
        o.biasCorrection = true;
        choices.push_back({"bias correction", o});
        o = {};
        o.equalize = true;
        choices.push_back({"equalization", o});
        o.biasCorrection = true;
        choices.push_back({"equalization + bias correction", o});
        if (s.config.activation.spec.dtype == obs::DType::QInt8) {
            o = {};
            o.preset = "ti-advanced";
            choices.push_back({"preset ti-advanced", o});
        }
        for (const Choice& c : choices) {
            const auto t0 = Clock::now();
            const CalibrationResult repaired = runRepairs(session, s.config, c.options);
            const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
            double f = 0;
            const double t = top1(repaired, eval, f);
            std::printf("%-44s %-30s %8.2f %8.2f %8.1f\n", s.name, c.label, t, floatTop1 - t, seconds);
            std::fflush(stdout);
        }
    }
    return 0;
}
