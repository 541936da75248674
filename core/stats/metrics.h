#pragma once
// Error metrics between a float tensor x and its quantized counterpart q (FORMATS/README):
//   L2 = ||x - q||_2, MSE = L2² / n, SQNR dB = 10 log10(Σx² / Σ(x - q)²),
//   cosine = <x, q> / (|x| |q|), max |x - q|, rmse / scale (≈ 0.289 = 1/√12 for pure rounding
//   noise), clipped fraction (x outside the representable range), and the squared error split
//   into its clipping part (elements outside the range) and its rounding part (inside).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cs {

struct PointMetrics {
    int64_t count = 0;
    double l2 = 0;
    double mse = 0;
    double sqnrDb = 0;         // +inf when there is no error
    double cosine = 1;
    double maxAbsError = 0;
    double rmseOverScale = 0;  // 0 when no scale applies (accumulated error of a float point)
    double clippedFraction = 0;
    double clippingError = 0;  // Σ (x - q)² over clipped elements
    double roundingError = 0;  // Σ (x - q)² over the others
    int64_t nonFinite = 0;     // NaN/Inf elements in x or q, left out of every sum
};

// A per-tensor affine quantization grid: q = (clamp(round(x / scale) + zeroPoint, quantMin,
// quantMax) - zeroPoint) * scale, as PyTorch's fake_quantize_per_tensor_affine computes it.
struct QuantGrid {
    double scale = 1;
    int64_t zeroPoint = 0;
    int64_t quantMin = -128;
    int64_t quantMax = 127;
    // The range q can take: values outside it are clipped.
    double lowest() const { return double(quantMin - zeroPoint) * scale; }
    double highest() const { return double(quantMax - zeroPoint) * scale; }
};

// NaN/Inf elements found by one ErrorAccumulator call, per operand.
struct NonFiniteCounts {
    int64_t x = 0;
    int64_t q = 0;
};

// Accumulates the sums behind PointMetrics over any number of batches. The sums run in float
// lanes over chunks of 256 elements, folded into double per chunk (the same bits on every
// x86-64 CPU, see core/stats/error_kernels.h); a chunk holding NaN/Inf or overflowing float is
// summed element by element in double, its NaN/Inf elements counted and left out.
class ErrorAccumulator {
public:
    // `lo`/`hi`: the representable range at this point (values outside are "clipped"); pass
    // -inf/+inf when none applies. `scale` feeds rmse/scale (0 = none).
    NonFiniteCounts add(const float* x, const float* q, size_t n, double lo, double hi);
    // add(x, q, n, grid.lowest(), grid.highest()) with q = x fake-quantized on `grid`
    // (obs::kernels::fakeQuantize), without storing q.
    NonFiniteCounts addFakeQuantized(const float* x, size_t n, const QuantGrid& grid);
    void setScale(double scale) { m_scale = scale; }
    PointMetrics result() const;
    bool empty() const { return m_count == 0 && m_nonFinite == 0; }

private:
    NonFiniteCounts addPairs(const float* x, const float* q, size_t n, double lo, double hi, const QuantGrid* grid);
    NonFiniteCounts addScalar(const float* x, const float* q, size_t n, double lo, double hi);
    int64_t m_count = 0;
    int64_t m_clipped = 0;
    int64_t m_nonFinite = 0;
    double m_signal = 0, m_quant = 0, m_clipErr = 0, m_roundErr = 0, m_maxAbs = 0, m_scale = 0;
};

// End-to-end agreement of a model's outputs ([N, classes] logits) with labels and/or the
// float model's outputs.
struct OutputMetrics {
    int64_t samples = 0;
    int64_t labelled = 0;
    double top1 = 0;              // with labels: accuracy in [0, 1]
    double top5 = 0;
    double argmaxAgreement = 0;   // against the float model
    double sqnrDb = 0;            // of the logits against the float logits
    double cosine = 1;
};

class OutputAccumulator {
public:
    // `output` and `reference` are [n, classes] row-major; labels may be empty or -1.
    void add(const std::vector<float>& output, const std::vector<float>& reference, int64_t n,
             const std::vector<int64_t>& labels);
    OutputMetrics result() const;

private:
    int64_t m_samples = 0, m_labelled = 0, m_top1 = 0, m_top5 = 0, m_agree = 0;
    ErrorAccumulator m_error;
};

} // namespace cs
