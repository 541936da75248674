#include "core/model/quantized_model.h"

#include "core/platform/atomic_file.h"
#include "core/errors.h"
#include "core/model/model_graph_p.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/interpreter.h>

#include <sstream>
#include <unordered_map>

namespace cs {
namespace detail {

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

} // namespace detail

namespace {

at::Tensor fakeQuantizeWeight(const at::Tensor& w, const FakeQuantParams& q)
{
    if (q.chAxis >= 0 && q.scale.size() > 1)
        return at::fake_quantize_per_channel_affine(w, torch::tensor(q.scale, torch::kFloat32),
                                                    torch::tensor(q.zeroPoint, torch::kInt32), q.chAxis,
                                                    q.quantMin, q.quantMax);
    return at::fake_quantize_per_tensor_affine(w, q.scale.at(0), q.zeroPoint.at(0), q.quantMin, q.quantMax);
}

std::unordered_map<const torch::jit::Value*, torch::jit::Value*> mapValues(const torch::jit::Graph& from,
                                                                          torch::jit::Graph& to)
{
    std::unordered_map<const torch::jit::Value*, torch::jit::Value*> map;
    for (size_t i = 0; i < from.inputs().size(); ++i)
        map[from.inputs()[i]] = to.inputs()[i];
    auto it = to.nodes().begin();
    for (const torch::jit::Node* node : from.nodes()) {
        for (size_t k = 0; k < node->outputs().size(); ++k)
            map[node->output(k)] = it->output(k);
        ++it;
    }
    return map;
}

void insertAfterProducer(torch::jit::Graph& graph, torch::jit::Value* value, torch::jit::Node* node)
{
    if (value->node()->kind() == c10::prim::Param)
        node->insertBefore(graph.nodes().front());
    else
        node->insertAfter(value->node());
}

} // namespace

struct QuantizedModel::Impl {
    const detail::ModelGraphImpl* model = nullptr;
    torch::jit::Module module;                 // a clone of the frozen module whose forward we rewrite
    std::shared_ptr<torch::jit::Graph> graph;  // module.forward: fake quantization, no taps
    std::shared_ptr<torch::jit::Graph> tapped; // graph + taps, for running inside calibscope
    std::unique_ptr<torch::jit::Code> code;
    std::vector<TapPoint> points;
};

QuantizedModel::QuantizedModel(const ModelGraph& modelGraph, const QuantPlan& plan) : d(std::make_unique<Impl>())
{
    c10::InferenceMode inference;
    const auto& model = modelGraph.impl();
    d->model = &model;
    d->module = model.frozen.clone();
    d->graph = torch::jit::toGraphFunction(d->module.get_method("forward").function()).graph();
    auto toClone = mapValues(*model.graph, *d->graph);
    const auto& ops = model.summary.ops;

    std::map<std::string, size_t> opByName;
    for (size_t i = 0; i < ops.size(); ++i)
        opByName[ops[i].name] = i;
    for (const auto& [name, unused] : plan.weights)
        if (!opByName.count(name) || !ops[opByName[name]].hasWeightPoint())
            throw CalibError("quantization plan", "no conv/linear op named '" + name + "'");
    for (const auto& [name, unused] : plan.activations)
        if (!opByName.count(name) || !ops[opByName[name]].isActivationPoint())
            throw CalibError("quantization plan", "no activation point named '" + name + "'");

    // The value each op's consumers read; folding a batch_norm makes its output the conv's.
    std::vector<torch::jit::Value*> valueOf(ops.size());
    for (size_t i = 0; i < ops.size(); ++i)
        valueOf[i] = toClone.at(model.opValues[i]);

    for (size_t i = 0; i < ops.size(); ++i) {
        if (!ops[i].hasWeightPoint())
            continue;
        const detail::FoldedWeight folded = detail::foldedWeight(model, i, plan.foldBatchNorm);
        auto q = plan.weights.find(ops[i].name);
        const at::Tensor weight = q == plan.weights.end() ? folded.weight : fakeQuantizeWeight(folded.weight, q->second);
        torch::jit::Node* node = valueOf[i]->node();
        torch::jit::WithInsertPoint guard(node);
        node->replaceInput(1, d->graph->insertConstant(weight));
        if (folded.batchNorm) {
            node->replaceInput(2, d->graph->insertConstant(folded.bias));
            torch::jit::Value* bnOut = toClone.at(folded.batchNorm->output(0));
            bnOut->replaceAllUsesWith(node->output(0));
            for (size_t k = 0; k < ops.size(); ++k)
                if (valueOf[k] == bnOut)
                    valueOf[k] = node->output(0);
            bnOut->node()->destroy();
        }
    }

    for (const auto& [name, q] : plan.activations) {
        torch::jit::Value* value = valueOf[opByName.at(name)];
        torch::jit::Node* fq = d->graph->create(c10::Symbol::fromQualString("aten::fake_quantize_per_tensor_affine"), 1);
        insertAfterProducer(*d->graph, value, fq);
        torch::jit::WithInsertPoint guard(fq);
        fq->addInput(value);
        fq->addInput(d->graph->insertConstant(double(q.scale.at(0))));
        fq->addInput(d->graph->insertConstant(q.zeroPoint.at(0)));
        fq->addInput(d->graph->insertConstant(q.quantMin));
        fq->addInput(d->graph->insertConstant(q.quantMax));
        fq->output()->setType(value->type());
        value->replaceAllUsesAfterNodeWith(fq, fq->output());
        // An in-place op (relu_) returns an alias of its input and later code often reads the
        // input (y.relu_(); cat([y, z])): those reads must see the quantized value too.
        torch::jit::Node* producer = value->node();
        const std::string kind = producer->kind().toQualString();
        if (producer->kind().is_aten() && kind.back() == '_' && !producer->inputs().empty()
            && producer->input(0)->type()->kind() == c10::TypeKind::TensorType)
            producer->input(0)->replaceAllUsesAfterNodeWith(fq, fq->output());
        valueOf[opByName.at(name)] = fq->output();
    }
    d->graph->lint();

    // The runnable copy observes every point after its quantization, and quantizes with
    // calibscope's kernel (the same values as the saved model's aten op, without its mask).
    d->tapped = d->graph->copy();
    auto toTapped = mapValues(*d->graph, *d->tapped);
    const auto atenFakeQuantize = c10::Symbol::fromQualString("aten::fake_quantize_per_tensor_affine");
    const auto ownFakeQuantize = c10::Symbol::fromQualString("calibscope::fake_quantize");
    for (auto it = d->tapped->nodes().begin(); it != d->tapped->nodes().end(); ++it) {
        if (it->kind() != atenFakeQuantize || it->inputs().size() != 5)
            continue;
        torch::jit::Node* own = d->tapped->create(ownFakeQuantize, it->inputs(), 1);
        own->insertBefore(*it);
        own->output()->setType(it->output()->type());
        it->output()->replaceAllUsesWith(own->output());
        for (auto& [from, to] : toTapped)
            if (to == it->output())
                to = own->output();
        it.destroyCurrent();
    }
    const auto tapSymbol = c10::Symbol::fromQualString("calibscope::tap");
    for (size_t i = 0; i < ops.size(); ++i) {
        if (!ops[i].isActivationPoint() || (!ops[i].dtype.empty() && ops[i].dtype.rfind("float", 0) != 0))
            continue;
        torch::jit::Value* value = toTapped.at(valueOf[i]);
        const int point = int(d->points.size());
        d->points.push_back(TapPoint{int(i), ops[i].name});
        torch::jit::Node* tap = d->tapped->create(tapSymbol, 1);
        insertAfterProducer(*d->tapped, value, tap);
        torch::jit::WithInsertPoint guard(tap);
        tap->addInput(value);
        tap->addInput(d->tapped->insertConstant(int64_t(point)));
        tap->output()->setType(value->type());
        value->replaceAllUsesAfterNodeWith(tap, tap->output());
    }
    d->code = std::make_unique<torch::jit::Code>(d->tapped, "calibscope_quantized");
}

QuantizedModel::~QuantizedModel() = default;

const std::vector<TapPoint>& QuantizedModel::points() const { return d->points; }

BatchOutput QuantizedModel::forward(const float* data, const std::vector<int64_t>& shape, TapHandler* handler)
{
    struct NoHandler final : TapHandler {
        void observe(int, const obs::TensorView&) override {}
    } none;
    return runInstrumented(*d->code, d->module._ivalue(), d->model->summary, data, shape,
                           handler ? *handler : none, handler ? TapMode::Observe : TapMode::Float);
}

void QuantizedModel::save(const std::string& path) const
{
    std::ostringstream bytes;
    try {
        d->module.save(bytes);
    } catch (const std::exception& e) {
        throw CalibError(path, "cannot serialize the fake-quantized model (" + firstLine(e.what()) + ")");
    }
    writeFileAtomically(path, bytes.str());
}

} // namespace cs
