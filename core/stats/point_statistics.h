#pragma once
// Streaming, bounded-memory statistics of one quantization point's activations.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace cs {

// A histogram as views and error estimates read it: `counts.size()` equal bins on [lo, hi].
struct HistogramData {
    double lo = 0;
    double hi = 0;
    std::vector<double> counts;
    double binWidth() const { return counts.empty() ? 0.0 : (hi - lo) / double(counts.size()); }
    double total() const;
};

// A histogram of x (not |x|) over all batches. The range starts at [0, R] (or [-R, R] once a
// negative value is seen) and doubles when data falls outside it; because bins merge
// pairwise on doubling, every count stays exact, only the resolution coarsens.
class AccumulatedHistogram {
public:
    explicit AccumulatedHistogram(int bins = 2048);
    void add(const float* data, size_t n); // non-finite values are skipped
    HistogramData data() const;

    // Continues a histogram saved as data() (session merge). Throws std::invalid_argument
    // when `saved` is not a grid this class makes (odd bin count, lo neither 0 nor -hi).
    static AccumulatedHistogram fromData(const HistogramData& saved);
    // Adds another run's histogram whose finite data spanned [dataMin, dataMax], as if that
    // run's values had been added here: the range grows exactly as add() grows it, then each
    // of `other`'s bins lands in the bin that holds it. A bin straddling bins of this grid (the
    // grids of two runs need not align) is split in proportion to the overlap; returns false
    // when that happened (the counts' total stays exact, their placement is then within one
    // of `other`'s bins).
    bool merge(const HistogramData& other, float dataMin, float dataMax);
    int bins() const { return m_bins; }

private:
    friend class PointStatisticsCollector; // bins in the collector's single pass over a batch
    void growTo(double absMax, bool needNegative);
    int m_bins;
    bool m_symmetric = false;
    double m_range = 0; // R
    std::vector<double> m_counts;
};

// The |x| histogram of one batch (float counts). A session keeps one per batch and point
// (30 x 2048 floats for each of a thousand points, mostly zeros) while views and replays read
// a few of them: one loaded from a session can stay in its stored form and be decoded on first
// read, once, from whichever thread reads it. Copies share that decoding; writing through
// assign() or the non-const operator[] gives the copy its own counts.
class BatchHistogram {
public:
    BatchHistogram() = default;
    BatchHistogram(std::vector<float> counts) : m_counts(std::move(counts)) {} // implicit: a histogram is its counts
    // Counts that `decode` produces when first read; it must not throw.
    static BatchHistogram deferred(std::function<std::vector<float>()> decode);

    const std::vector<float>& counts() const { return m_deferred ? deferredCounts() : m_counts; }
    // The counts, without keeping them decoded when they were not yet (saving reads every
    // histogram of a session once).
    std::vector<float> countsCopy() const;
    size_t size() const { return counts().size(); }
    bool empty() const { return counts().empty(); }
    const float* data() const { return counts().data(); }
    float operator[](size_t i) const { return counts()[i]; }
    float& operator[](size_t i)
    {
        own();
        return m_counts[i];
    }
    void assign(size_t n, float value)
    {
        m_deferred.reset();
        m_counts.assign(n, value);
    }
    friend bool operator==(const BatchHistogram& a, const BatchHistogram& b) { return a.counts() == b.counts(); }
    friend bool operator!=(const BatchHistogram& a, const BatchHistogram& b) { return !(a == b); }

private:
    class Deferred;
    const std::vector<float>& deferredCounts() const;
    void own();

    std::vector<float> m_counts;
    std::shared_ptr<Deferred> m_deferred; // non-null until this copy writes
};

// One batch, summarised.
struct BatchSummary {
    float min = 0;
    float max = 0;
    int64_t count = 0;    // finite elements
    int64_t nan = 0;
    int64_t inf = 0;
    // Of the finite elements, as four partial sums by element index i % 4 added as
    // (s0 + s1) + (s2 + s3): a fixed order, so every code path gives the same bits.
    double sum = 0;
    double sumSquares = 0;
    float absMax = 0;
    BatchHistogram absHistogram; // histc(|x|, bins, 0, absMax) of this batch
};

struct PointStatistics {
    std::vector<BatchSummary> batches;
    HistogramData histogram;          // accumulated, signed
    int64_t count = 0;
    int64_t nan = 0;
    int64_t inf = 0;
    float min = 0;
    float max = 0;
    double mean = 0;
    double std = 0;
    std::vector<int64_t> shape;       // of the last batch
    bool hasData() const { return count > 0; }
    // count, nan, inf, min, max, mean and std from `batches` (sums in batch order).
    void computeTotals();
};

// Collects PointStatistics batch by batch.
class PointStatisticsCollector {
public:
    explicit PointStatisticsCollector(int histogramBins = 2048, int batchHistogramBins = 2048);
    void add(const float* data, const std::vector<int64_t>& shape);
    PointStatistics result() const;

private:
    int m_batchBins;
    AccumulatedHistogram m_histogram;
    std::vector<BatchSummary> m_batches;
    std::vector<int64_t> m_shape;
};

// Per-channel min/max of a weight (channel axis 0).
struct ChannelRanges {
    std::vector<float> min;
    std::vector<float> max;
};
ChannelRanges channelRanges(const std::vector<float>& data, const std::vector<int64_t>& shape);

} // namespace cs
