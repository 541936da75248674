#pragma once
// Internal to core's LibTorch translation units: repaired BN-folded conv parameters expressed
// as an unfolded conv and its batch norm, for every consumer that keeps the batch norm (the
// float state dict, the with_bn layouts of the quantized model and the checkpoint).
#include "core/model/graph_rewrite_p.h"

#include <string>

namespace cs::detail {

// A conv's own weight and bias and its batch norm's affine parameters. Folding them the way
// foldedWeight() does (W * (gamma * rsqrt(var + eps)), ((b - mean) * rsqrt(var + eps)) * gamma
// + beta) gives back the repaired folded weight and bias to float rounding.
struct UnfoldedParameters {
    at::Tensor weight;   // the conv's weight, in its own shape
    at::Tensor convBias; // the conv's own bias, unchanged; undefined when it has none
    at::Tensor gamma;
    at::Tensor beta;
};

// `original` is foldedWeight() of a conv with a folded batch norm, `repaired` the same op with
// its repaired parameters (effectiveWeight()). A repaired weight that is a per-output-channel
// rescale of the original folded one (equalization) keeps the conv's weight and moves the
// scale into gamma; any other repaired weight (AdaRound, weight clipping) keeps gamma and
// divides the folding factor gamma / sqrt(var + eps) back out of it. The bias change goes into
// beta. Throws CalibError naming `opName` when the batch norm has no affine parameters.
UnfoldedParameters unfoldRepaired(const FoldedWeight& original, const FoldedWeight& repaired,
                                  const std::string& opName);

} // namespace cs::detail
