#pragma once
// KL-divergence threshold searches over a |x| histogram (TensorRT-style entropy
// calibration) in the two published variants:
//  - NVIDIA pytorch-quantization `_compute_amax_entropy`: scipy entropy (inf where q = 0 < p),
//    last minimum, amax = edges[i*];
//  - Horizon KLObserver: q + 1e-10, a 9-wide moving sum over the divergences, last minimum,
//    clip = edges[j*stride + start + 4].
// Candidate i keeps bins [0, i): P = h[0..i) with the outliers added to P[i-1]; Q spreads
// each of n groups (bin j in group floor(j*n/i)) evenly over its non-empty bins. Both
// variants first set h[0] = h[1].
//
// The reference loops are O(i) per candidate. klDivergences() uses prefix sums over the
// histogram so a candidate costs O(min(n, i)) (one log per non-empty group), then
// recomputes the candidates within a tiny tolerance of the minimum with the direct formula,
// so the choice equals the direct implementation's even on (near-)exact ties.

#include <cstdint>
#include <vector>

namespace cs::obs {

enum class KlVariant { Nvidia, Horizon };

struct KlCandidates {
    std::vector<int64_t> i;     // candidate lengths
    std::vector<double> value;  // divergence; +inf where undefined (Q empty or q = 0 < p)
};

// Divergence of every candidate i = startBin, startBin + stride, ... <= hist.size().
KlCandidates klDivergences(const std::vector<double>& hist, int64_t quantBins, int64_t startBin,
                           int64_t stride, KlVariant variant, bool fast = true);
// One candidate with the direct O(i) formula (the reference implementation).
double klDivergenceDirect(const std::vector<double>& hist, int64_t quantBins, int64_t i,
                          KlVariant variant);

// NVIDIA: the last i minimising KL, or -1 when there is no candidate.
int64_t nvidiaEntropySelect(const std::vector<double>& hist, int64_t quantBins, int64_t startBin,
                            int64_t stride, bool fast = true);
// Horizon: the edge index j*stride + startBin + 4 of the last minimal 9-window, or -1 when
// the histogram has too few candidates for one window.
int64_t horizonKlSelect(const std::vector<double>& hist, int64_t quantBins, int64_t startBin,
                        int64_t stride, bool fast = true);

}  // namespace cs::obs
