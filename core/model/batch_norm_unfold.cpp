#include "core/model/batch_norm_unfold_p.h"

#include "core/errors.h"

#include <torch/csrc/jit/ir/ir.h>

namespace cs::detail {

namespace {

at::Tensor constantInput(const torch::jit::Node* node, size_t k)
{
    const auto v = torch::jit::toIValue(node->input(k));
    return v && v->isTensor() ? v->toTensor().to(at::kFloat) : at::Tensor();
}

std::vector<int64_t> rowShape(const at::Tensor& w)
{
    std::vector<int64_t> shape(size_t(w.dim()), 1);
    shape[0] = w.size(0);
    return shape;
}

// The per-row factor f (least squares) with after ~ f * before where the rescale is most of the
// row's change: exact to a relative 1e-5 (above float rounding of a product), or leaving less
// than half the change's norm, as when AdaRound or clipping moves an equalized row's elements
// by a grid step or so. Ones elsewhere. The scale has to reach gamma: a conv weight that keeps
// it changes the conv output's statistics, which the batch norm in training mode (and its
// running statistics once they update) would normalise away, undoing the equalization.
at::Tensor rowRescale(const at::Tensor& before, const at::Tensor& after)
{
    const int64_t rows = before.size(0);
    const at::Tensor b = before.reshape({rows, -1}).to(at::kDouble), a = after.reshape({rows, -1}).to(at::kDouble);
    at::Tensor factor = (b * a).sum(1) / (b * b).sum(1);
    const at::Tensor residual = (a - factor.unsqueeze(1) * b).norm(2, 1);
    const at::Tensor mostly = (residual <= 1e-5 * a.norm(2, 1)) | (residual <= 0.5 * (a - b).norm(2, 1));
    const at::Tensor isRescale = at::isfinite(factor) & (factor > 0) & mostly;
    return at::where(isRescale, factor, at::ones_like(factor)).to(at::kFloat);
}

} // namespace

UnfoldedParameters unfoldRepaired(const FoldedWeight& original, const FoldedWeight& repaired, const std::string& opName)
{
    const torch::jit::Node* bn = original.batchNorm;
    const at::Tensor gamma = constantInput(bn, 1), beta = constantInput(bn, 2), mean = constantInput(bn, 3),
                     var = constantInput(bn, 4);
    if (!gamma.defined() || !beta.defined())
        throw CalibError(opName, "its batch norm has no affine parameters (affine=False) to carry the repaired values");
    const double eps = torch::jit::toIValue(bn->input(7))->toDouble();
    const at::Tensor inv = (var + eps).rsqrt();
    UnfoldedParameters u;
    u.convBias = original.unfoldedBias;
    const bool weightChanged = !at::equal(repaired.weight, original.weight);
    const at::Tensor factor = weightChanged ? rowRescale(original.weight, repaired.weight) : at::ones_like(gamma);
    u.gamma = gamma * factor;
    if (!weightChanged) {
        u.weight = original.unfolded;
    } else {
        // The folding multiplies by gamma * inv; dividing by the same float product undoes it.
        const at::Tensor k = u.gamma * inv;
        const at::Tensor own = repaired.weight / k.reshape(rowShape(repaired.weight));
        // A zero gamma zeroes the folded row whatever the conv holds: the conv keeps its own.
        u.weight = at::where((k != 0).reshape(rowShape(own)), own, original.unfolded);
    }
    const at::Tensor b = u.convBias.defined() ? u.convBias : at::zeros_like(gamma);
    u.beta = repaired.bias - ((b - mean) * inv) * u.gamma;
    return u;
}

} // namespace cs::detail
