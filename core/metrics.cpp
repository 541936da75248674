#include "core/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cs {

void ErrorAccumulator::addScalar(const float* x, const float* q, size_t n, double lo, double hi)
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

#if defined(__SSE2__)
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

double laneSum(__m128 v)
{
    const __m128d sum = _mm_add_pd(_mm_cvtps_pd(v), _mm_cvtps_pd(_mm_movehl_ps(v, v)));
    return _mm_cvtsd_f64(_mm_add_sd(sum, _mm_unpackhi_pd(sum, sum)));
}

float laneMax(__m128 v)
{
    v = _mm_max_ps(v, _mm_movehl_ps(v, v));
    return _mm_cvtss_f32(_mm_max_ss(v, _mm_shuffle_ps(v, v, 1)));
}

} // namespace
#endif

void ErrorAccumulator::add(const float* x, const float* q, size_t n, double lo, double hi)
{
    size_t i = 0;
#if defined(__SSE2__)
    // Chunks of 64 elements in four float lanes (16 terms per lane sum, then double): the
    // same sums as the scalar loop to float rounding of a 16-term partial sum (~1e-7
    // relative), at a fraction of its cost. A chunk holding NaN/Inf (rare) is redone by the
    // scalar loop, which counts and skips them.
    constexpr size_t kChunk = 64;
    const __m128 loV = _mm_set1_ps(ceilFloat(lo)), hiV = _mm_set1_ps(floorFloat(hi));
    const __m128 sign = _mm_set1_ps(-0.0f), one = _mm_set1_ps(1.0f);
    const __m128i expMask = _mm_set1_epi32(0x7f800000);
    __m128 maxAbs = _mm_setzero_ps();
    for (; i + kChunk <= n; i += kChunk) {
        __m128 signal = _mm_setzero_ps(), quant = signal, dot = signal, clipErr = signal, roundErr = signal,
               clipped = signal, chunkMax = maxAbs;
        __m128i bad = _mm_setzero_si128();
        for (size_t k = i; k < i + kChunk; k += 4) {
            const __m128 a = _mm_loadu_ps(x + k), b = _mm_loadu_ps(q + k);
            bad = _mm_or_si128(bad, _mm_cmpeq_epi32(_mm_and_si128(_mm_castps_si128(a), expMask), expMask));
            bad = _mm_or_si128(bad, _mm_cmpeq_epi32(_mm_and_si128(_mm_castps_si128(b), expMask), expMask));
            const __m128 e = _mm_sub_ps(a, b);
            const __m128 e2 = _mm_mul_ps(e, e);
            signal = _mm_add_ps(signal, _mm_mul_ps(a, a));
            quant = _mm_add_ps(quant, _mm_mul_ps(b, b));
            dot = _mm_add_ps(dot, _mm_mul_ps(a, b));
            chunkMax = _mm_max_ps(chunkMax, _mm_andnot_ps(sign, e));
            const __m128 outside = _mm_or_ps(_mm_cmplt_ps(a, loV), _mm_cmpgt_ps(a, hiV));
            clipErr = _mm_add_ps(clipErr, _mm_and_ps(outside, e2));
            roundErr = _mm_add_ps(roundErr, _mm_andnot_ps(outside, e2));
            clipped = _mm_add_ps(clipped, _mm_and_ps(outside, one));
        }
        // A float square can overflow where the double one of the scalar loop does not.
        const double chunkSignal = laneSum(signal), chunkQuant = laneSum(quant), chunkClip = laneSum(clipErr),
                     chunkRound = laneSum(roundErr);
        if (_mm_movemask_epi8(bad) || !std::isfinite(chunkSignal + chunkQuant + chunkClip + chunkRound)) {
            addScalar(x + i, q + i, kChunk, lo, hi);
            continue;
        }
        m_signal += chunkSignal;
        m_quant += chunkQuant;
        m_dot += laneSum(dot);
        m_clipErr += chunkClip;
        m_roundErr += chunkRound;
        m_clipped += int64_t(laneSum(clipped));
        m_count += int64_t(kChunk);
        maxAbs = chunkMax;
    }
    m_maxAbs = std::max(m_maxAbs, double(laneMax(maxAbs)));
#endif
    addScalar(x + i, q + i, n - i, lo, hi);
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
