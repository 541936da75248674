#include "core/stats/metrics.h"

#include "core/stats/error_kernels.h"
#include "core/observers/kernels.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cs {

namespace {

// The smallest float >= v and the largest float <= v: for a float a, a < v exactly when
// a < ceilFloat(v), and a > v exactly when a > floorFloat(v).
float ceilFloat(double v)
{
    const auto f = static_cast<float>(v);
    return double(f) < v ? std::nextafter(f, std::numeric_limits<float>::infinity()) : f;
}
float floorFloat(double v)
{
    const auto f = static_cast<float>(v);
    return double(f) > v ? std::nextafter(f, -std::numeric_limits<float>::infinity()) : f;
}

} // namespace

NonFiniteCounts ErrorAccumulator::addScalar(const float* x, const float* q, size_t n, double lo, double hi)
{
    NonFiniteCounts bad;
    for (size_t i = 0; i < n; ++i) {
        const double a = x[i], b = q[i];
        const bool badX = !std::isfinite(a), badQ = !std::isfinite(b);
        if (badX || badQ) {
            bad.x += badX ? 1 : 0;
            bad.q += badQ ? 1 : 0;
            ++m_nonFinite;
            continue;
        }
        const double e = a - b;
        m_signal += a * a;
        m_quant += b * b;
        m_maxAbs = std::max(m_maxAbs, std::fabs(e));
        if (a < lo || a > hi) {
            ++m_clipped;
            m_clipErr += e * e;
        } else {
            m_roundErr += e * e;
        }
        ++m_count;
    }
    return bad;
}

NonFiniteCounts ErrorAccumulator::addPairs(const float* x, const float* q, size_t n, double lo, double hi,
                                           const QuantGrid* grid)
{
    using detail::kErrorChunk;
    detail::FakeQuantFloats fq;
    if (grid) {
        fq.scale = static_cast<float>(grid->scale);
        fq.inverse = 1.0f / fq.scale;
        fq.lo = float(grid->quantMin - grid->zeroPoint);
        fq.hi = float(grid->quantMax - grid->zeroPoint);
    }
    // The parts the vectorised pass leaves (a chunk with NaN/Inf or a float overflow, the
    // tail), element by element in double.
    float quantized[kErrorChunk];
    auto addExactly = [&](size_t begin, size_t len) {
        if (!grid)
            return addScalar(x + begin, q + begin, len, lo, hi);
        obs::kernels::fakeQuantize(x + begin, quantized, len, grid->scale, grid->zeroPoint, grid->quantMin,
                                   grid->quantMax);
        return addScalar(x + begin, quantized, len, lo, hi);
    };
    detail::ErrorSums sums;
    NonFiniteCounts bad;
    const float loF = ceilFloat(lo), hiF = floorFloat(hi);
    size_t i = 0;
    for (;;) {
        i += detail::addErrorChunks(x + i, grid ? nullptr : q + i, n - i, loF, hiF, grid ? &fq : nullptr, sums);
        const size_t len = std::min(kErrorChunk, n - i);
        if (len == 0)
            break;
        const NonFiniteCounts part = addExactly(i, len);
        bad.x += part.x;
        bad.q += part.q;
        i += len;
    }
    m_signal += sums.signal;
    m_quant += sums.quant;
    m_clipErr += sums.clipErr;
    m_roundErr += sums.roundErr;
    m_maxAbs = std::max(m_maxAbs, double(sums.maxAbs));
    m_clipped += sums.clipped;
    m_count += sums.count;
    return bad;
}

NonFiniteCounts ErrorAccumulator::add(const float* x, const float* q, size_t n, double lo, double hi)
{
    return addPairs(x, q, n, lo, hi, nullptr);
}

NonFiniteCounts ErrorAccumulator::addFakeQuantized(const float* x, size_t n, const QuantGrid& grid)
{
    return addPairs(x, nullptr, n, grid.lowest(), grid.highest(), &grid);
}

PointMetrics ErrorAccumulator::result() const
{
    PointMetrics m;
    m.count = m_count;
    m.nonFinite = m_nonFinite;
    m.clippingError = m_clipErr;
    m.roundingError = m_roundErr;
    const double squared = m_clipErr + m_roundErr;
    m.l2 = std::sqrt(squared);
    m.mse = m_count ? squared / double(m_count) : 0.0;
    m.sqnrDb = squared > 0 ? 10.0 * std::log10(m_signal / squared) : std::numeric_limits<double>::infinity();
    // <x, q> = (|x|² + |q|² - |x - q|²) / 2: as exact as summing the products, one sum fewer.
    const double dot = 0.5 * (m_signal + m_quant - squared);
    const double norms = std::sqrt(m_signal) * std::sqrt(m_quant);
    m.cosine = norms > 0 ? dot / norms : (squared > 0 ? 0.0 : 1.0);
    m.maxAbsError = m_maxAbs;
    m.rmseOverScale = m_scale > 0 ? std::sqrt(m.mse) / m_scale : 0.0;
    m.clippedFraction = m_count ? double(m_clipped) / double(m_count) : 0.0;
    return m;
}

void OutputAccumulator::add(const std::vector<float>& output, const std::vector<float>& reference, int64_t n,
                            const std::vector<int64_t>& labels)
{
    if (n <= 0 || output.size() != reference.size())
        return;
    const auto classes = int64_t(output.size()) / n;
    m_error.add(reference.data(), output.data(), output.size(), -std::numeric_limits<double>::infinity(),
                std::numeric_limits<double>::infinity());
    for (int64_t i = 0; i < n; ++i) {
        const float* row = output.data() + i * classes;
        const float* ref = reference.data() + i * classes;
        const int64_t best = std::max_element(row, row + classes) - row;
        const int64_t refBest = std::max_element(ref, ref + classes) - ref;
        m_agree += best == refBest ? 1 : 0;
        ++m_samples;
        if (size_t(i) < labels.size() && labels[size_t(i)] >= 0) {
            const int64_t label = labels[size_t(i)];
            ++m_labelled;
            m_top1 += best == label ? 1 : 0;
            // Top-5: fewer than five logits beat the label's.
            if (label < classes) {
                int64_t better = 0;
                for (int64_t c = 0; c < classes; ++c)
                    better += (row[c] > row[label] || (row[c] == row[label] && c < label)) ? 1 : 0;
                m_top5 += better < 5 ? 1 : 0;
            }
        }
    }
}

OutputMetrics OutputAccumulator::result() const
{
    OutputMetrics m;
    m.samples = m_samples;
    m.labelled = m_labelled;
    m.top1 = m_labelled ? double(m_top1) / double(m_labelled) : 0.0;
    m.top5 = m_labelled ? double(m_top5) / double(m_labelled) : 0.0;
    m.argmaxAgreement = m_samples ? double(m_agree) / double(m_samples) : 0.0;
    const PointMetrics e = m_error.result();
    m.sqnrDb = e.sqnrDb;
    m.cosine = e.cosine;
    return m;
}

} // namespace cs
