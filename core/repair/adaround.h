#pragma once
// AdaRound (Nagel et al. 2020, "Up or Down? Adaptive Rounding for Post-Training
// Quantization") for conv/linear weights: instead of rounding every weight to the nearest grid
// point, learn per weight whether to round up or down so that the layer's output on real
// inputs stays close to the float layer's.
//
// Each weight gets a free variable α; its rounding is h(α) = clamp(σ(α)·(ζ − γ) + γ, 0, 1)
// with ζ = 1.1, γ = −0.1 (a rectified sigmoid that reaches 0 and 1 exactly), and the weight
// W̃ = s·(clamp(⌊W/s⌋ + h(α) + z, qmin, qmax) − z). Adam (on α only) minimises
//   ‖f(W̃·x_q + b) − f(W·x_fp + b)‖² + λ·Σ(1 − |2h(α) − 1|^β)
// (the squared error summed over output channels, averaged over the rest) on batches of 32
// drawn from the cached layer inputs: x_q from the quantized model (so the layer learns to
// undo the error of the layers before it), x_fp from the float model, f the fused ReLU if
// any. λ = 0.01; the regulariser is off for the first 20 % of the iterations (warm start),
// then β falls from 20 to 2 along a cosine, pushing every h to 0 or 1. At the end h is
// rounded (α ≥ 0 rounds up) and the result is exactly on the weight's grid.
#include "core/model/instrumented_model.h"
#include "core/progress.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cs {

// A conv/linear op's attributes, as torch.nn.functional takes them.
struct LayerGeometry {
    bool linear = false;                 // else a convolution of the weight's rank - 2 dims
    std::vector<int64_t> stride{1};
    std::vector<int64_t> padding{0};
    std::vector<int64_t> dilation{1};
    int64_t groups = 1;
    bool relu = false;                   // the layer's output passes a ReLU (a fused point)
};

struct AdaRoundConfig {
    // AIMET's default is 10 000. 400, with the larger learning rate below, round the demo's
    // eight layers in about a minute on two heavily shared cores and close its qint4 gap to
    // float (BENCHMARKS.md, "Repairs").
    int iterations = 400;
    int batchSize = 32;
    double regularization = 0.01;  // λ
    double betaStart = 20;
    double betaEnd = 2;
    double warmStart = 0.2;        // fraction of the iterations without the regulariser
    // Adam's step. AIMET keeps torch.optim.Adam's 1e-3 over 10 000 iterations; over 400 that
    // leaves α short of its target (the demo: 88.60 % against 89.10 % at 3e-3).
    double learningRate = 3e-3;
    uint64_t seed = 0;             // of the batches drawn
};

struct AdaRoundLayerInput {
    std::string name;                     // for messages
    std::vector<float> weight;            // BN-folded float weight
    std::vector<int64_t> weightShape;
    std::vector<float> bias;              // folded bias; empty = none
    LayerGeometry geometry;
    std::vector<int64_t> inputShape;      // [N, ...] of the cached inputs
    std::vector<float> floatInputs;       // the float model's inputs to this layer
    std::vector<float> quantInputs;       // the quantized model's; empty = the float ones
    FakeQuantParams weightParams;         // the weight's grid (per tensor or per channel)
};

struct AdaRoundLayerResult {
    std::vector<float> weight;         // on the grid: scale·(q − zero point)
    // Mean squared error of f(layer output) against the float layer's on every cached input,
    // with nearest rounding and with the learnt one.
    double nearestError = 0;
    double adaroundError = 0;
    // The learnt rounding did worse than nearest on the whole cache (a too-short run): the
    // result then holds the nearest-rounded weight.
    bool keptNearest = false;
    int64_t flipped = 0;               // weights rounded the other way than nearest
    int iterations = 0;
    double seconds = 0;
    double iterationsPerSecond = 0;
};

// Throws CalibError on inconsistent shapes or parameters and on NaN/Inf (naming the layer),
// JobCancelled when `progress` returns false (asked every 50 iterations).
AdaRoundLayerResult adaroundLayer(const AdaRoundLayerInput& input, const AdaRoundConfig& config = {},
                                  const ProgressCallback& progress = {});

} // namespace cs
