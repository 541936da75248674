#include "core/stats/point_statistics.h"

#include "core/observers/kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <string>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cs {

namespace {

// Everything below computes exactly what the straightforward loops (kept for batches with
// NaN/Inf) compute, bit for bit, in fewer and cheaper passes: the statistics of a session
// must not depend on which path ran. The sums are four double partial sums by element index
// (i % 4), added as (s0 + s1) + (s2 + s3) (SumLanes): one sequential sum is a chain of
// dependent additions that used to bound the whole pass. min/max, bin indices and counts
// are exact and order-free, so they use SSE2 and integer counters.

constexpr size_t kChunk = size_t(1) << 31; // uint32 counters cannot overflow within a chunk

// The scalar loops keep the first of equal values, so a zero extreme has the sign of the
// first zero in the data; the SIMD kernel may pick another zero.
float firstZero(const float* x, size_t n)
{
    for (size_t i = 0; i < n; ++i)
        if (x[i] == 0.0f)
            return x[i];
    return 0.0f;
}

// The sums' definition, shared by every path.
struct SumLanes {
    double sum[4] = {0, 0, 0, 0};
    double squares[4] = {0, 0, 0, 0};
    void add(size_t index, float v)
    {
        sum[index % 4] += v;
        squares[index % 4] += double(v) * double(v);
    }
    double totalSum() const { return (sum[0] + sum[1]) + (sum[2] + sum[3]); }
    double totalSquares() const { return (squares[0] + squares[1]) + (squares[2] + squares[3]); }
};

// Where the accumulated (signed) histogram bins: int64((v - start) * scale) in double,
// clamped to [0, bins - 1]; two sub-histograms like the |x| one.
struct SignedBins {
    double start = 0, scale = 0;
    int bins = 0;
    uint32_t* even = nullptr;
    uint32_t* odd = nullptr;
};

// One pass over finite x (x[0] has an index that is a multiple of 4): the sums and both
// histograms. The |x| histogram is histc(|x|, bins, 0, width): bin
// int((|v| * bins) / width) in float32, clamped; `even` is null when there is none (all
// zeros). Two sub-histograms each (even/odd lanes) so that runs of equal values (the zeros
// after a ReLU) do not serialise on one counter.
void fusedPass(const float* x, size_t n, int bins, float width, uint32_t* even, uint32_t* odd, const SignedBins& sb,
               SumLanes& sums)
{
    const float fb = float(bins);
    size_t i = 0;
#if defined(__SSE2__)
    if (even) {
        const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
        const __m128 vfb = _mm_set1_ps(fb), vw = _mm_set1_ps(width), vlast = _mm_set1_ps(float(bins - 1));
        const __m128d vstart = _mm_set1_pd(sb.start), vscale = _mm_set1_pd(sb.scale), vzero = _mm_setzero_pd();
        const __m128d vslast = _mm_set1_pd(double(sb.bins - 1));
        alignas(16) int32_t idx[4], sidx[4];
        __m128d sum01 = _mm_loadu_pd(sums.sum), sum23 = _mm_loadu_pd(sums.sum + 2);
        __m128d sq01 = _mm_loadu_pd(sums.squares), sq23 = _mm_loadu_pd(sums.squares + 2);
        for (; i + 4 <= n; i += 4) {
            const __m128 v = _mm_loadu_ps(x + i);
            // Clamping before truncation gives the same bins: the |x| quotient is >= 0 and
            // only values at or above `bins` are clamped; likewise for the signed bins.
            const __m128 t = _mm_min_ps(_mm_div_ps(_mm_mul_ps(_mm_and_ps(v, absMask), vfb), vw), vlast);
            _mm_store_si128(reinterpret_cast<__m128i*>(idx), _mm_cvttps_epi32(t));
            const __m128d d01 = _mm_cvtps_pd(v), d23 = _mm_cvtps_pd(_mm_movehl_ps(v, v));
            const __m128d s01 = _mm_min_pd(_mm_max_pd(_mm_mul_pd(_mm_sub_pd(d01, vstart), vscale), vzero), vslast);
            const __m128d s23 = _mm_min_pd(_mm_max_pd(_mm_mul_pd(_mm_sub_pd(d23, vstart), vscale), vzero), vslast);
            _mm_store_si128(reinterpret_cast<__m128i*>(sidx), _mm_unpacklo_epi64(_mm_cvttpd_epi32(s01), _mm_cvttpd_epi32(s23)));
            ++even[idx[0]];
            ++odd[idx[1]];
            ++even[idx[2]];
            ++odd[idx[3]];
            ++sb.even[sidx[0]];
            ++sb.odd[sidx[1]];
            ++sb.even[sidx[2]];
            ++sb.odd[sidx[3]];
            sum01 = _mm_add_pd(sum01, d01);
            sum23 = _mm_add_pd(sum23, d23);
            sq01 = _mm_add_pd(sq01, _mm_mul_pd(d01, d01));
            sq23 = _mm_add_pd(sq23, _mm_mul_pd(d23, d23));
        }
        _mm_storeu_pd(sums.sum, sum01);
        _mm_storeu_pd(sums.sum + 2, sum23);
        _mm_storeu_pd(sums.squares, sq01);
        _mm_storeu_pd(sums.squares + 2, sq23);
    }
#endif
    for (; i < n; ++i) {
        sums.add(i, x[i]);
        if (even) {
            const auto bin = int64_t((std::fabs(x[i]) * fb) / width);
            ++even[std::clamp<int64_t>(bin, 0, bins - 1)];
        }
        const auto sbin = int64_t((double(x[i]) - sb.start) * sb.scale);
        ++sb.even[std::clamp<int64_t>(sbin, 0, sb.bins - 1)];
    }
}

// The reference form, for batches with NaN/Inf (rare: they are reported as warnings).
void summariseWithNonFinite(const float* data, size_t n, int bins, BatchSummary& b)
{
    SumLanes sums;
    b.min = std::numeric_limits<float>::infinity();
    b.max = -std::numeric_limits<float>::infinity();
    for (size_t i = 0; i < n; ++i) {
        const float v = data[i];
        if (std::isnan(v)) {
            ++b.nan;
            continue;
        }
        if (std::isinf(v)) {
            ++b.inf;
            continue;
        }
        b.min = std::min(b.min, v);
        b.max = std::max(b.max, v);
        sums.add(i, v);
        ++b.count;
    }
    b.sum = sums.totalSum();
    b.sumSquares = sums.totalSquares();
    if (b.count == 0) {
        b.min = b.max = 0;
        return;
    }
    b.absMax = std::max(-b.min, b.max);
    b.absHistogram.assign(size_t(bins), 0.0f);
    if (b.absMax > 0) {
        // histc(|x|, bins, 0, absMax) binning, as the per-batch Horizon observers use.
        const float width = b.absMax;
        for (size_t i = 0; i < n; ++i) {
            if (!std::isfinite(data[i]))
                continue;
            const float a = std::fabs(data[i]);
            auto bin = int64_t((a * float(bins)) / width);
            b.absHistogram[size_t(std::clamp<int64_t>(bin, 0, bins - 1))] += 1.0f;
        }
    } else {
        b.absHistogram[0] = float(b.count);
    }
}

} // namespace

// The stored form and, once read, the counts. Decoding runs once, whichever thread reads
// first; after it a read costs one atomic load (views and replays read counts bin by bin).
class BatchHistogram::Deferred {
public:
    explicit Deferred(std::function<std::vector<float>()> decode) : m_decode(std::move(decode)) {}
    const std::vector<float>& get()
    {
        std::call_once(m_once, [this] {
            m_counts = m_decode();
            m_decoded.store(true, std::memory_order_release);
        });
        return m_counts;
    }
    // Without keeping the counts: decodes again unless a read already did.
    std::vector<float> copy() const { return m_decoded.load(std::memory_order_acquire) ? m_counts : m_decode(); }

private:
    std::once_flag m_once;
    std::atomic<bool> m_decoded{false};
    const std::function<std::vector<float>()> m_decode; // kept: copy() may run beside get()
    std::vector<float> m_counts;
};

BatchHistogram BatchHistogram::deferred(std::function<std::vector<float>()> decode)
{
    BatchHistogram h;
    h.m_deferred = std::make_shared<Deferred>(std::move(decode));
    return h;
}

const std::vector<float>& BatchHistogram::deferredCounts() const { return m_deferred->get(); }

std::vector<float> BatchHistogram::countsCopy() const { return m_deferred ? m_deferred->copy() : m_counts; }

void BatchHistogram::own()
{
    if (!m_deferred)
        return;
    m_counts = m_deferred->get();
    m_deferred.reset();
}

double HistogramData::total() const
{
    double t = 0;
    for (double c : counts)
        t += c;
    return t;
}

AccumulatedHistogram::AccumulatedHistogram(int bins) : m_bins(std::max(2, bins + (bins & 1))) {}

void AccumulatedHistogram::growTo(double absMax, bool needNegative)
{
    if (m_counts.empty()) {
        m_counts.assign(size_t(m_bins), 0.0);
        m_symmetric = needNegative;
        m_range = absMax > 0 ? absMax : 1.0;
        return;
    }
    const auto half = size_t(m_bins / 2);
    if (needNegative && !m_symmetric) {
        // [0, R] → [-R, R]: bin i of the old grid lands in new bin m_bins/2 + i/2.
        std::vector<double> merged(size_t(m_bins), 0.0);
        for (size_t i = 0; i < m_counts.size(); ++i)
            merged[half + i / 2] += m_counts[i];
        m_counts.swap(merged);
        m_symmetric = true;
    }
    while (absMax > m_range) {
        std::vector<double> merged(size_t(m_bins), 0.0);
        if (m_symmetric) {
            // [-R, R] → [-2R, 2R]: old bin i lands in m_bins/4 + i/2.
            for (size_t i = 0; i < m_counts.size(); ++i)
                merged[size_t(m_bins / 4) + i / 2] += m_counts[i];
        } else {
            for (size_t i = 0; i < m_counts.size(); ++i)
                merged[i / 2] += m_counts[i];
        }
        m_counts.swap(merged);
        m_range *= 2;
    }
}

void AccumulatedHistogram::add(const float* data, size_t n)
{
    float lo = std::numeric_limits<float>::infinity();
    float hi = -std::numeric_limits<float>::infinity();
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(data[i]))
            continue;
        lo = std::min(lo, data[i]);
        hi = std::max(hi, data[i]);
    }
    if (lo > hi)
        return;
    growTo(std::max(std::fabs(double(lo)), std::fabs(double(hi))), lo < 0);
    const double start = m_symmetric ? -m_range : 0.0;
    const double scale = double(m_bins) / (m_symmetric ? 2 * m_range : m_range);
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(data[i]))
            continue;
        const auto bin = int64_t((double(data[i]) - start) * scale);
        m_counts[size_t(std::clamp<int64_t>(bin, 0, m_bins - 1))] += 1.0;
    }
}

HistogramData AccumulatedHistogram::data() const
{
    HistogramData h;
    if (m_counts.empty())
        return h;
    h.lo = m_symmetric ? -m_range : 0.0;
    h.hi = m_range;
    h.counts = m_counts;
    return h;
}

AccumulatedHistogram AccumulatedHistogram::fromData(const HistogramData& saved)
{
    const auto bins = saved.counts.size();
    AccumulatedHistogram h(int(std::max<size_t>(bins, 2)));
    if (bins == 0)
        return h;
    if (bins % 2 != 0 || bins > size_t(1) << 30 || !(saved.hi > 0) || !std::isfinite(saved.hi)
        || saved.hi > 2 * double(std::numeric_limits<float>::max())
        || (saved.lo != 0.0 && saved.lo != -saved.hi))
        throw std::invalid_argument("not an accumulated histogram (" + std::to_string(bins) + " bins on ["
                                    + std::to_string(saved.lo) + ", " + std::to_string(saved.hi) + "])");
    h.m_symmetric = saved.lo < 0;
    h.m_range = saved.hi;
    h.m_counts = saved.counts;
    return h;
}

bool AccumulatedHistogram::merge(const HistogramData& other, float dataMin, float dataMax)
{
    if (other.counts.empty())
        return true;
    // Bounds and extremes come from float32 data: anything else (±inf, NaN, 1e300, an empty
    // or reversed range) is a corrupt file, and would make the regridding below spin.
    constexpr double kFloatMax = double(std::numeric_limits<float>::max());
    auto inFloatRange = [&](double v) { return std::isfinite(v) && std::fabs(v) <= 2 * kFloatMax; };
    if (!inFloatRange(other.lo) || !inFloatRange(other.hi) || !(other.hi > other.lo))
        throw std::invalid_argument("histogram bounds [" + std::to_string(other.lo) + ", " + std::to_string(other.hi)
                                    + "] are not a finite float32 range");
    if (!std::isfinite(dataMin) || !std::isfinite(dataMax) || dataMin > dataMax)
        throw std::invalid_argument("data range [" + std::to_string(dataMin) + ", " + std::to_string(dataMax)
                                    + "] is not finite");
    for (double c : other.counts)
        if (!std::isfinite(c) || c < 0)
            throw std::invalid_argument("a histogram count is negative or not finite");
    if (m_counts.empty() && int(other.counts.size()) == m_bins) {
        // Nothing here yet: a run over both would have started from other's first batch.
        *this = fromData(other);
        return true;
    }
    growTo(std::max(std::fabs(double(dataMin)), std::fabs(double(dataMax))), dataMin < 0);
    const double start = m_symmetric ? -m_range : 0.0;
    const double width = (m_symmetric ? 2 * m_range : m_range) / double(m_bins);
    const double otherWidth = other.binWidth();
    // Positions in units of this grid's bins; a bin that falls inside one of ours up to
    // rounding (aligned grids, e.g. ranges a power of two apart) moves whole.
    constexpr double kEps = 1e-9;
    bool exact = true;
    for (size_t i = 0; i < other.counts.size(); ++i) {
        const double c = other.counts[i];
        if (c == 0)
            continue;
        // Positions outside this grid land in its edge bins, as add() clamps values; clamping
        // before the integer conversion keeps the loops below within m_bins + 2 steps.
        const double lim = double(m_bins) + 1;
        const double a = std::clamp((other.lo + double(i) * otherWidth - start) / width, -1.0, lim);
        const double b = std::clamp(a + otherWidth / width, -1.0, lim + 1);
        const auto first = int64_t(std::floor(a + kEps));
        const auto last = int64_t(std::ceil(b - kEps)) - 1;
        auto bin = [&](int64_t k) { return size_t(std::clamp<int64_t>(k, 0, m_bins - 1)); };
        if (last <= first) {
            m_counts[bin(first)] += c;
            continue;
        }
        exact = false;
        // Shares of the bins it covers, normalised so that the count is kept whole.
        double covered = 0;
        for (int64_t k = first; k <= last; ++k)
            covered += std::max(0.0, std::min(b, double(k + 1)) - std::max(a, double(k)));
        for (int64_t k = first; k <= last; ++k) {
            const double overlap = std::max(0.0, std::min(b, double(k + 1)) - std::max(a, double(k)));
            m_counts[bin(k)] += c * overlap / covered;
        }
    }
    return exact;
}

PointStatisticsCollector::PointStatisticsCollector(int histogramBins, int batchHistogramBins)
    : m_batchBins(batchHistogramBins), m_histogram(histogramBins)
{
}

void PointStatisticsCollector::add(const float* data, const std::vector<int64_t>& shape)
{
    size_t n = 1;
    for (auto d : shape)
        n *= size_t(std::max<int64_t>(d, 0));
    m_shape = shape;
    BatchSummary b;
    if (obs::kernels::countNonFiniteMinMax(data, n, b.min, b.max) != 0 || n == 0) {
        summariseWithNonFinite(data, n, m_batchBins, b);
        m_histogram.add(data, n);
        m_batches.push_back(std::move(b));
        return;
    }
    // b.min/b.max are the SIMD scan's; the reference loops keep the first of equal values.
    if (b.min == 0.0f)
        b.min = firstZero(data, n);
    if (b.max == 0.0f)
        b.max = firstZero(data, n);
    b.count = int64_t(n);
    b.absMax = std::max(-b.min, b.max);
    // What AccumulatedHistogram::add does, with its binning moved into the summary's pass
    // (the sign of a zero extreme does not matter to growTo).
    AccumulatedHistogram& h = m_histogram;
    h.growTo(std::max(std::fabs(double(b.min)), std::fabs(double(b.max))), b.min < 0);
    SignedBins sb;
    sb.start = h.m_symmetric ? -h.m_range : 0.0;
    sb.scale = double(h.m_bins) / (h.m_symmetric ? 2 * h.m_range : h.m_range);
    sb.bins = h.m_bins;
    const auto absBins = size_t(m_batchBins), signedBins = size_t(h.m_bins);
    std::vector<uint32_t> absCounts(b.absMax > 0 ? 2 * absBins : 0), signedCounts(2 * signedBins);
    std::vector<uint64_t> absTotal(absBins, 0);
    SumLanes sums;
    for (size_t c = 0; c < n; c += kChunk) { // one chunk below 2^31 elements
        std::fill(absCounts.begin(), absCounts.end(), 0u);
        std::fill(signedCounts.begin(), signedCounts.end(), 0u);
        sb.even = signedCounts.data();
        sb.odd = signedCounts.data() + signedBins;
        uint32_t* even = absCounts.empty() ? nullptr : absCounts.data();
        fusedPass(data + c, std::min(kChunk, n - c), m_batchBins, b.absMax, even, even ? even + absBins : nullptr, sb,
                  sums);
        for (size_t k = 0; k < signedBins; ++k) // exact integers: equal to adding 1.0 per element
            h.m_counts[k] += double(signedCounts[k]) + double(signedCounts[signedBins + k]);
        for (size_t k = 0; even && k < absBins; ++k)
            absTotal[k] += uint64_t(absCounts[k]) + absCounts[absBins + k];
    }
    b.sum = sums.totalSum();
    b.sumSquares = sums.totalSquares();
    b.absHistogram.assign(absBins, 0.0f);
    if (b.absMax > 0) {
        // Adding 1.0f per element stops at 2^24 (16777216 + 1 rounds back): keep that.
        for (size_t k = 0; k < absBins; ++k)
            b.absHistogram[k] = float(std::min<uint64_t>(absTotal[k], 16777216));
    } else {
        b.absHistogram[0] = float(b.count);
    }
    m_batches.push_back(std::move(b));
}

PointStatistics PointStatisticsCollector::result() const
{
    PointStatistics s;
    s.batches = m_batches;
    s.histogram = m_histogram.data();
    s.shape = m_shape;
    s.computeTotals();
    return s;
}

void PointStatistics::computeTotals()
{
    count = nan = inf = 0;
    min = max = 0;
    mean = std = 0;
    double sum = 0, sumSquares = 0;
    bool first = true;
    for (const auto& b : batches) {
        nan += b.nan;
        inf += b.inf;
        if (b.count == 0)
            continue;
        count += b.count;
        sum += b.sum;
        sumSquares += b.sumSquares;
        min = first ? b.min : std::min(min, b.min);
        max = first ? b.max : std::max(max, b.max);
        first = false;
    }
    if (count > 0) {
        mean = sum / double(count);
        const double variance = count > 1 ? (sumSquares - double(count) * mean * mean) / double(count - 1) : 0.0;
        std = std::sqrt(std::max(0.0, variance));
    }
}

ChannelRanges channelRanges(const std::vector<float>& data, const std::vector<int64_t>& shape)
{
    ChannelRanges r;
    if (shape.empty() || data.empty())
        return r;
    const auto channels = size_t(shape[0]);
    const size_t inner = data.size() / std::max<size_t>(channels, 1);
    r.min.assign(channels, 0.0f);
    r.max.assign(channels, 0.0f);
    for (size_t c = 0; c < channels; ++c) {
        const auto begin = data.begin() + std::ptrdiff_t(c * inner);
        const auto [lo, hi] = std::minmax_element(begin, begin + std::ptrdiff_t(inner));
        r.min[c] = *lo;
        r.max[c] = *hi;
    }
    return r;
}

} // namespace cs
