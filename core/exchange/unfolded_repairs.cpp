#include "core/exchange/unfolded_repairs.h"

#include "core/errors.h"
#include "core/exchange/checkpoint.h"
#include "core/model/batch_norm_unfold_p.h"
#include "core/model/model_graph.h"

namespace cs {

namespace {

std::vector<float> values(const at::Tensor& t)
{
    const at::Tensor c = t.to(at::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

} // namespace

bool needsUnfoldedRepairs(const CalibrationResult& result, QatMode mode)
{
    if (mode == QatMode::FuseBn)
        return false;
    for (const WeightCalibration& w : result.weights)
        if (!w.foldedBatchNorm.empty() && result.config.parameters.count(w.name))
            return true;
    return false;
}

UnfoldedRepairMap unfoldedRepairs(const CalibrationResult& result, const std::string& modelPath)
{
    c10::InferenceMode inference;
    ModelGraph graph(modelPath, result.config.mode);
    if (graph.summary().sha256 != result.model.sha256)
        throw CalibError(modelPath, "is not the calibrated model (sha256 " + graph.summary().sha256 + ", the session's "
                                        + result.model.sha256 + ")");
    const detail::ModelGraphImpl& model = graph.impl();
    const auto& ops = model.summary.ops;
    const bool fold = model.mode == PointMode::Deployment;
    UnfoldedRepairMap out;
    for (size_t i = 0; i < ops.size(); ++i) {
        const auto repaired = result.config.parameters.find(ops[i].name);
        if (repaired == result.config.parameters.end() || !ops[i].hasWeightPoint())
            continue;
        const detail::FoldedWeight original = detail::foldedWeight(model, i, fold);
        if (!original.batchNorm)
            continue;
        const detail::UnfoldedParameters u = detail::unfoldRepaired(
            original, detail::effectiveWeight(model, i, fold, &repaired->second), ops[i].name);
        out[ops[i].name] = UnfoldedRepair{u.weight.sizes().vec(), values(u.weight), values(u.gamma), values(u.beta)};
    }
    return out;
}

UnfoldedRepairMap unfoldedRepairsFor(const CalibrationResult& result, QatMode mode, const std::string& modelPath)
{
    return needsUnfoldedRepairs(result, mode) ? unfoldedRepairs(result, modelPath) : UnfoldedRepairMap{};
}

} // namespace cs
