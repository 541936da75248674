#include "core/stats/error_kernels.h"

#include <cstring>

// Internal functions only pass these vectors between inlined helpers; no ABI is involved.
#pragma GCC diagnostic ignored "-Wpsabi"

// The lane arithmetic is written once with GCC's generic vectors (eight floats), so the
// compiler emits it for whatever the enclosing function targets; the build compiles this file
// with -ffp-contract=off, so no target fuses a multiply and an add into one rounding.

namespace cs::detail {
namespace {

// GCC lowers vector widths the target lacks element by element where a comparison or a
// select is involved, so the baseline runs the eight lanes as two sets of four: lane j is
// set j / 4, element j % 4, and every lane sees the same operations in the same order as in
// the one eight-wide set of the AVX2 build.
typedef float F4 __attribute__((vector_size(16)));
typedef int32_t I4 __attribute__((vector_size(16)));
typedef int64_t L2 __attribute__((vector_size(16)));
typedef double D4 __attribute__((vector_size(32)));
typedef float F8 __attribute__((vector_size(32)));
typedef int32_t I8 __attribute__((vector_size(32)));
typedef int64_t L4 __attribute__((vector_size(32)));
typedef double D8 __attribute__((vector_size(64)));

constexpr int kLanes = 8;

// A lane count stays below 2^31: kErrorChunk / 8 per chunk, at most this many chunks a run.
constexpr size_t kChunksPerRun = size_t(1) << 24;

template <class F>
[[gnu::always_inline]] inline F load(const float* p)
{
    F v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// minps/maxps: the first operand when the comparison holds, else the second.
template <class F>
[[gnu::always_inline]] inline F minOf(const F& a, const F& b)
{
    return a < b ? a : b;
}
template <class F>
[[gnu::always_inline]] inline F maxOf(const F& a, const F& b)
{
    return a > b ? a : b;
}

// F: a set of float lanes; I, L, D: the same lanes as int32, as int64 (for the any-lane
// test) and as double.
template <class F, class I, class L, class D>
struct LaneSet {
    static constexpr int kWidth = int(sizeof(F) / sizeof(float));
    static constexpr int kSets = kLanes / kWidth;
};

template <bool kFakeQuantize, class F, class I, class L, class D>
[[gnu::always_inline]] inline size_t sumChunks(const float* x, const float* q, size_t n, float lo, float hi,
                                               const FakeQuantFloats& fq, ErrorSums& sums)
{
    constexpr int W = LaneSet<F, I, L, D>::kWidth, S = LaneSet<F, I, L, D>::kSets;
    const F loV = F{} + lo, hiV = F{} + hi;
    const F inverse = F{} + fq.inverse, scale = F{} + fq.scale, qLo = F{} + fq.lo, qHi = F{} + fq.hi;
    // Adding and removing 1.5 * 2^23 rounds half to even (as obs::kernels::fakeQuantize).
    const F magic = F{} + 12582912.0f;
    const I absMask = I{} + 0x7fffffff;
    D signal[S]{}, quant[S]{}, clipErr[S]{}, roundErr[S]{};
    F maxAbs[S]{};
    I clipped[S]{};
    size_t i = 0;
    const size_t end = n - n % kErrorChunk;
    for (; i < end; i += kErrorChunk) {
        F s[S]{}, qq[S]{}, ce[S]{}, re[S]{}, m[S];
        I c[S]{};
        for (int k = 0; k < S; ++k)
            m[k] = maxAbs[k];
        for (size_t e8 = i; e8 < i + kErrorChunk; e8 += kLanes) {
#pragma GCC unroll 2
            for (int k = 0; k < S; ++k) {
                const F a = load<F>(x + e8 + size_t(k * W));
                F b;
                if constexpr (kFakeQuantize) {
                    const F r = (a * inverse + magic) - magic;
                    b = maxOf(qLo, minOf(qHi, r)) * scale;
                } else {
                    b = load<F>(q + e8 + size_t(k * W));
                }
                const F e = a - b;
                const F e2 = e * e;
                s[k] += a * a;
                qq[k] += b * b;
                m[k] = maxOf(m[k], F(I(e) & absMask));
                const I outside = (a < loV) | (a > hiV);
                ce[k] += F(outside & I(e2));
                re[k] += F(~outside & I(e2));
                c[k] -= outside;
            }
        }
        // NaN or Inf anywhere in the chunk, or a float sum that overflowed, leaves a lane of
        // t non-finite, and t - t is then NaN.
        L bad{};
        for (int k = 0; k < S; ++k) {
            const F t = (s[k] + qq[k]) + (ce[k] + re[k]);
            bad |= L((t - t) != F{});
        }
        int64_t any = 0;
        for (int l = 0; l < W / 2; ++l)
            any |= bad[l];
        if (any)
            break;
        for (int k = 0; k < S; ++k) {
            signal[k] += __builtin_convertvector(s[k], D);
            quant[k] += __builtin_convertvector(qq[k], D);
            clipErr[k] += __builtin_convertvector(ce[k], D);
            roundErr[k] += __builtin_convertvector(re[k], D);
            maxAbs[k] = m[k];
            clipped[k] += c[k];
        }
    }
    // The double lanes in one fixed order: ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)).
    auto laneSum = [](const D (&v)[S]) {
        double lane[kLanes];
        for (int j = 0; j < kLanes; ++j)
            lane[j] = v[j / W][j % W];
        return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    };
    sums.signal += laneSum(signal);
    sums.quant += laneSum(quant);
    sums.clipErr += laneSum(clipErr);
    sums.roundErr += laneSum(roundErr);
    for (int j = 0; j < kLanes; ++j) {
        const float v = maxAbs[j / W][j % W];
        sums.maxAbs = sums.maxAbs > v ? sums.maxAbs : v;
        sums.clipped += clipped[j / W][j % W];
    }
    sums.count += int64_t(i);
    return i;
}

template <bool kFakeQuantize, class F, class I, class L, class D>
[[gnu::always_inline]] inline size_t sumRuns(const float* x, const float* q, size_t n, float lo, float hi,
                                             const FakeQuantFloats& fq, ErrorSums& sums)
{
    constexpr size_t kRun = kChunksPerRun * kErrorChunk;
    size_t done = 0;
    while (n - done >= kErrorChunk) {
        const size_t len = n - done < kRun ? n - done : kRun;
        const size_t ran = sumChunks<kFakeQuantize, F, I, L, D>(x + done, kFakeQuantize ? q : q + done, len, lo, hi,
                                                                 fq, sums);
        done += ran;
        if (ran < len - len % kErrorChunk)
            break; // stopped at a chunk the caller sums in double
    }
    return done;
}

size_t sumBaseline(const float* x, const float* q, size_t n, float lo, float hi, const FakeQuantFloats* fq,
                   ErrorSums& sums)
{
    return fq ? sumRuns<true, F4, I4, L2, D4>(x, q, n, lo, hi, *fq, sums)
              : sumRuns<false, F4, I4, L2, D4>(x, q, n, lo, hi, FakeQuantFloats{}, sums);
}

#if defined(__x86_64__) || defined(__i386__)
#define CS_HAVE_AVX2_KERNEL 1
__attribute__((target("avx2"))) size_t sumAvx2(const float* x, const float* q, size_t n, float lo, float hi,
                                                const FakeQuantFloats* fq, ErrorSums& sums)
{
    return fq ? sumRuns<true, F8, I8, L4, D8>(x, q, n, lo, hi, *fq, sums)
              : sumRuns<false, F8, I8, L4, D8>(x, q, n, lo, hi, FakeQuantFloats{}, sums);
}
#endif

} // namespace

bool avx2Supported()
{
#if defined(CS_HAVE_AVX2_KERNEL)
    static const bool supported = __builtin_cpu_supports("avx2");
    return supported;
#else
    return false;
#endif
}

size_t addErrorChunks(const float* x, const float* q, size_t n, float lo, float hi, const FakeQuantFloats* fq,
                      ErrorSums& sums, KernelTarget target)
{
#if defined(CS_HAVE_AVX2_KERNEL)
    if (target == KernelTarget::Avx2 || (target == KernelTarget::Best && avx2Supported()))
        return sumAvx2(x, q, n, lo, hi, fq, sums);
#endif
    return sumBaseline(x, q, n, lo, hi, fq, sums);
}

} // namespace cs::detail
