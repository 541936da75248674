#pragma once
// Histograms with PyTorch's exact binning (torch.histc, linspace and arange on float32 CPU)
// and the growing |x| histogram of NVIDIA's HistogramCalibrator / Horizon's KLObserver.
// Counts are kept exact (integers in double) where torch's float32 counts would saturate
// at 2^24 per bin; below that both agree.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cs::obs {

struct HistcRange {
    float lo = 0.0f;
    float hi = 0.0f;
};

// torch.histc's range rule: [lo, hi] as given; when lo == hi the data's own min/max, and
// when those are equal too, [lo - 1, hi + 1]. `absolute` bins |x| instead of x.
HistcRange histcRange(const float* x, std::size_t n, bool absolute, double lo, double hi);

// Adds torch.histc counts of x (or |x|) over [lo, hi] into counts[0..bins): element v with
// lo <= v <= hi goes to bin int((v - lo) * bins / (hi - lo)) in float32, v == hi to the last.
void histcAccumulate(const float* x, std::size_t n, bool absolute, int64_t bins, float lo,
                     float hi, double* counts);
void histcAccumulate(const float* x, std::size_t n, bool absolute, int64_t bins, float lo,
                     float hi, uint32_t* counts);

// torch.linspace(start, end, steps) / torch.arange(start, end, step) on float32 CPU,
// including the lane pattern of ATen's vectorised kernels (interior values can differ by
// one ulp from the naive formula; the reference edges were produced by these kernels).
std::vector<float> torchLinspace(float start, float end, int64_t steps);
std::vector<float> torchArange(double start, double end, double step);

// Histogram of |x| over [0, edges.back()] whose range only grows: when a batch exceeds the
// last edge, bins of the same width are appended and old counts keep their positions
// (NVIDIA calib/histogram.py collect(), Horizon KLObserver.forward()).
class GrowingAbsHistogram {
public:
    explicit GrowingAbsHistogram(int64_t initialBins = 2048) : initialBins_(initialBins) {}
    // A histogram from its saved parts (counts(), edges(), pendingZeros(), mergeFactor());
    // the caller has checked that they belong together (observer_state_io.cpp).
    static GrowingAbsHistogram fromParts(int64_t initialBins, std::vector<double> counts, std::vector<float> edges,
                                         double pendingZeros, int64_t mergeFactor);

    // x must be finite. skipZeros drops exact zeros first (NVIDIA skip_zeros).
    void add(const float* x, std::size_t n, bool skipZeros = false);
    void clear();

    // No positive value seen yet (all inputs were zero or nothing was added).
    bool degenerate() const { return counts_.empty(); }
    const std::vector<double>& counts() const { return counts_; }
    const std::vector<float>& edges() const { return edges_; }
    // Zeros seen while the histogram had no width; they are folded into bin 0 once it has.
    double pendingZeros() const { return pendingZeros_; }
    double total() const;
    int64_t initialBins() const { return initialBins_; }
    // > 1 when the range grew so much that adjacent bins had to be merged (by this factor)
    // to bound memory; the reference would have kept every bin. 1 otherwise.
    int64_t mergeFactor() const { return mergeFactor_; }
    // The bin count beyond which bins are merged: 16x the initial bins, at least 2^16.
    int64_t maxBins() const;

private:
    int64_t initialBins_;
    int64_t mergeFactor_ = 1;
    std::vector<double> counts_;
    std::vector<float> edges_;
    double pendingZeros_ = 0.0;
};

}  // namespace cs::obs
