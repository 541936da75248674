// Prints what the repairs give on the demo (first 2000 validation images) and what they cost.
// Not a test: BENCHMARKS.md quotes its figures.
// Usage: bench_repair [DEMO_DIR]   (default: the test cache's demo)
#include "core/calibration.h"
#include "core/demo/demo_splits.h"
#include "core/evaluation.h"
#include "core/repair/repair.h"

#include <chrono>
#include <cstdio>
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

} // namespace

int main(int argc, char** argv)
{
    const std::string dir = argc > 1 ? argv[1] : CALIBSCOPE_TEST_DEMO_DIR;
    const DemoSplits splits = loadDemoSplits(dir + "/demo.json");
    CalibrationConfig base;
    base.modelPath = dir + "/demo.pt";
    base.data = splits.calibration;
    base.batchSize = 32;
    base.numBatches = 30;
    EvaluationConfig eval;
    eval.data = splits.validation;
    eval.data.start = 0;
    eval.data.count = 2000;
    eval.batchSize = 100;
    eval.accuracyTable = false;
    eval.sensitivity = false;
    eval.autoPlan = false;

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
