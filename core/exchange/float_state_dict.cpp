#include "core/exchange/float_state_dict.h"

#include "core/errors.h"
#include "core/model/batch_norm_unfold_p.h"
#include "core/model/model_graph.h"
#include "core/platform/atomic_file.h"

#include <torch/script.h>
#include <torch/serialize.h>

#include <map>

namespace cs {

void saveFloatStateDict(const CalibrationResult& result, const std::string& modelPath, const std::string& outPath)
{
    c10::InferenceMode inference;
    ModelGraph graph(modelPath, result.config.mode);
    if (graph.summary().sha256 != result.model.sha256)
        throw CalibError(modelPath, "is not the calibrated model (sha256 " + graph.summary().sha256 + ", the session's "
                                        + result.model.sha256 + ")");
    torch::jit::Module module;
    try {
        module = torch::jit::load(modelPath);
    } catch (const std::exception& e) {
        throw CalibError(modelPath, "cannot load (" + firstLine(e.what()) + ")");
    }
    std::map<std::string, at::Tensor> state;
    std::vector<std::string> order;
    for (const auto& p : module.named_parameters(true)) {
        order.push_back(p.name);
        state[p.name] = p.value.detach().clone();
    }
    for (const auto& b : module.named_buffers(true)) {
        order.push_back(b.name);
        state[b.name] = b.value.detach().clone();
    }
    const detail::ModelGraphImpl& model = graph.impl();
    const auto& ops = model.summary.ops;
    const bool fold = model.mode == PointMode::Deployment;
    auto key = [&](const std::string& module_, const char* what, const std::string& op) -> at::Tensor& {
        const std::string name = module_.empty() ? what : module_ + "." + what;
        auto it = state.find(name);
        if (it == state.end())
            throw CalibError("float state dict", "op " + op + ": the model has no parameter '" + name
                                                     + "' to carry its repaired values");
        return it->second;
    };
    for (const auto& [opName, repaired] : result.config.parameters) {
        size_t i = 0;
        while (i < ops.size() && ops[i].name != opName)
            ++i;
        if (i == ops.size() || !ops[i].hasWeightPoint())
            throw CalibError("float state dict", "repaired op " + opName + " is no conv/linear op of " + modelPath);
        const detail::FoldedWeight original = detail::foldedWeight(model, i, fold);
        const detail::FoldedWeight target = detail::effectiveWeight(model, i, fold, &repaired);
        const std::string& convModule = ops[i].module;
        const bool ownBias = state.count(convModule.empty() ? "bias" : convModule + ".bias") != 0;
        if (!original.batchNorm) {
            if (!repaired.weight.empty())
                key(convModule, "weight", opName).copy_(target.weight.reshape(key(convModule, "weight", opName).sizes()));
            if (!repaired.bias.empty()) {
                if (!ownBias)
                    throw CalibError("float state dict", "op " + opName + " has no bias in the model; its repaired "
                                                             "bias has no place in the state dict");
                key(convModule, "bias", opName).copy_(target.bias);
            }
            continue;
        }
        // A folded batch norm keeps the repair as conv weight, gamma and beta.
        std::string bnModule;
        for (size_t k = 0; k < ops.size(); ++k)
            if (model.opValues[k] == original.batchNorm->output(0))
                bnModule = ops[k].module;
        const detail::UnfoldedParameters u = detail::unfoldRepaired(original, target, opName);
        at::Tensor& convWeight = key(convModule, "weight", opName);
        convWeight.copy_(u.weight.reshape(convWeight.sizes()));
        key(bnModule, "weight", opName).copy_(u.gamma);
        key(bnModule, "bias", opName).copy_(u.beta);
    }
    c10::Dict<std::string, at::Tensor> dict;
    for (const auto& name : order)
        dict.insert(name, state.at(name));
    const std::vector<char> bytes = torch::pickle_save(c10::IValue(dict));
    writeFileAtomically(outPath, std::string(bytes.begin(), bytes.end()));
}

} // namespace cs
