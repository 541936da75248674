#pragma once
// Internal to calibscope_core's LibTorch translation units: never include from a public header.
#include "core/model/model_graph.h"

#include <torch/script.h>

#include <optional>
#include <torch/csrc/jit/runtime/interpreter.h>

namespace cs::detail {

struct ModelGraphImpl {
    ModelSummary summary;
    PointMode mode = PointMode::Deployment;
    std::string metadataJson;
    torch::jit::Module frozen;                  // eval-mode, frozen copy that owns the constants
    std::shared_ptr<torch::jit::Graph> graph;   // frozen.forward, inlined
    std::vector<torch::jit::Value*> opValues;   // opValues[i] is the output of summary.ops[i]
    // The eval-mode module before freezing, kept only when freezing had to drop the methods
    // forward calls: an op failing below them crashes the frozen graph's interpreter, so
    // inferShapes() runs a sample through this one first.
    std::optional<torch::jit::Module> unfrozen;
    // The input rank the graph's rank queries (x.dim()) were folded for; -1 when not folded.
    int specializedRank = -1;
};

} // namespace cs::detail

namespace cs {
struct BatchOutput;
class BackgroundWorker;
class TapHandler;
enum class TapMode;
// Where observe() of an off-thread handler runs, and per point whether the tapped tensor
// changes after the tap (a later in-place op writes to it, or it is the caller's input).
struct OffThreadObserving {
    BackgroundWorker* worker = nullptr;
    const std::vector<bool>* copyFirst = nullptr;
};
// Runs compiled code whose graph contains calibscope::tap nodes with `handler` in `mode`.
BatchOutput runInstrumented(torch::jit::Code& code, const c10::IValue& self, const ModelSummary& summary,
                            const float* data, const std::vector<int64_t>& shape, TapHandler& handler, TapMode mode,
                            OffThreadObserving offThread = {});
} // namespace cs
