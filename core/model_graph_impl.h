#pragma once
// Internal to calibscope_core's LibTorch translation units: never include from a public header.
#include "core/model_graph.h"

#include <torch/script.h>

namespace cs::detail {

struct ModelGraphImpl {
    ModelSummary summary;
    PointMode mode = PointMode::Deployment;
    std::string metadataJson;
    torch::jit::Module frozen;                  // eval-mode, frozen copy that owns the constants
    std::shared_ptr<torch::jit::Graph> graph;   // frozen.forward, inlined
    std::vector<torch::jit::Value*> opValues;   // opValues[i] is the output of summary.ops[i]
};

} // namespace cs::detail
