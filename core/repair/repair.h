#pragma once
// Repairing the quantized model instead of only diagnosing it: bias correction, weight
// clipping, cross-layer equalization and the TI presets. Each repair changes the repaired
// parameters (LayerParameterMap, BN-folded in deployment mode) that calibration, evaluation
// and export run the model with; runRepairs() is the job that applies a selection to a
// calibration and re-calibrates the activations with the result.
#include "core/calibration.h"
#include "core/progress.h"
#include "core/quant_plan.h"

#include <string>
#include <vector>

namespace cs {

enum class BiasCorrectionFlavour {
    Empirical,  // per layer in graph order: b -= mean over N,H,W of (y_q - y_fp) (AIMET)
    TiPerBatch, // per calibration batch, every layer: b += factor * (mean_fp - mean_q) (TI)
};

struct BiasCorrectionOptions {
    BiasCorrectionFlavour flavour = BiasCorrectionFlavour::Empirical;
    double factor = 0.05; // TiPerBatch: the fraction of each batch's mean error corrected
    int epochs = 1;       // TiPerBatch: passes over the calibration batches
};

struct WeightClippingOptions {
    double threshold = 15.0; // clip only when max|W| exceeds this
    double ratio = 16.0;     // ... and exceeds ratio * median|W|
};

struct EqualizationOptions {
    bool absorbHighBias = true;
    int iterations = 100; // at most, passes over the chains (a conv in two chains moves with both)
};

struct RepairOptions {
    std::string preset;   // "" or one of presetNames()
    bool biasCorrection = false;
    BiasCorrectionOptions bias;
    bool weightClipping = false;
    WeightClippingOptions clipping;
    bool equalize = false;
    EqualizationOptions equalization;
    // A registry observer for every conv/linear weight (after the preset's choice; each
    // weight keeps its grid), e.g. "weight_mse"; "" keeps the configured ones.
    std::string weightObserver;
    // The accuracy-driven plan search (plan_search.h) on the repaired model's compare results,
    // on the calibration data; with bias correction, the correction then follows the chosen
    // ranges and is kept only when it lowers the search's output error.
    bool planSearch = false;
};

// What every repair measures on: the model and mode of the calibration, its calibration data.
struct RepairContext {
    CalibrationConfig config; // model, mode, data, batches, threads, observers
    ProgressCallback progress;
};

// "ti-simple", "ti-advanced", "ti-advanced-dw".
std::vector<std::string> presetNames();
std::string presetDescription(const std::string& name);
// Sets the observers and quantization specs of `name` in `config` (activation, weight, the
// depthwise weight overrides of ti-advanced-dw; overrides of other points are dropped) and
// turns on the repairs it includes in `options`. Throws CalibError for an unknown name.
void applyPreset(const std::string& name, CalibrationConfig& config, RepairOptions& options);

// Cross-layer equalization of conv->[relu]->conv, linear->[relu]->linear and
// conv->depthwise->conv chains, then high-bias absorption through a ReLU where a batch norm
// was folded into the first layer. Changes `parameters`; the float output stays the same
// (to float rounding; absorption is exact where the ReLU input stays above the absorbed bias).
RepairRecord equalizeLayers(const RepairContext& context, LayerParameterMap& parameters,
                            const EqualizationOptions& options = {});

// TI's outlier-weight rule on each conv/linear weight (BN-folded in deployment mode): when
// max|W| > threshold and max|W| > ratio * median|W|, clip to +-0.9375 * 2^ceil(log2(min(max|W|,
// ratio * median|W|))).
RepairRecord clipWeights(const RepairContext& context, LayerParameterMap& parameters,
                         const WeightClippingOptions& options = {});

// Bias correction of every conv/linear op against `reference` (the float model's parameters
// the quantized one should match: the equalized ones, before clipping), quantized per
// `calibration`'s plan with `parameters` in place. A zero bias is added where an op has none.
RepairRecord correctBias(const RepairContext& context, const CalibrationResult& calibration,
                         const LayerParameterMap& reference, LayerParameterMap& parameters,
                         const BiasCorrectionOptions& options = {});

// ti-advanced-dw's floor on per-channel depthwise weight scales: TI caps a channel's inverse
// scale at `ratio` times the whole tensor's, so no channel's scale (step) goes below the
// per-tensor min_max scale of the same weight divided by `ratio`. Raises those channels'
// scales in `calibration`'s weight results and says which; other weights are left alone.
RepairRecord capDepthwiseScales(CalibrationResult& calibration, double ratio = 256.0);

// One step of a repair run and the plan it left: the records it added (in order) and the
// activation and weight grids with the parameters as they were once it was done.
struct RepairStep {
    std::vector<std::string> records;
    QuantPlan plan;
};

// The job: `options` applied to `session` in the order weight observer, equalization, weight
// clipping, (re-calibration), bias correction, final re-calibration; with the plan search,
// the order is equalization, weight clipping, re-calibration, plan search, bias correction
// measured with the chosen ranges (no re-calibration after it: the ranges stay the chosen
// ones). ti-advanced-dw's depthwise scale floor follows every re-calibration. The result
// carries the session's repairs and the new ones, and no evaluation. `config` is the session's configuration with
// the calibration data to use. Throws CalibError when a repair meets NaN/Inf (naming the
// point) and JobCancelled on cancel; `session` is never changed. With `steps`, the plan after
// each step is appended to it (the preset and weight observer, equalization, weight clipping,
// bias correction, the plan search: each step after which another follows costs one more
// calibration pass when no repair needs one there anyway); the last is the result's plan.
CalibrationResult runRepairs(const CalibrationResult& session, const CalibrationConfig& config,
                             const RepairOptions& options, const ProgressCallback& progress = {},
                             ObserverBank* bank = nullptr, std::vector<RepairStep>* steps = nullptr);

} // namespace cs
