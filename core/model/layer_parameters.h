#pragma once
// Repaired float parameters of conv/linear ops (bias correction, equalization, weight
// clipping, AdaRound): they replace the op's own weight and/or bias wherever the model runs
// for calibration, evaluation and export.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cs {

// What replaces one conv/linear op's parameters: BN-folded in deployment mode (the values the
// backend quantizes), as stored in the model in per-op mode. An empty vector keeps the
// model's own; a bias may be given for an op that has none (a zero bias is implied there).
struct LayerParameters {
    std::vector<int64_t> weightShape; // the weight's shape when `weight` is set
    std::vector<float> weight;        // row-major, weightShape
    std::vector<float> bias;          // one per output channel
};

// By conv/linear op name.
using LayerParameterMap = std::map<std::string, LayerParameters>;

bool operator==(const LayerParameters& a, const LayerParameters& b);
inline bool operator!=(const LayerParameters& a, const LayerParameters& b) { return !(a == b); }

} // namespace cs
