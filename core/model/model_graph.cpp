#include "core/model/model_graph.h"

#include "core/errors.h"
#include "core/model/graph_rewrite_p.h"
#include "core/model/loop_warnings.h"
#include "core/model/op_naming.h"

#include <torch/csrc/jit/passes/constant_propagation.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/runtime/interpreter.h>
#include <torch/library.h>

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

namespace cs {
namespace {

std::string fileSha256(const std::string& path)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex().toStdString();
}

bool producesTensor(const torch::jit::Value* value)
{
    return value->type()->kind() == c10::TypeKind::TensorType;
}

// Ops whose tensor output is never floating point: they are not quantization points.
bool isNonFloatKind(const std::string& kind)
{
    static const std::set<std::string> kinds = {
        "aten::argmax", "aten::argmin", "aten::eq", "aten::ne", "aten::lt", "aten::le",
        "aten::gt", "aten::ge", "aten::nonzero", "aten::logical_and", "aten::logical_or",
        "aten::logical_not", "aten::isnan", "aten::isinf", "aten::isfinite", "aten::arange",
        "aten::argsort", "aten::bucketize", "aten::searchsorted"};
    return kinds.count(kind) != 0;
}

std::string argumentName(const torch::jit::Value* input)
{
    std::string name = input->debugName();
    // The JIT appends ".N" to keep SSA names unique; the user wrote the part before it.
    const auto dot = name.rfind('.');
    if (dot != std::string::npos && dot + 1 < name.size()
        && name.find_first_not_of("0123456789", dot + 1) == std::string::npos)
        name = name.substr(0, dot);
    return name;
}

std::vector<CallFrame> callFrames(const torch::jit::Node* node)
{
    std::vector<CallFrame> frames;
    const auto stack = node->callstack();
    if (!stack)
        return frames;
    for (const auto& entry : (*stack)->vec()) {
        CallFrame frame;
        const auto& instance = std::get<2>(entry);
        if (instance)
            frame.instance = instance->instance_name();
        const auto& range = std::get<1>(entry);
        frame.callSite = std::to_string(range.start()) + ':' + std::to_string(range.end());
        frames.push_back(std::move(frame));
    }
    return frames;
}

std::vector<int64_t> constantWeightShape(const torch::jit::Node* node)
{
    if (!isConvOrLinearKind(node->kind().toQualString()) || node->inputs().size() < 2)
        return {};
    const auto weight = torch::jit::toIValue(node->input(1));
    if (!weight || !weight->isTensor())
        return {};
    return weight->toTensor().sizes().vec();
}

// PyTorch's Python spelling ("float32"), which users know, instead of c10's "Float".
std::string dtypeName(c10::ScalarType type)
{
    switch (type) {
    case c10::kFloat: return "float32";
    case c10::kDouble: return "float64";
    case c10::kHalf: return "float16";
    case c10::kBFloat16: return "bfloat16";
    case c10::kByte: return "uint8";
    case c10::kChar: return "int8";
    case c10::kShort: return "int16";
    case c10::kInt: return "int32";
    case c10::kLong: return "int64";
    case c10::kBool: return "bool";
    default: return c10::toString(type);
    }
}

std::string readMetadata(const std::string& path, torch::jit::ExtraFilesMap& extra)
{
    auto it = extra.find(kModelMetadataFile);
    (void)path;
    return it == extra.end() ? std::string() : it->second;
}

// Freezes `module` keeping its other methods. Freezing inlines the methods forward calls
// (ResNet's _forward_impl) and then deletes them, but the inlined nodes' call stacks still
// point at the deleted functions: when an op inside fails, the interpreter reads those
// pointers to format its traceback and crashes (PyTorch 1.13 does the same). Kept methods
// stay alive with the frozen module.
torch::jit::Module freezeKeepingMethods(const torch::jit::Module& module, bool& kept)
{
    kept = true;
    std::vector<std::string> methods;
    for (const auto& method : module.get_methods())
        if (method.name() != "forward")
            methods.push_back(method.name());
    if (!methods.empty()) {
        try {
            return torch::jit::freeze_module(module, methods);
        } catch (const std::exception&) {
            // A method that cannot be frozen: freeze forward alone; inferShapes() then checks
            // a sample through the unfrozen module first.
        }
        kept = false;
    }
    return torch::jit::freeze_module(module);
}


template <typename F>
void forEachNode(torch::jit::Block* block, F&& f)
{
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        torch::jit::Node* node = *it++;
        for (torch::jit::Block* inner : node->blocks())
            forEachNode(inner, f);
        f(node);
    }
}

// True when some tensor op sits inside a block (a branch or loop body), where it is not listed.
// Frozen CNNs keep only assertion branches; their graphs stay exactly as frozen.
bool hasOpsInBlocks(torch::jit::Block* block)
{
    bool any = false;
    forEachNode(block, [&](torch::jit::Node* node) {
        if (node->owningBlock() != block && node->kind().is_aten() && !node->outputs().empty()
            && producesTensor(node->output(0)))
            any = true;
    });
    return any;
}

// PyTorch's fused inference kernels: eager PyTorch takes them only without autograd, and they
// hide the linear, bmm and softmax ops that are the quantization points.
bool isFusedFastPath(c10::Symbol kind)
{
    static const std::set<std::string> kinds = {"aten::_transformer_encoder_layer_fwd",
                                                "aten::_native_multi_head_attention",
                                                "aten::_nested_tensor_from_mask",
                                                "aten::_transformer_decoder_only_layer_fwd"};
    return kinds.count(kind.toQualString()) != 0;
}

bool containsFusedFastPath(torch::jit::Block* block)
{
    bool any = false;
    forEachNode(block, [&](torch::jit::Node* node) { any = any || isFusedFastPath(node->kind()); });
    return any;
}

// True when `a` and `b` are the same tensor whichever way the branches producing them go.
bool isSameValue(const torch::jit::Value* a, const torch::jit::Value* b)
{
    if (a == b)
        return true;
    const torch::jit::Node* node = a->node();
    if (node != b->node() || node->kind() != c10::prim::If)
        return false;
    for (const torch::jit::Block* block : node->blocks())
        if (!isSameValue(block->outputs()[a->offset()], block->outputs()[b->offset()]))
            return false;
    return true;
}

// Specializes a frozen graph with branches on how calibscope runs it: one CPU float input
// that requires no grad, the other (optional) arguments absent, autocast off, and the
// decomposed path eager PyTorch takes with autograd on (parameters require grad). Conditions
// that depend only on these fold away, so the ops of the taken branches become top-level
// nodes that are listed, observed and quantized like any other.
void specializeBranches(std::shared_ptr<torch::jit::Graph> shared)
{
    torch::jit::Graph& graph = *shared;
    using torch::jit::Node;
    auto replaceWith = [&](Node* node, const c10::IValue& value) {
        torch::jit::WithInsertPoint guard(node);
        node->output()->replaceAllUsesWith(graph.insertConstant(value));
        node->destroy();
    };
    // calibscope calls forward(self, input): trailing optional arguments are None, and they
    // leave the signature so that the interpreter gets every argument it reads.
    while (graph.inputs().size() > 2 && graph.inputs().back()->type()->kind() == c10::TypeKind::OptionalType) {
        torch::jit::Value* input = graph.inputs().back();
        torch::jit::WithInsertPoint guard(graph.block()->nodes().front());
        input->replaceAllUsesWith(graph.insertConstant(c10::IValue()));
        graph.eraseInput(graph.inputs().size() - 1);
    }
    // Folds the tuples the fast-path checks iterate over, so that requires_grad reads the
    // parameters themselves.
    torch::jit::ConstantPropagation(shared);
    static const auto isGradEnabled = c10::Symbol::fromQualString("aten::is_grad_enabled");
    static const auto isAutocastEnabled = c10::Symbol::fromQualString("aten::is_autocast_enabled");
    static const auto isNested = c10::Symbol::fromQualString("prim::is_nested");
    static const auto isCuda = c10::Symbol::fromQualString("prim::is_cuda");
    static const auto requiresGrad = c10::Symbol::fromQualString("prim::requires_grad");
    static const auto is = c10::Symbol::fromQualString("aten::__is__");
    static const auto isNot = c10::Symbol::fromQualString("aten::__isnot__");
    forEachNode(graph.block(), [&](Node* node) {
        const auto kind = node->kind();
        if (kind == isGradEnabled && node->inputs().empty())
            replaceWith(node, true);
        else if ((kind == isAutocastEnabled && node->inputs().empty()) || kind == isNested || kind == isCuda)
            replaceWith(node, false);
        else if (kind == requiresGrad)
            replaceWith(node, node->input()->node()->kind() == c10::prim::Constant);
    });
    torch::jit::ConstantPropagation(shared);
    // `q is k` on values that every branch makes the same tensor (MultiheadAttention's
    // batch_first transposes, then its packed in-projection).
    auto sameIdentity = [&](Node* node) {
        if ((node->kind() != is && node->kind() != isNot) || node->inputs().size() != 2
            || !isSameValue(node->input(0), node->input(1)))
            return false;
        replaceWith(node, node->kind() == is);
        return true;
    };
    // Whatever the remaining flags say, the branch holding a fused kernel is not the one eager
    // PyTorch runs with autograd on.
    for (bool changed = true; changed;) {
        changed = false;
        forEachNode(graph.block(), [&](Node* node) {
            if (changed)
                return;
            if (sameIdentity(node)) {
                changed = true;
                return;
            }
            if (node->kind() != c10::prim::If)
                return;
            const bool inThen = containsFusedFastPath(node->blocks()[0]);
            const bool inElse = containsFusedFastPath(node->blocks()[1]);
            if (inThen == inElse)
                return;
            // The condition often guards the early return too (a second branch on the same
            // value): every reader of it takes the same side.
            torch::jit::WithInsertPoint guard(graph.block()->nodes().front());
            torch::jit::Value* side = graph.insertConstant(!inThen);
            if (node->input(0)->node()->kind() == c10::prim::Constant)
                node->replaceInput(0, side);
            else
                node->input(0)->replaceAllUsesWith(side);
            changed = true;
        });
        torch::jit::ConstantPropagation(shared);
    }
    torch::jit::EliminateDeadCode(shared);
}

// Where calibscope::record puts the values it sees, on this thread (shape inference).
thread_local std::vector<c10::IValue>* t_recorded = nullptr;

at::Tensor recordKernel(const at::Tensor& x, int64_t index)
{
    if (t_recorded && index >= 0 && size_t(index) < t_recorded->size())
        (*t_recorded)[size_t(index)] = x;
    return x;
}

// CONSERVATIVE aliasing: it returns its input and has a side effect, so the JIT neither drops
// nor reorders it.
TORCH_LIBRARY_FRAGMENT(calibscope, m)
{
    m.def(torch::schema("calibscope::record(Tensor x, int index) -> Tensor", c10::AliasAnalysisKind::CONSERVATIVE),
          &recordKernel);
}

bool isListedNode(const torch::jit::Node* node)
{
    return node->kind().is_aten() && !node->outputs().empty() && producesTensor(node->output(0))
        && !isNonFloatKind(node->kind().toQualString());
}

// An arm that raises (an argument check) computes nothing the model returns.
bool raises(const torch::jit::Block* block)
{
    for (const torch::jit::Node* node : block->nodes())
        if (node->kind() == c10::prim::RaiseException)
            return true;
    return false;
}

bool listsOps(const torch::jit::Block* block);

// A branch whose condition still depends on the data once the graph is specialized: its
// arms' ops are points too. Loop bodies are not descended into: their ops would run several
// times per forward, and a point is one tensor per batch.
bool isDataBranch(const torch::jit::Node* node)
{
    if (node->kind() != c10::prim::If)
        return false;
    for (const torch::jit::Block* arm : node->blocks())
        if (!raises(arm) && listsOps(arm))
            return true;
    return false;
}

bool listsOps(const torch::jit::Block* block)
{
    for (const torch::jit::Node* node : block->nodes())
        if (isListedNode(node) || isDataBranch(node))
            return true;
    return false;
}

// Calls f(node, branch) for every listed op of `block` in graph order, descending into the
// arms of data-dependent branches. Branches are numbered in graph order (outer before inner),
// so that a name stays the same from run to run.
template <typename F>
void forEachListedNode(torch::jit::Block* block, const std::string& branch, int& branches, F&& f)
{
    for (torch::jit::Node* node : block->nodes()) {
        if (isDataBranch(node)) {
            const std::string id = "if" + std::to_string(branches++);
            const std::string prefix = branch.empty() ? ":" + id : branch + "." + id;
            static const char* const arms[] = {".then", ".else"};
            for (size_t b = 0; b < node->blocks().size() && b < 2; ++b)
                if (!raises(node->blocks()[b]))
                    forEachListedNode(node->blocks()[b], prefix + arms[b], branches, f);
        } else if (isListedNode(node)) {
            f(node, branch);
        }
    }
}

// The listed ops anywhere below `block` (nested blocks included), by kind, in graph order.
void collectListedKinds(const torch::jit::Block* block, std::vector<std::string>& kinds, int& count)
{
    for (const torch::jit::Node* node : block->nodes()) {
        if (isListedNode(node)) {
            ++count;
            const std::string kind = node->kind().toQualString();
            if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end())
                kinds.push_back(kind);
        }
        for (const torch::jit::Block* inner : node->blocks())
            collectListedKinds(inner, kinds, count);
    }
}

// Loop bodies are not points (a point is one tensor per batch; a body runs any number of
// times): says which ops that leaves in float, so that it is never silent.
void describeLoops(const torch::jit::Block* block, std::vector<std::string>& lines)
{
    for (const torch::jit::Node* node : block->nodes()) {
        if (node->kind() == c10::prim::Loop) {
            std::vector<std::string> kinds;
            int count = 0;
            for (const torch::jit::Block* body : node->blocks())
                collectListedKinds(body, kinds, count);
            if (count == 0)
                continue;
            std::string where;
            for (const CallFrame& frame : callFrames(node))
                if (!frame.instance.empty())
                    where += (where.empty() ? "" : ".") + frame.instance;
            std::string list;
            for (const auto& kind : kinds)
                list += (list.empty() ? "" : ", ") + kind;
            lines.push_back("a loop" + (where.empty() ? std::string() : " in " + where) + " runs "
                            + std::to_string(count) + (count == 1 ? " op" : " ops") + " (" + list
                            + ") that are not points: a loop body can run any number of times per "
                              "batch, so they stay in float in calibration, evaluation and export");
        } else if (isDataBranch(node)) {
            for (const torch::jit::Block* arm : node->blocks())
                if (!raises(arm))
                    describeLoops(arm, lines);
        }
    }
}

// Lists the ops: the inputs, then every aten op with a tensor output, those inside the arms
// of data-dependent branches too (with the branch in their names).
void listOps(detail::ModelGraphImpl& d)
{
    d.opValues.clear();
    std::vector<RawOp> raw;
    std::unordered_map<const torch::jit::Value*, int> opIndex;
    auto addOp = [&](RawOp op, torch::jit::Value* value) {
        op.useCount = static_cast<int>(value->uses().size());
        opIndex[value] = static_cast<int>(raw.size());
        raw.push_back(std::move(op));
        d.opValues.push_back(value);
    };

    const auto inputs = d.graph->inputs();
    // The forward() signature names the arguments as the user wrote them; SSA debug names
    // can be renamed by the JIT (x -> x0 when the body reassigns x).
    const auto& arguments = d.frozen.get_method("forward").function().getSchema().arguments();
    for (size_t i = 1; i < inputs.size(); ++i) { // input 0 is the module itself
        if (!producesTensor(inputs[i]))
            continue;
        RawOp op;
        op.kind = "input";
        op.inputName = i < arguments.size() && !arguments[i].name().empty() ? arguments[i].name()
                                                                           : argumentName(inputs[i]);
        addOp(std::move(op), inputs[i]);
    }
    int branches = 0;
    forEachListedNode(d.graph->block(), std::string(), branches, [&](torch::jit::Node* node, const std::string& branch) {
        RawOp op;
        op.kind = node->kind().toQualString();
        op.frames = callFrames(node);
        op.weightShape = constantWeightShape(node);
        op.branch = branch;
        for (const torch::jit::Value* input : node->inputs()) {
            auto it = opIndex.find(input);
            op.inputs.push_back(it == opIndex.end() ? -1 : it->second);
        }
        addOp(std::move(op), node->output(0));
    });
    d.summary.ops = describeOps(raw, d.mode);
}

// The top-level aten::dim nodes: a rank, which fixed-rank input makes a constant.
std::vector<torch::jit::Node*> rankQueries(torch::jit::Graph& graph)
{
    static const auto dim = c10::Symbol::fromQualString("aten::dim");
    std::vector<torch::jit::Node*> nodes;
    for (torch::jit::Node* node : graph.nodes())
        if (node->kind() == dim && node->inputs().size() == 1)
            nodes.push_back(node);
    return nodes;
}

} // namespace

ModelGraph::ModelGraph(const std::string& path, PointMode mode)
    : d(std::make_unique<detail::ModelGraphImpl>())
{
    const QFileInfo info(QString::fromStdString(path));
    if (!info.exists())
        throw CalibError(path, "no such file");
    if (!info.isFile() || !info.isReadable())
        throw CalibError(path, "not a readable file");

    torch::jit::ExtraFilesMap extra{{kModelMetadataFile, ""}};
    torch::jit::Module module;
    try {
        module = torch::jit::load(path, c10::kCPU, extra);
    } catch (const c10::Error& e) {
        throw CalibError(path, "not a TorchScript model (" + firstLine(e.what_without_backtrace()) + ")");
    } catch (const std::exception& e) {
        throw CalibError(path, "not a TorchScript model (" + firstLine(e.what()) + ")");
    }
    if (!module.find_method("forward"))
        throw CalibError(path, "the TorchScript module has no forward() method");

    d->mode = mode;
    d->metadataJson = readMetadata(path, extra);
    d->summary.path = path;
    d->summary.sha256 = fileSha256(path);
    for (const auto& parameter : module.parameters())
        d->summary.parameterCount += parameter.numel();

    try {
        module.eval();
        bool methodsKept = true;
        d->frozen = freezeKeepingMethods(module, methodsKept);
        if (!methodsKept)
            d->unfrozen = module;
        d->graph = d->frozen.get_method("forward").graph();
        if (hasOpsInBlocks(d->graph->block()))
            specializeBranches(d->graph);
    } catch (const std::exception& e) {
        throw CalibError(path, "cannot freeze the model (" + firstLine(e.what()) + ")");
    }

    listOps(*d);
    d->summary.inputShape = metadataInputShape();
}

ModelGraph::~ModelGraph() = default;
ModelGraph::ModelGraph(ModelGraph&&) noexcept = default;
ModelGraph& ModelGraph::operator=(ModelGraph&&) noexcept = default;

const ModelSummary& ModelGraph::summary() const { return d->summary; }

std::vector<std::string> loopWarnings(const ModelGraph& graph)
{
    std::vector<std::string> lines;
    describeLoops(graph.impl().graph->block(), lines);
    return lines;
}
PointMode ModelGraph::pointMode() const { return d->mode; }
const std::string& ModelGraph::metadataJson() const { return d->metadataJson; }

std::vector<int64_t> ModelGraph::metadataInputShape() const
{
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(d->metadataJson));
    std::vector<int64_t> shape;
    for (const auto& v : doc.object().value(QStringLiteral("input_shape")).toArray())
        shape.push_back(v.toInteger());
    return shape;
}

// What the first conv/linear reading the model's input expects, as a shape ("[N, 3, H, W]"),
// or "" when the input does not go straight into one.
static std::string expectedInputFromGraph(const detail::ModelGraphImpl& d)
{
    for (size_t i = 0; i < d.summary.ops.size(); ++i) {
        if (d.summary.ops[i].kind != "input")
            continue;
        for (const auto& use : d.opValues[i]->uses()) {
            const torch::jit::Node* node = use.user;
            const std::string kind = node->kind().toQualString();
            if (node->inputs().size() < 2 || use.offset != 0)
                continue;
            const auto weight = torch::jit::toIValue(node->input(1));
            if (!weight || !weight->isTensor())
                continue;
            const at::Tensor w = weight->toTensor();
            if (kind == "aten::linear" && w.dim() == 2)
                return "[..., " + std::to_string(w.size(1)) + "]";
            // conv1d/2d/3d(input, weight, bias, stride, padding, dilation, groups); traced models
            // have _convolution(input, weight, bias, stride, padding, dilation, transposed,
            // output_padding, groups, ...).
            const bool traced = kind == "aten::_convolution";
            const bool conv = kind == "aten::conv1d" || kind == "aten::conv2d" || kind == "aten::conv3d";
            if ((!traced && !conv) || w.dim() < 3 || w.dim() > 5 || (traced && node->inputs().size() < 9))
                continue;
            if (traced)
                if (auto transposed = torch::jit::toIValue(node->input(6)); !transposed || !transposed->isBool()
                                                                             || transposed->toBool())
                    continue;
            static const char* const spatial[] = {"L", "H, W", "D, H, W"};
            const size_t groupsAt = traced ? 8 : 6;
            int64_t groups = 1;
            if (node->inputs().size() > groupsAt)
                if (auto g = torch::jit::toIValue(node->input(groupsAt)); g && g->isInt())
                    groups = g->toInt();
            return "[N, " + std::to_string(w.size(1) * groups) + ", " + spatial[w.dim() - 3] + "]";
        }
    }
    return {};
}

void ModelGraph::inferShapes(const std::vector<int64_t>& inputShape)
{
    c10::InferenceMode guard;
    if (d->specializedRank >= 0 && d->specializedRank != int(inputShape.size())) {
        // The graph was specialized on input of another rank: start again from the file.
        ModelGraph fresh(d->summary.path, d->mode);
        d = std::move(fresh.d);
    }
    const at::Tensor sample = torch::zeros(inputShape);
    auto fail = [&](const std::exception& e) {
        std::string message = detail::torchErrorMessage(e);
        if (message.find("INTERNAL ASSERT FAILED") != std::string::npos) {
            // The interpreter sometimes trips over its own frames while unwinding an error
            // in a frozen graph (TransformerEncoder given the wrong feature size); the model
            // as saved gives the op's own message.
            try {
                torch::jit::Module original = torch::jit::load(d->summary.path, c10::kCPU);
                original.eval();
                original.forward({sample});
            } catch (const std::exception& again) {
                message = detail::torchErrorMessage(again);
            }
        }
        std::string expected = shapeToString(metadataInputShape());
        if (metadataInputShape().empty())
            expected = expectedInputFromGraph(*d);
        throw CalibError(d->summary.path, "input of shape " + shapeToString(inputShape) + " does not fit the model"
                                              + (expected.empty() ? std::string() : " (expects " + expected + ")")
                                              + ": " + message);
    };
    if (d->unfrozen) {
        try {
            d->unfrozen->forward({sample});
        } catch (const std::exception& e) {
            fail(e);
        }
    }
    // Runs a copy of the graph that returns `extra` after its own outputs (a value inside a
    // branch is recorded where it is made, and is None when its branch did not run); returns
    // those extra values.
    auto run = [&](const std::vector<torch::jit::Value*>& extra) {
        static const auto record = c10::Symbol::fromQualString("calibscope::record");
        auto graph = d->graph->copy();
        const auto toCopy = detail::mapValues(*d->graph, *graph);
        const size_t firstExtra = graph->outputs().size();
        std::vector<int> recordedAt(extra.size(), -1);
        int recordedCount = 0;
        for (size_t i = 0; i < extra.size(); ++i) {
            torch::jit::Value* value = toCopy.at(extra[i]);
            if (value->node()->owningBlock() == graph->block()) {
                graph->registerOutput(value);
            } else {
                recordedAt[i] = recordedCount++;
                detail::insertAfter(*graph, value, record, {c10::IValue(int64_t(recordedAt[i]))});
            }
        }
        std::vector<c10::IValue> recorded(static_cast<size_t>(recordedCount));
        torch::jit::Stack stack;
        stack.emplace_back(d->frozen._ivalue());
        stack.emplace_back(sample);
        std::vector<c10::IValue>* const previous = t_recorded;
        t_recorded = &recorded;
        try {
            torch::jit::Code code(graph, "calibscope_shapes");
            torch::jit::InterpreterState(code).run(stack);
        } catch (const std::exception& e) {
            t_recorded = previous;
            fail(e);
        }
        t_recorded = previous;
        torch::jit::Stack values;
        size_t output = firstExtra;
        for (size_t i = 0; i < extra.size(); ++i)
            values.push_back(recordedAt[i] < 0 ? stack.at(output++) : recorded[size_t(recordedAt[i])]);
        return values;
    };
    // Branches on the input's rank (MultiheadAttention's batched/unbatched paths, `if x.dim()
    // == 3`) fold once the ranks this input gives are constants: the ops of the taken branch
    // become top-level ops, listed and quantized like the others. The graph then serves input
    // of this rank only (another rank reloads it, above).
    if (d->specializedRank < 0 && hasOpsInBlocks(d->graph->block())) {
        bool folded = false;
        for (int round = 0; round < 8; ++round) {
            const std::vector<torch::jit::Node*> queries = rankQueries(*d->graph);
            if (queries.empty())
                break;
            std::vector<torch::jit::Value*> values;
            for (torch::jit::Node* node : queries)
                values.push_back(node->output());
            const torch::jit::Stack ranks = run(values);
            for (size_t i = 0; i < queries.size(); ++i) {
                torch::jit::WithInsertPoint insert(queries[i]);
                queries[i]->output()->replaceAllUsesWith(d->graph->insertConstant(ranks.at(i)));
                queries[i]->destroy();
            }
            specializeBranches(d->graph);
            folded = true;
        }
        if (folded) {
            d->specializedRank = int(inputShape.size());
            listOps(*d);
        }
    }
    const torch::jit::Stack values = run(d->opValues);
    d->summary.inputShape = inputShape;
    for (size_t i = 0; i < d->opValues.size(); ++i) {
        const auto& value = values.at(i);
        if (!value.isTensor())
            continue;
        const auto tensor = value.toTensor();
        d->summary.ops[i].shape = tensor.sizes().vec();
        d->summary.ops[i].dtype = dtypeName(tensor.scalar_type());
    }
}

} // namespace cs
