#pragma once
// Scale / zero-point formulas and fake quantization, bit-compatible with PyTorch 1.13 CPU
// (float32 arithmetic, round half to even) plus the Horizon, NVIDIA and TI conventions.

#include "core/observers/quant_types.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cs::obs {

// torch.finfo(torch.float32).eps: the floor of every PyTorch/Horizon scale.
inline constexpr float kFloatEps = 1.1920928955078125e-07f;

struct QParams {
    std::vector<float> scale;
    std::vector<int64_t> zeroPoint;
};

// Round half to even (torch.round, std::nearbyint in the default rounding mode).
double roundHalfEven(double v);

// PyTorch `_calculate_qparams` for one channel, followed by the Horizon power-of-two
// rounding when spec.powerOfTwo. Non-finite or uninitialised ranges give (1.0, 0).
void calculateQParams(float minVal, float maxVal, const QuantSpec& spec, float& scale,
                      int64_t& zeroPoint);
// One scale/zero point per element of min/max (per-channel) or a single one.
QParams calculateQParams(const std::vector<float>& minVal, const std::vector<float>& maxVal,
                         const QuantSpec& spec);

// Horizon BERNOULLI: 1 / 2^clamp(floor(-log2 s), 1, 14) (rounds the scale up to 2^-k).
float horizonPowerOfTwoScale(float scale);

// NVIDIA pytorch-quantization: scale = amax / (2^(bits-1+unsigned) - 1), floored at eps.
float nvidiaScale(float amax, int bits, bool isUnsigned);

// torch.fake_quantize_per_tensor_affine: (clamp(nearbyint(x * float(1/s)) + zp) - zp) * s.
// Zeros come out as +0.0 like PyTorch's (the integer round trip drops the sign).
float fakeQuantize(float x, float scale, int64_t zeroPoint, QuantRange range);
void fakeQuantize(const float* x, float* out, std::size_t n, float scale, int64_t zeroPoint,
                  QuantRange range);
// Channel `c` owns the elements of dim `axis`; shape is the tensor's row-major shape.
void fakeQuantizePerChannel(const float* x, float* out, const std::vector<int64_t>& shape,
                            int axis, const std::vector<float>& scale,
                            const std::vector<int64_t>& zeroPoint, QuantRange range);

// Horizon's scale_quanti as the reference models it: round(x / s) (a true division).
inline float fakeQuantizeDivide(float x, float scale, int64_t zeroPoint, QuantRange range) {
    const double q = roundHalfEven(static_cast<double>(x / scale)) + static_cast<double>(zeroPoint);
    const double c = q < static_cast<double>(range.qmin)   ? static_cast<double>(range.qmin)
                     : q > static_cast<double>(range.qmax) ? static_cast<double>(range.qmax)
                                                           : q;
    return static_cast<float>((c - static_cast<double>(zeroPoint)) * static_cast<double>(scale));
}

// Sum of (fq(x) - x)^2 with the Horizon division convention, accumulated in double
// (the square of the L2 norm the Horizon searches compare). x must be finite.
double quantizationSquaredError(const float* x, std::size_t n, float scale, int64_t zeroPoint,
                                QuantRange range);

}  // namespace cs::obs
