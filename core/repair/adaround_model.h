#pragma once
// AdaRound over a whole model: every quantized conv/linear weight, layer by layer
// (core/repair/adaround.h has the method).
#include "core/calibration.h"
#include "core/dataset/dataset_spec.h"
#include "core/progress.h"
#include "core/quant_plan.h"
#include "core/repair/adaround.h"

#include <string>
#include <utility>
#include <vector>

namespace cs {

struct AdaRoundModelConfig {
    DatasetSpec data;       // the calibration images
    int batchSize = 32;
    int maxBatches = 16;    // the cached inputs: 512 images by default
    int threads = 0;
    AdaRoundConfig layer;
};

struct AdaRoundModelResult {
    std::vector<std::pair<std::string, AdaRoundLayerResult>> layers; // in op order
    std::vector<std::pair<std::string, std::string>> skipped;        // layer → why
    LayerParameterMap parameters; // the rounded layers' parameters (weight on its grid, bias)
    QuantPlan plan;               // the input plan with them
    double seconds = 0;
};

// Every conv/linear whose weight `plan` quantizes, in op order: its inputs cached from the
// float model (with the plan's parameters) and from the quantized model with the layers
// before it already rounded, then adaroundLayer. The layers' results go to
// LayerParameters (BN-folded in deployment mode), which fake quantization leaves unchanged.
// Throws CalibError (the layer named) on NaN/Inf, JobCancelled when `progress` says stop;
// `plan` is never changed.
AdaRoundModelResult runAdaRound(const CalibrationResult& calibration, const QuantPlan& plan,
                                const AdaRoundModelConfig& config, const ProgressCallback& progress = {});

} // namespace cs
