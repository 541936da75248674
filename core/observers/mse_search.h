#pragma once
// NVIDIA pytorch-quantization `_compute_amax_mse` over a |x| histogram: for candidate
// centres c[i] (i = startBin, startBin + stride, ...), fake-quantize every bin centre with
// amax = c[i] in float32 (scale = maxBound / amax, round half to even, clamp) and weight the
// squared error by the bin's count; the FIRST minimum wins.
//
// The direct form costs O(occupied bins) per candidate. The fast form uses that the
// quantized value is constant over the run of bins that round to one level: with prefix sums
// of n, n*c and n*c^2 a candidate costs O(levels), the run boundaries being found exactly
// (same float32 rounding) by a local walk from their predicted position. Candidates within a
// tolerance of the minimum are re-evaluated directly, so the choice equals the direct form's.

#include <cstdint>
#include <vector>

namespace cs::obs {

struct MseChoice {
    int64_t index = -1;  // -1: no candidate (startBin beyond the histogram)
    float amax = 0.0f;   // centre of the chosen bin
};

// counts: histogram (truncated to integers as NVIDIA's .int() does); edges: its bin edges.
MseChoice nvidiaMseSelect(const std::vector<double>& counts, const std::vector<float>& edges, int bits,
                          bool isUnsigned, int64_t startBin, int64_t stride, bool fast = true);

}  // namespace cs::obs
