#pragma once
// Private to core/stats/metrics.cpp (and its tests): the vectorised pass behind ErrorAccumulator.
//
// The sums run in eight float lanes over chunks of kErrorChunk elements (32 terms per lane),
// each chunk's lanes are added into eight double lanes, and the double lanes are added in a
// fixed order at the end of a call. The same lane arithmetic is compiled twice, for the
// x86-64 baseline (SSE2, two registers per eight lanes) and for AVX2 (one register), and the
// faster one the CPU supports is used: both give the same bits, so a report does not depend
// on the machine that computed it.
#include <cstddef>
#include <cstdint>

namespace cs::detail {

constexpr size_t kErrorChunk = 256;

// Σx², Σq² and the squared error Σ(x - q)² split by clipping; Σxq follows from them.
struct ErrorSums {
    double signal = 0, quant = 0, clipErr = 0, roundErr = 0;
    float maxAbs = 0;
    int64_t count = 0, clipped = 0;
};

// A per-tensor fake-quantize in the float form the kernels use (obs::kernels::fakeQuantize):
// q = clamp(round_half_even(x * inverse), lo, hi) * scale.
struct FakeQuantFloats {
    float inverse = 1, scale = 1, lo = 0, hi = 0;
};

enum class KernelTarget { Best, Baseline, Avx2 };
bool avx2Supported();

// Adds the pairs (x[i], q[i]) of the whole chunks of [0, n) to `sums`, or the pairs
// (x[i], fakeQuantize(x[i])) when q is null, stopping before the first chunk that holds a NaN
// or an Inf or whose float sums overflow (the caller sums that chunk in double). Elements are
// "clipped" where x < lo or x > hi. Returns where it stopped, a multiple of kErrorChunk.
size_t addErrorChunks(const float* x, const float* q, size_t n, float lo, float hi, const FakeQuantFloats* fq,
                      ErrorSums& sums, KernelTarget target = KernelTarget::Best);

} // namespace cs::detail
