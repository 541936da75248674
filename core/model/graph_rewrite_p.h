#pragma once
// Internal to core/model's LibTorch translation units: the graph rewrites that the
// instrumented model (taps), the quantized model (folded weights, fake quantization) and the
// shape inference share, so that they agree on which values are points and where they sit.
#include "core/model/layer_parameters.h"
#include "core/model/model_graph_p.h"

#include <torch/csrc/jit/ir/ir.h>

#include <string>
#include <unordered_map>
#include <vector>

namespace cs::detail {

using ValueMap = std::unordered_map<const torch::jit::Value*, torch::jit::Value*>;

// Maps every value of `from` (inputs, node outputs, nested block parameters and outputs) onto
// `to`, a copy of it made by Graph::copy() (same structure, same node order).
ValueMap mapValues(const torch::jit::Graph& from, torch::jit::Graph& to);

// True when the activation point `op` gets a tap (and, when quantized, a fake quantization):
// a point whose output is floating point, or not known yet (shapes not inferred).
bool isTappable(const OpInfo& op);

// Puts `node` right after the node producing `value`, or first in the value's block when the
// value is a graph or block input.
void insertAfterProducer(torch::jit::Value* value, torch::jit::Node* node);

// Inserts `kind(value, constants...)` after value's producer and makes every later reader of
// `value` read its result instead. Returns the new node.
torch::jit::Node* insertAfter(torch::jit::Graph& graph, torch::jit::Value* value, c10::Symbol kind,
                              const std::vector<c10::IValue>& constants);

// A conv/linear weight ready for quantization: BN-folded when asked and the graph has a
// fused conv→batch_norm (then `batchNorm` is that node).
struct FoldedWeight {
    at::Tensor weight;
    at::Tensor unfolded;
    at::Tensor bias;                       // undefined when the op has none and nothing was folded
    at::Tensor unfoldedBias;               // the op's own bias; undefined when it has none
    torch::jit::Node* batchNorm = nullptr;
};
FoldedWeight foldedWeight(const ModelGraphImpl& model, size_t opIndex, bool foldBatchNorm);

// foldedWeight() with `replace`'s weight and/or bias (when given) in place of the result's.
// Throws CalibError when a replacement does not fit the op's weight.
FoldedWeight effectiveWeight(const ModelGraphImpl& model, size_t opIndex, bool foldBatchNorm,
                             const LayerParameters* replace);

// Makes op `opIndex` in `graph` (a copy of model.graph; `map` maps onto it) read `weight` and,
// when `setBias`, f.bias as constants. When f folded a batch norm, that node leaves the graph
// and its readers read the op's output (`valueOf`, each op's value in `graph`, follows).
void installWeight(const ModelGraphImpl& model, torch::jit::Graph& graph, const ValueMap& map,
                   std::vector<torch::jit::Value*>& valueOf, size_t opIndex, const FoldedWeight& f,
                   const at::Tensor& weight, bool setBias);

// The op whose output is conv/linear op `opIndex`'s output as the backend sees it: its
// batch norm when one is fused into it in deployment mode, else the op itself.
size_t layerOutputOp(const ModelGraphImpl& model, size_t opIndex);

// Inserts calibscope::tap(value, point) after value's producer (see insertAfter).
torch::jit::Node* insertTap(torch::jit::Graph& graph, torch::jit::Value* value, int point);

// calibscope::fake_quantize's kernel: aten::fake_quantize_per_tensor_affine's values
// without its mask by-product.
at::Tensor fakeQuantizeKernel(const at::Tensor& x, double scale, int64_t zeroPoint, int64_t quantMin, int64_t quantMax);

// The LibTorch error's own message: the interpreter wraps an op's error in a traceback
// ("The following operation failed in the TorchScript interpreter. ... RuntimeError: ..."),
// whose first line says nothing about the cause.
std::string torchErrorMessage(const std::exception& e);

} // namespace cs::detail
