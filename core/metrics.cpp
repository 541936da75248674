#include "core/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cs {

void ErrorAccumulator::add(const float* x, const float* q, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; ++i) {
        const double a = x[i], b = q[i];
        if (!std::isfinite(a) || !std::isfinite(b)) {
            ++m_nonFinite;
            continue;
        }
        const double e = a - b;
        m_signal += a * a;
        m_quant += b * b;
        m_dot += a * b;
        m_maxAbs = std::max(m_maxAbs, std::fabs(e));
        if (a < lo || a > hi) {
            ++m_clipped;
            m_clipErr += e * e;
        } else {
            m_roundErr += e * e;
        }
        ++m_count;
    }
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
    const double norms = std::sqrt(m_signal) * std::sqrt(m_quant);
    m.cosine = norms > 0 ? m_dot / norms : (squared > 0 ? 0.0 : 1.0);
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
