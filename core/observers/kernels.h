#pragma once
// Private to the observer library (and core/stats/point_statistics.cpp and core/evaluation.cpp,
// which share the scans):
// the element-wise loops every batch goes through, written
// with SSE2 (the x86-64 baseline) because GCC does not vectorise float min/max or
// floating-point reductions without -ffast-math. Each kernel gives bit-identical results to
// its plain scalar form (the scalar form is the fallback on other targets).

#include <cstddef>
#include <cstdint>

namespace cs::obs::kernels {

// Elements that are NaN or +-Inf.
std::size_t countNonFinite(const float* x, std::size_t n);
// min and max of finite x (n > 0).
void aminmax(const float* x, std::size_t n, float& mn, float& mx);
// One pass for both: returns the NaN/Inf count and, when it is 0 and n > 0, the min and max
// (as aminmax gives them). With non-finite elements mn/mx are unspecified.
std::size_t countNonFiniteMinMax(const float* x, std::size_t n, float& mn, float& mx);
// max |x| of finite x; 0 for n == 0.
float absMax(const float* x, std::size_t n);
// torch.histc binning: adds 1 to counts[int((v - lo) * bins / (hi - lo))] (float32, the
// last bin includes hi) for every v = x or |x| with lo <= v <= hi.
void histcCounts(const float* x, std::size_t n, bool absolute, int64_t bins, float lo, float hi, uint32_t* counts);
// sum over x of (clamp(round_half_even(x / s), lo, hi) * s - x)^2, differences in float32,
// squares summed in double. lo/hi are integers with |lo|, |hi| < 2^22.
double squaredErrorDivide(const float* x, std::size_t n, float scale, float lo, float hi);

// PyTorch's fake_quantize_per_tensor_affine(x, scale, zeroPoint, quantMin, quantMax) for
// finite x, bit for bit: out = clamp(round_half_even(x * inverse), lo, hi) * s with s = float
// scale, inverse = 1 / s in float and lo/hi = quantMin/Max - zeroPoint (|lo|, |hi| < 2^22).
// NaN stays NaN; +-Inf, and x whose x * inverse overflows float, clamp to hi/lo (PyTorch
// converts that inf to int64, which is undefined and on x86 yields quant_min). out may equal x.
void fakeQuantize(const float* x, float* out, std::size_t n, double scale, int64_t zeroPoint, int64_t quantMin,
                  int64_t quantMax);

}  // namespace cs::obs::kernels
