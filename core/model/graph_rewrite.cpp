#include "core/model/graph_rewrite_p.h"

#include "core/errors.h"

#include <cstring>
#include <regex>
#include <sstream>

namespace cs::detail {
namespace {

void mapBlock(const torch::jit::Block* from, torch::jit::Block* to, ValueMap& map)
{
    for (size_t i = 0; i < from->inputs().size(); ++i)
        map[from->inputs()[i]] = to->inputs()[i];
    auto it = to->nodes().begin();
    for (const torch::jit::Node* node : from->nodes()) {
        for (size_t k = 0; k < node->outputs().size(); ++k)
            map[node->output(k)] = it->output(k);
        for (size_t b = 0; b < node->blocks().size(); ++b)
            mapBlock(node->blocks()[b], it->blocks()[b], map);
        ++it;
    }
}

} // namespace

ValueMap mapValues(const torch::jit::Graph& from, torch::jit::Graph& to)
{
    ValueMap map;
    mapBlock(from.block(), to.block(), map);
    return map;
}

bool isTappable(const OpInfo& op)
{
    // bfloat16 is floating point too ("bfloat16" does not start with "float").
    return op.isActivationPoint()
        && (op.dtype.empty() || op.dtype.rfind("float", 0) == 0 || op.dtype == "bfloat16");
}

void insertAfterProducer(torch::jit::Value* value, torch::jit::Node* node)
{
    torch::jit::Node* producer = value->node();
    if (producer->kind() == c10::prim::Param)
        node->insertBefore(producer->owningBlock()->nodes().front());
    else
        node->insertAfter(producer);
}

torch::jit::Node* insertAfter(torch::jit::Graph& graph, torch::jit::Value* value, c10::Symbol kind,
                              const std::vector<c10::IValue>& constants)
{
    torch::jit::Node* node = graph.create(kind, 1);
    insertAfterProducer(value, node);
    torch::jit::WithInsertPoint guard(node);
    node->addInput(value);
    for (const auto& c : constants)
        node->addInput(graph.insertConstant(c));
    node->output()->setType(value->type());
    value->replaceAllUsesAfterNodeWith(node, node->output());
    return node;
}

torch::jit::Node* insertTap(torch::jit::Graph& graph, torch::jit::Value* value, int point)
{
    static const auto tapSymbol = c10::Symbol::fromQualString("calibscope::tap");
    return insertAfter(graph, value, tapSymbol, {c10::IValue(int64_t(point))});
}

FoldedWeight foldedWeight(const ModelGraphImpl& model, size_t opIndex, bool foldBatchNorm)
{
    FoldedWeight f;
    const OpInfo& op = model.summary.ops[opIndex];
    torch::jit::Node* node = model.opValues[opIndex]->node();
    f.weight = torch::jit::toIValue(node->input(1))->toTensor().to(at::kFloat);
    f.unfolded = f.weight;
    if (node->inputs().size() > 2)
        if (auto b = torch::jit::toIValue(node->input(2)); b && b->isTensor())
            f.bias = b->toTensor().to(at::kFloat);
    f.unfoldedBias = f.bias;
    const auto& uses = model.opValues[opIndex]->uses();
    torch::jit::Node* bn = uses.size() == 1 ? uses[0].user : nullptr;
    if (!foldBatchNorm || !bn || bn->kind() != c10::Symbol::fromQualString("aten::batch_norm") || op.fusedInto.empty())
        return f;
    auto constant = [&](size_t k) { return torch::jit::toIValue(bn->input(k)); };
    const auto gamma = constant(1), beta = constant(2), mean = constant(3), var = constant(4), eps = constant(7);
    if (!mean || !var || !mean->isTensor() || !var->isTensor() || !eps)
        return f;
    const at::Tensor inv = (var->toTensor().to(at::kFloat) + eps->toDouble()).rsqrt();
    const at::Tensor g = gamma && gamma->isTensor() ? gamma->toTensor().to(at::kFloat) * inv : inv;
    std::vector<int64_t> bshape(size_t(f.weight.dim()), 1);
    bshape[0] = f.weight.size(0);
    f.weight = f.weight * g.reshape(bshape);
    at::Tensor b = f.bias.defined() ? f.bias : torch::zeros({f.weight.size(0)});
    // The association of torch.nn.utils.fusion.fuse_conv_bn_weights, so that a model fused by
    // PyTorch (QAT from calibscope's checkpoint) computes the same float32 bias to the bit.
    b = (b - mean->toTensor().to(at::kFloat)) * inv;
    if (gamma && gamma->isTensor())
        b = b * gamma->toTensor().to(at::kFloat);
    if (beta && beta->isTensor())
        b = b + beta->toTensor().to(at::kFloat);
    f.bias = b;
    f.batchNorm = bn;
    return f;
}

size_t layerOutputOp(const ModelGraphImpl& model, size_t opIndex)
{
    const auto& uses = model.opValues[opIndex]->uses();
    if (model.mode != PointMode::Deployment || uses.size() != 1 || model.summary.ops[opIndex].fusedInto.empty()
        || uses[0].user->kind() != c10::Symbol::fromQualString("aten::batch_norm"))
        return opIndex;
    for (size_t k = 0; k < model.opValues.size(); ++k)
        if (model.opValues[k] == uses[0].user->output(0))
            return k;
    return opIndex;
}

FoldedWeight effectiveWeight(const ModelGraphImpl& model, size_t opIndex, bool foldBatchNorm,
                             const LayerParameters* replace)
{
    FoldedWeight f = foldedWeight(model, opIndex, foldBatchNorm);
    if (!replace)
        return f;
    const std::string where = "repaired parameters of " + model.summary.ops[opIndex].name;
    const std::vector<int64_t> shape = f.weight.sizes().vec();
    if (!replace->weight.empty()) {
        if (replace->weightShape != shape)
            throw CalibError(where, "weight shape " + shapeToString(replace->weightShape) + " does not fit the op's "
                                        + shapeToString(shape));
        if (int64_t(replace->weight.size()) != f.weight.numel())
            throw CalibError(where, std::to_string(replace->weight.size()) + " weight values for a weight of "
                                        + std::to_string(f.weight.numel()));
        f.weight = torch::tensor(replace->weight, torch::kFloat32).reshape(shape);
    }
    if (!replace->bias.empty()) {
        if (int64_t(replace->bias.size()) != shape.at(0))
            throw CalibError(where, std::to_string(replace->bias.size()) + " bias values for "
                                        + std::to_string(shape.at(0)) + " output channels");
        f.bias = torch::tensor(replace->bias, torch::kFloat32);
    }
    return f;
}

void installWeight(const ModelGraphImpl& model, torch::jit::Graph& graph, const ValueMap& map,
                   std::vector<torch::jit::Value*>& valueOf, size_t opIndex, const FoldedWeight& f,
                   const at::Tensor& weight, bool setBias)
{
    torch::jit::Node* node = valueOf[opIndex]->node();
    torch::jit::WithInsertPoint guard(node);
    node->replaceInput(1, graph.insertConstant(weight));
    if ((setBias || f.batchNorm) && f.bias.defined())
        node->replaceInput(2, graph.insertConstant(f.bias));
    if (!f.batchNorm)
        return;
    torch::jit::Value* bnOut = map.at(f.batchNorm->output(0));
    bnOut->replaceAllUsesWith(node->output(0));
    for (auto& v : valueOf)
        if (v == bnOut)
            v = node->output(0);
    bnOut->node()->destroy();
    (void)model;
}

std::string torchErrorMessage(const std::exception& e)
{
    const std::string text = e.what();
    if (text.rfind("The following operation failed in the TorchScript interpreter.", 0) != 0)
        return firstLine(text);
    // The traceback ends with the failing op's source ("~~~ <--- HERE" and a few lines of
    // context); the error follows as "RuntimeError: shape '[7, -1, 13]' is invalid ...".
    const size_t here = text.rfind("<--- HERE");
    static const std::regex errorLine(R"(^[A-Za-z_][A-Za-z0-9_.]*(Error|Exception): .*)");
    std::istringstream lines(text.substr(here == std::string::npos ? 0 : here));
    std::string line, fallback;
    std::getline(lines, line); // the HERE line itself
    while (std::getline(lines, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (std::regex_match(line, errorLine)) {
            std::string message = line;
            if (message.rfind("RuntimeError: ", 0) == 0)
                message = message.substr(std::strlen("RuntimeError: "));
            return firstLine(message);
        }
        if (fallback.empty() && !line.empty() && line[0] != ' ' && line[0] != '\t')
            fallback = line;
    }
    return firstLine(fallback.empty() ? text : fallback);
}

} // namespace cs::detail
