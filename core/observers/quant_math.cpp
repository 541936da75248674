#include "core/observers/quant_math.h"

#include "core/observers/kernels.h"

#include <algorithm>
#include <cmath>

namespace cs::obs {

double roundHalfEven(double v) { return std::nearbyint(v); }

float horizonPowerOfTwoScale(float scale) {
    // torch.log2 works in float32: round the exact log to float before flooring so that a
    // scale one ulp above 2^-k still maps to 2^-k as it does on the reference.
    const float lg = static_cast<float>(std::log2(static_cast<double>(scale)));
    double shift = std::floor(-static_cast<double>(lg));
    shift = std::clamp(shift, 1.0, 14.0);
    return static_cast<float>(1.0 / std::exp2(shift));
}

void calculateQParams(float minVal, float maxVal, const QuantSpec& spec, float& scale,
                      int64_t& zeroPoint) {
    scale = 1.0f;
    zeroPoint = 0;
    if (!std::isfinite(minVal) || !std::isfinite(maxVal)) return;  // "uninitialised" in torch

    const QuantRange r = quantRange(spec);
    const float minNeg = std::min(minVal, 0.0f);
    const float maxPos = std::max(maxVal, 0.0f);
    if (spec.symmetric()) {
        const float amax = std::max(-minNeg, maxPos);
        const float denom = static_cast<float>(static_cast<double>(r.qmax - r.qmin) / 2.0);
        scale = std::max(amax / denom, kFloatEps);
        if (!isSigned(spec.dtype)) {
            // PyTorch: 128 for the stock quint8 range (even when reduce_range halves it),
            // the rounded-down midpoint for a customised one (quint4, explicit limits).
            const bool custom = spec.dtype != DType::QUInt8 || spec.quantMin || spec.quantMax;
            zeroPoint = custom ? (r.qmin + r.qmax) / 2 : 128;
        }
    } else {
        const float span = maxPos - minNeg;
        scale = std::max(span / static_cast<float>(r.qmax - r.qmin), kFloatEps);
        const double shift = roundHalfEven(static_cast<double>(minNeg / scale));
        zeroPoint = std::clamp(r.qmin - static_cast<int64_t>(shift), r.qmin, r.qmax);
    }
    if (spec.powerOfTwo) scale = horizonPowerOfTwoScale(scale);
}

QParams calculateQParams(const std::vector<float>& minVal, const std::vector<float>& maxVal,
                         const QuantSpec& spec) {
    QParams q;
    const std::size_t n = std::min(minVal.size(), maxVal.size());
    if (n == 0) {
        q.scale = {1.0f};
        q.zeroPoint = {0};
        return q;
    }
    q.scale.resize(n);
    q.zeroPoint.resize(n);
    for (std::size_t i = 0; i < n; ++i) calculateQParams(minVal[i], maxVal[i], spec, q.scale[i], q.zeroPoint[i]);
    return q;
}

float nvidiaScale(float amax, int bits, bool isUnsigned) {
    const double maxBound = std::exp2(bits - 1 + (isUnsigned ? 1 : 0)) - 1.0;
    const float s = amax / static_cast<float>(maxBound);
    return std::isfinite(s) ? std::max(s, kFloatEps) : 1.0f;
}

float fakeQuantize(float x, float scale, int64_t zeroPoint, QuantRange range) {
    const float inv = 1.0f / scale;
    // Same operation order as ATen's fake_quantize kernel: the zero point is added in float.
    const float shifted = static_cast<float>(zeroPoint) + std::nearbyint(x * inv);
    double q = static_cast<double>(static_cast<int64_t>(shifted));
    if (!std::isfinite(shifted)) q = shifted > 0 ? static_cast<double>(range.qmax) : static_cast<double>(range.qmin);
    q = std::fmin(std::fmax(q, static_cast<double>(range.qmin)), static_cast<double>(range.qmax));
    return static_cast<float>((q - static_cast<double>(zeroPoint)) * static_cast<double>(scale));
}

void fakeQuantize(const float* x, float* out, std::size_t n, float scale, int64_t zeroPoint,
                  QuantRange range) {
    for (std::size_t i = 0; i < n; ++i) out[i] = fakeQuantize(x[i], scale, zeroPoint, range);
}

void fakeQuantizePerChannel(const float* x, float* out, const std::vector<int64_t>& shape,
                            int axis, const std::vector<float>& scale,
                            const std::vector<int64_t>& zeroPoint, QuantRange range) {
    int64_t outer = 1, inner = 1;
    const int64_t channels = shape.empty() ? 1 : shape[static_cast<std::size_t>(axis)];
    for (int d = 0; d < axis; ++d) outer *= shape[static_cast<std::size_t>(d)];
    for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t c = 0; c < channels; ++c) {
            const std::size_t ci = static_cast<std::size_t>(c);
            const float s = ci < scale.size() ? scale[ci] : 1.0f;
            const int64_t z = ci < zeroPoint.size() ? zeroPoint[ci] : 0;
            const std::size_t base = static_cast<std::size_t>((o * channels + c) * inner);
            fakeQuantize(x + base, out + base, static_cast<std::size_t>(inner), s, z, range);
        }
}

double quantizationSquaredError(const float* x, std::size_t n, float scale, int64_t zeroPoint,
                                QuantRange range) {
    // (clamp(round(x/s) + zp) - zp) * s == clamp(round(x/s), qmin - zp, qmax - zp) * s
    return kernels::squaredErrorDivide(x, n, scale, static_cast<float>(range.qmin - zeroPoint),
                                       static_cast<float>(range.qmax - zeroPoint));
}

}  // namespace cs::obs
