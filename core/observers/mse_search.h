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

#include <cstddef>
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

namespace cs::obs {

// One candidate of a quantization-error search: x -> clamp(round(x / scale), lo, hi) * scale
// in float32, as quantizationSquaredError computes it (lo/hi: integers, |lo|, |hi| < 2^22).
struct ErrorCandidate {
    float scale = 1.0f;
    float lo = 0.0f;
    float hi = 0.0f;
};

// The candidate with the smallest quantizationSquaredError over n finite values x whose min
// and max are mn and mx: the last of equal minima when lastWins (Horizon mse), else the first
// (Horizon mix). The answer is the direct form's (a full pass per candidate), bit for bit.
//
// The fast form passes over x once into a fine histogram with each bin's count, sum and sum
// of squares, and bounds every candidate's error from it: bins that fall on one level
// contribute exactly (prefix sums over runs of such bins, O(levels) per candidate), bins that
// straddle a rounding boundary between their lowest and highest possible error. Only the
// candidates whose lower bound reaches the smallest upper bound (plus the rounding error of
// both forms) get the direct pass, so the choice cannot differ from the direct form's.
std::size_t squaredErrorArgmin(const float* x, std::size_t n, float mn, float mx,
                               const std::vector<ErrorCandidate>& candidates, bool lastWins, bool fast = true);

// How many candidates the last fast squaredErrorArgmin call on this thread passed over
// directly (for tests and benchmarks).
std::size_t squaredErrorDirectPasses();
// How many moment histograms squaredErrorArgmin has built on this thread (for tests).
std::size_t squaredErrorHistogramBuilds();

// While one is alive, the fast squaredErrorArgmin calls on this thread over exactly x[0, n)
// (the same pointer and size, the same min and max) build the moment histogram once and
// share it: compare mode runs Horizon's mse and mix on every batch of a point, and the
// histogram is most of their cost. Whoever opens the scope guarantees that x does not change
// while it is alive; the histogram is forgotten when it ends, so no later data, even at the
// same address, can meet it.
class SharedErrorHistogramScope {
public:
    SharedErrorHistogramScope(const float* x, std::size_t n);
    ~SharedErrorHistogramScope();
    SharedErrorHistogramScope(const SharedErrorHistogramScope&) = delete;
    SharedErrorHistogramScope& operator=(const SharedErrorHistogramScope&) = delete;

private:
    const float* m_previousX;
    std::size_t m_previousN;
};

}  // namespace cs::obs
