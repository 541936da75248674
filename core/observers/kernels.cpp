#include "core/observers/kernels.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#if defined(__SSE2__)
#include <emmintrin.h>
#define CS_OBS_SSE2 1
#endif

namespace cs::obs::kernels {

namespace {

inline bool nonFiniteBits(float v) {
    uint32_t b;
    std::memcpy(&b, &v, sizeof b);
    return (b & 0x7f800000u) == 0x7f800000u;
}

inline void countOne(float v, float lo, float hi, float fb, float span, int64_t bins, uint32_t* counts) {
    if (v < lo || v > hi) return;
    int64_t pos = static_cast<int64_t>((v - lo) * fb / span);
    if (pos >= bins) pos = bins - 1;  // v == hi
    ++counts[pos];
}

#if CS_OBS_SSE2
// The SIMD min/max scans keep two lanes of four each for the minimum and the maximum; these
// helpers are shared so that aminmax() and countNonFiniteMinMax() follow the same lane layout
// and combine order, and so give identical results.
inline void minMaxStep(__m128 a, __m128 b, __m128& lo0, __m128& hi0, __m128& lo1, __m128& hi1) {
    lo0 = _mm_min_ps(lo0, a);
    hi0 = _mm_max_ps(hi0, a);
    lo1 = _mm_min_ps(lo1, b);
    hi1 = _mm_max_ps(hi1, b);
}

inline void minMaxCombine(__m128 lo0, __m128 hi0, __m128 lo1, __m128 hi1, float& mn, float& mx) {
    alignas(16) float l[4], h[4];
    _mm_store_ps(l, _mm_min_ps(lo0, lo1));
    _mm_store_ps(h, _mm_max_ps(hi0, hi1));
    mn = std::min(std::min(l[0], l[1]), std::min(l[2], l[3]));
    mx = std::max(std::max(h[0], h[1]), std::max(h[2], h[3]));
}

// The sum of four 32-bit lane counters.
inline std::size_t laneSum(__m128i acc) {
    alignas(16) uint32_t lanes[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), acc);
    return std::size_t{lanes[0]} + lanes[1] + lanes[2] + lanes[3];
}
#endif

// The scalar tail of the min/max scans.
inline void minMaxTail(const float* x, std::size_t i, std::size_t n, float& mn, float& mx) {
    for (; i < n; ++i) {
        mn = x[i] < mn ? x[i] : mn;
        mx = x[i] > mx ? x[i] : mx;
    }
}

}  // namespace

std::size_t countNonFinite(const float* x, std::size_t n) {
    std::size_t bad = 0, i = 0;
#if CS_OBS_SSE2
    const __m128i expMask = _mm_set1_epi32(0x7f800000);
    while (i + 4 <= n) {
        // Lane counters are subtracted with -1 per hit; flush before they could overflow.
        __m128i acc = _mm_setzero_si128();
        const std::size_t end = std::min(n - (n - i) % 4, i + (std::size_t{1} << 30));
        for (; i < end; i += 4) {
            const __m128i b = _mm_castps_si128(_mm_loadu_ps(x + i));
            acc = _mm_sub_epi32(acc, _mm_cmpeq_epi32(_mm_and_si128(b, expMask), expMask));
        }
        bad += laneSum(acc);
    }
#endif
    for (; i < n; ++i) bad += nonFiniteBits(x[i]) ? 1 : 0;
    return bad;
}

void aminmax(const float* x, std::size_t n, float& mn, float& mx) {
    std::size_t i = 0;
    mn = std::numeric_limits<float>::infinity();
    mx = -std::numeric_limits<float>::infinity();
#if CS_OBS_SSE2
    if (n >= 8) {
        __m128 lo0 = _mm_loadu_ps(x), hi0 = lo0, lo1 = _mm_loadu_ps(x + 4), hi1 = lo1;
        for (i = 8; i + 8 <= n; i += 8)
            minMaxStep(_mm_loadu_ps(x + i), _mm_loadu_ps(x + i + 4), lo0, hi0, lo1, hi1);
        minMaxCombine(lo0, hi0, lo1, hi1, mn, mx);
    }
#endif
    minMaxTail(x, i, n, mn, mx);
}

std::size_t countNonFiniteMinMax(const float* x, std::size_t n, float& mn, float& mx) {
    std::size_t i = 0, bad = 0;
    mn = std::numeric_limits<float>::infinity();
    mx = -std::numeric_limits<float>::infinity();
#if CS_OBS_SSE2
    if (n >= 8) {
        // The same lane layout and combine order as aminmax(), so the results are identical.
        const __m128i expMask = _mm_set1_epi32(0x7f800000);
        __m128 lo0 = _mm_loadu_ps(x), hi0 = lo0, lo1 = _mm_loadu_ps(x + 4), hi1 = lo1;
        __m128i acc = _mm_setzero_si128();
        acc = _mm_sub_epi32(acc, _mm_cmpeq_epi32(_mm_and_si128(_mm_castps_si128(lo0), expMask), expMask));
        acc = _mm_sub_epi32(acc, _mm_cmpeq_epi32(_mm_and_si128(_mm_castps_si128(lo1), expMask), expMask));
        std::size_t sinceFlush = 8;
        for (i = 8; i + 8 <= n; i += 8) {
            const __m128 a = _mm_loadu_ps(x + i), b = _mm_loadu_ps(x + i + 4);
            minMaxStep(a, b, lo0, hi0, lo1, hi1);
            acc = _mm_sub_epi32(acc, _mm_cmpeq_epi32(_mm_and_si128(_mm_castps_si128(a), expMask), expMask));
            acc = _mm_sub_epi32(acc, _mm_cmpeq_epi32(_mm_and_si128(_mm_castps_si128(b), expMask), expMask));
            if ((sinceFlush += 8) >= (std::size_t{1} << 30)) {  // lane counters stay below 2^31
                bad += laneSum(acc);
                acc = _mm_setzero_si128();
                sinceFlush = 0;
            }
        }
        bad += laneSum(acc);
        minMaxCombine(lo0, hi0, lo1, hi1, mn, mx);
    }
#endif
    for (; i < n; ++i) {
        bad += nonFiniteBits(x[i]) ? 1 : 0;
        mn = x[i] < mn ? x[i] : mn;
        mx = x[i] > mx ? x[i] : mx;
    }
    return bad;
}

float absMax(const float* x, std::size_t n) {
    std::size_t i = 0;
    float m = 0.0f;
#if CS_OBS_SSE2
    const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    __m128 a0 = _mm_setzero_ps(), a1 = _mm_setzero_ps();
    for (; i + 8 <= n; i += 8) {
        a0 = _mm_max_ps(a0, _mm_and_ps(_mm_loadu_ps(x + i), absMask));
        a1 = _mm_max_ps(a1, _mm_and_ps(_mm_loadu_ps(x + i + 4), absMask));
    }
    alignas(16) float h[4];
    _mm_store_ps(h, _mm_max_ps(a0, a1));
    m = std::max(std::max(h[0], h[1]), std::max(h[2], h[3]));
#endif
    for (; i < n; ++i) m = std::max(m, std::fabs(x[i]));
    return m;
}

void histcCounts(const float* x, std::size_t n, bool absolute, int64_t bins, float lo, float hi, uint32_t* counts) {
    if (bins <= 0 || !(hi > lo)) return;
    const float span = hi - lo;
    const float fb = static_cast<float>(bins);
    std::size_t i = 0;
#if CS_OBS_SSE2
    // The bin index ((v - lo) * bins) / span is computed four lanes at a time with the same
    // float32 operations; only the scatter of the increments stays scalar. Indices beyond
    // 2^31 cannot occur for in-range values (bins <= 2^20).
    if (bins < (int64_t{1} << 30)) {
        const __m128 vlo = _mm_set1_ps(lo), vhi = _mm_set1_ps(hi), vfb = _mm_set1_ps(fb), vspan = _mm_set1_ps(span);
        const __m128 absMask = _mm_castsi128_ps(_mm_set1_epi32(absolute ? 0x7fffffff : -1));
        const __m128i none = _mm_set1_epi32(-1);
        const auto last = static_cast<int32_t>(bins - 1);
        alignas(16) int32_t idx[4];
        for (; i + 4 <= n; i += 4) {
            const __m128 v = _mm_and_ps(_mm_loadu_ps(x + i), absMask);
            const __m128i in = _mm_castps_si128(_mm_and_ps(_mm_cmpge_ps(v, vlo), _mm_cmple_ps(v, vhi)));
            const __m128i p = _mm_cvttps_epi32(_mm_div_ps(_mm_mul_ps(_mm_sub_ps(v, vlo), vfb), vspan));
            _mm_store_si128(reinterpret_cast<__m128i*>(idx), _mm_or_si128(_mm_and_si128(in, p), _mm_andnot_si128(in, none)));
            for (int k = 0; k < 4; ++k)
                if (idx[k] >= 0) ++counts[std::min(idx[k], last)];
        }
    }
#endif
    for (; i < n; ++i) countOne(absolute ? std::fabs(x[i]) : x[i], lo, hi, fb, span, bins, counts);
}

double squaredErrorDivide(const float* x, std::size_t n, float scale, float lo, float hi) {
    // Clamping before rounding is exact (the limits are integers) and keeps |v| < 2^22, where
    // adding and removing 1.5 * 2^23 rounds half to even in float. Squares go to four double
    // accumulators by i % 4, so the SSE2 and scalar paths sum in the same order.
    const float magic = 12582912.0f;
    double acc[4] = {0.0, 0.0, 0.0, 0.0};
    std::size_t i = 0;
#if CS_OBS_SSE2
    const __m128 vs = _mm_set1_ps(scale), vlo = _mm_set1_ps(lo), vhi = _mm_set1_ps(hi), vm = _mm_set1_ps(magic);
    __m128d a01 = _mm_setzero_pd(), a23 = _mm_setzero_pd();
    for (; i + 4 <= n; i += 4) {
        const __m128 xv = _mm_loadu_ps(x + i);
        const __m128 v = _mm_min_ps(_mm_max_ps(_mm_div_ps(xv, vs), vlo), vhi);
        const __m128 r = _mm_sub_ps(_mm_add_ps(v, vm), vm);
        const __m128 d = _mm_sub_ps(_mm_mul_ps(r, vs), xv);
        const __m128d d01 = _mm_cvtps_pd(d), d23 = _mm_cvtps_pd(_mm_movehl_ps(d, d));
        a01 = _mm_add_pd(a01, _mm_mul_pd(d01, d01));
        a23 = _mm_add_pd(a23, _mm_mul_pd(d23, d23));
    }
    alignas(16) double l01[2], l23[2];
    _mm_store_pd(l01, a01);
    _mm_store_pd(l23, a23);
    acc[0] = l01[0];
    acc[1] = l01[1];
    acc[2] = l23[0];
    acc[3] = l23[1];
#endif
    for (; i < n; ++i) {
        float v = x[i] / scale;
        v = v < lo ? lo : (v > hi ? hi : v);
        const float r = (v + magic) - magic;
        const double d = static_cast<double>(r * scale - x[i]);
        acc[i % 4] += d * d;
    }
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

#if defined(__x86_64__)
namespace {

typedef float F8 __attribute__((vector_size(32)));

// The SSE2 loop below on eight lanes: the same operations per element, so the same bits.
__attribute__((target("avx2"))) std::size_t fakeQuantizeAvx2(const float* x, float* out, std::size_t n,
                                                             float inverse, float scale, float lo, float hi,
                                                             float magic) {
    const F8 vi = F8{} + inverse, vs = F8{} + scale, vlo = F8{} + lo, vhi = F8{} + hi, vm = F8{} + magic;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        F8 v;
        std::memcpy(&v, x + i, sizeof v);
        const F8 r = (v * vi + vm) - vm;
        const F8 upper = vhi < r ? vhi : r;         // minps(vhi, r)
        const F8 clamped = vlo > upper ? vlo : upper; // maxps(vlo, upper)
        const F8 q = clamped * vs;
        std::memcpy(out + i, &q, sizeof q);
    }
    return i;
}

bool hasAvx2() {
    static const bool supported = __builtin_cpu_supports("avx2");
    return supported;
}

}  // namespace
#endif

void fakeQuantize(const float* x, float* out, std::size_t n, double scaleIn, int64_t zeroPoint, int64_t quantMin,
                  int64_t quantMax) {
    const auto scale = static_cast<float>(scaleIn);
    const float inverse = 1.0f / scale, lo = float(quantMin - zeroPoint), hi = float(quantMax - zeroPoint);
    // Rounding by adding and removing 1.5 * 2^23 is exact round-half-even for |v| < 2^22;
    // beyond that the value is clamped whatever the rounding did. min/max take their
    // operands in the order that lets a NaN through, as the scalar ternaries do.
    const float magic = 12582912.0f;
    std::size_t i = 0;
#if defined(__x86_64__)
    if (hasAvx2())
        i = fakeQuantizeAvx2(x, out, n, inverse, scale, lo, hi, magic);
#endif
#if CS_OBS_SSE2
    const __m128 vi = _mm_set1_ps(inverse), vs = _mm_set1_ps(scale), vlo = _mm_set1_ps(lo), vhi = _mm_set1_ps(hi),
                 vm = _mm_set1_ps(magic);
    for (; i + 4 <= n; i += 4) {
        const __m128 r = _mm_sub_ps(_mm_add_ps(_mm_mul_ps(_mm_loadu_ps(x + i), vi), vm), vm);
        _mm_storeu_ps(out + i, _mm_mul_ps(_mm_max_ps(vlo, _mm_min_ps(vhi, r)), vs));
    }
#endif
    for (; i < n; ++i) {
        float v = (x[i] * inverse + magic) - magic;
        v = v < lo ? lo : (v > hi ? hi : v);
        out[i] = v * scale;
    }
}

}  // namespace cs::obs::kernels
