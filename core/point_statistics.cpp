#include "core/point_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cs {

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
        b.sum += v;
        b.sumSquares += double(v) * double(v);
        ++b.count;
    }
    if (b.count == 0) {
        b.min = b.max = 0;
    } else {
        b.absMax = std::max(-b.min, b.max);
        b.absHistogram.assign(size_t(m_batchBins), 0.0f);
        if (b.absMax > 0) {
            // histc(|x|, bins, 0, absMax) binning, as the per-batch Horizon observers use.
            const float width = b.absMax;
            for (size_t i = 0; i < n; ++i) {
                if (!std::isfinite(data[i]))
                    continue;
                const float a = std::fabs(data[i]);
                auto bin = int64_t((a * float(m_batchBins)) / width);
                b.absHistogram[size_t(std::clamp<int64_t>(bin, 0, m_batchBins - 1))] += 1.0f;
            }
        } else {
            b.absHistogram[0] = float(b.count);
        }
    }
    m_histogram.add(data, n);
    m_batches.push_back(std::move(b));
}

PointStatistics PointStatisticsCollector::result() const
{
    PointStatistics s;
    s.batches = m_batches;
    s.histogram = m_histogram.data();
    s.shape = m_shape;
    double sum = 0, sumSquares = 0;
    bool first = true;
    for (const auto& b : m_batches) {
        s.nan += b.nan;
        s.inf += b.inf;
        if (b.count == 0)
            continue;
        s.count += b.count;
        sum += b.sum;
        sumSquares += b.sumSquares;
        s.min = first ? b.min : std::min(s.min, b.min);
        s.max = first ? b.max : std::max(s.max, b.max);
        first = false;
    }
    if (s.count > 0) {
        s.mean = sum / double(s.count);
        const double variance = s.count > 1 ? (sumSquares - double(s.count) * s.mean * s.mean) / double(s.count - 1) : 0.0;
        s.std = std::sqrt(std::max(0.0, variance));
    }
    return s;
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
