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
// its repaired parameters (effectiveWeight()). Where a repaired row is mostly a rescale of the
// original folded one (equalization, also with AdaRound's or clipping's small changes on top)
// the scale goes into gamma; the rest of the change (AdaRound, weight clipping, an equalized
// input) stays in the conv's weight, out of which the folding factor gamma / sqrt(var + eps)
// is divided back. The bias change goes into beta. Throws CalibError naming `opName` when the batch norm has no affine parameters.
UnfoldedParameters unfoldRepaired(const FoldedWeight& original, const FoldedWeight& repaired,
                                  const std::string& opName);

} // namespace cs::detail
