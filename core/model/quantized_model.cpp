#include "core/model/quantized_model.h"

#include "core/platform/atomic_file.h"
#include "core/errors.h"
#include "core/model/batch_norm_unfold_p.h"

#include <torch/csrc/jit/api/function_impl.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/interpreter.h>

#include <sstream>
#include <unordered_map>

namespace cs {

namespace {

// The enable mask of the switchable model running on this thread (one byte per slot); null
// when none runs, which enables every slot.
thread_local const uint8_t* t_enabled = nullptr;

bool slotEnabled(int64_t slot) { return !t_enabled || t_enabled[slot] != 0; }

// A disabled point returns its input itself, so that its readers (and in-place ops after
// it) see the very tensor they would see without the node. Enabled, it computes what
// insertFakeQuantize's nodes compute, `narrow` standing for their aten::to pair.
at::Tensor switchedFakeQuantizeKernel(const at::Tensor& x, double scale, int64_t zeroPoint, int64_t quantMin,
                                      int64_t quantMax, int64_t narrow, int64_t slot)
{
    if (!slotEnabled(slot))
        return x;
    const auto dtype = static_cast<c10::ScalarType>(narrow);
    if (dtype == c10::kFloat)
        return detail::fakeQuantizeKernel(x, scale, zeroPoint, quantMin, quantMax);
    return detail::fakeQuantizeKernel(x.to(c10::kFloat), scale, zeroPoint, quantMin, quantMax).to(dtype);
}

at::Tensor switchedWeightKernel(const at::Tensor& plain, const at::Tensor& quantized, int64_t slot)
{
    return slotEnabled(slot) ? quantized : plain;
}

// CONSERVATIVE aliasing: both return one of their inputs itself.
TORCH_LIBRARY_FRAGMENT(calibscope, m)
{
    m.def(torch::schema("calibscope::switched_fake_quantize(Tensor x, float scale, int zero_point, int quant_min, "
                        "int quant_max, int narrow, int slot) -> Tensor",
                        c10::AliasAnalysisKind::CONSERVATIVE),
          &switchedFakeQuantizeKernel);
    m.def(torch::schema("calibscope::switched_weight(Tensor plain, Tensor quantized, int slot) -> Tensor",
                        c10::AliasAnalysisKind::CONSERVATIVE),
          &switchedWeightKernel);
}

at::Tensor fakeQuantizeWeight(const at::Tensor& w, const FakeQuantParams& q)
{
    if (q.chAxis >= 0 && q.scale.size() > 1)
        return at::fake_quantize_per_channel_affine(w, torch::tensor(q.scale, torch::kFloat32),
                                                    torch::tensor(q.zeroPoint, torch::kInt32), q.chAxis,
                                                    q.quantMin, q.quantMax);
    return at::fake_quantize_per_tensor_affine(w, q.scale.at(0), q.zeroPoint.at(0), q.quantMin, q.quantMax);
}

// fake_quantize(value) after value's producer; its readers read the result. PyTorch
// fake-quantizes float32 only, so a bfloat16/float16 point goes through float32 and back.
// With a `slot` (>= 0), one calibscope::switched_fake_quantize node computes the same.
torch::jit::Node* insertFakeQuantize(torch::jit::Graph& graph, torch::jit::Value* value, const FakeQuantParams& q,
                                     const std::string& dtype, int64_t slot = -1)
{
    static const auto fakeQuantize = c10::Symbol::fromQualString("aten::fake_quantize_per_tensor_affine");
    static const auto to = c10::Symbol::fromQualString("aten::to");
    const std::vector<c10::IValue> params{double(q.scale.at(0)), q.zeroPoint.at(0), q.quantMin, q.quantMax};
    const c10::ScalarType narrow = dtype == "bfloat16" ? c10::kBFloat16 : dtype == "float16" ? c10::kHalf
                                                                                               : c10::kFloat;
    if (slot >= 0) {
        static const auto switched = c10::Symbol::fromQualString("calibscope::switched_fake_quantize");
        return detail::insertAfter(graph, value, switched,
                                   {double(q.scale.at(0)), q.zeroPoint.at(0), q.quantMin, q.quantMax,
                                    int64_t(narrow), slot});
    }
    if (narrow == c10::kFloat)
        return detail::insertAfter(graph, value, fakeQuantize, params);
    // aten::to(Tensor self, ScalarType dtype, bool non_blocking, bool copy, MemoryFormat? memory_format)
    torch::jit::Node* wide = detail::insertAfter(graph, value, to, {c10::IValue(c10::kFloat), false, false, c10::IValue()});
    torch::jit::Node* fq = detail::insertAfter(graph, wide->output(), fakeQuantize, params);
    return detail::insertAfter(graph, fq->output(), to, {c10::IValue(narrow), false, false, c10::IValue()});
}

// The conv of a fused conv->batch_norm pair laid out as PyTorch's QAT modules compute it in
// eval; the batch_norm node `bn` stays and reads the result. `f.unfolded`/`f.unfoldedBias` are
// the conv's own parameters (the bias as the graph has it); `gamma` and `beta`, when defined, replace the batch norm's.
void installUnfoldedWeight(torch::jit::Graph& graph, torch::jit::Node* conv, torch::jit::Node* bn,
                           const detail::FoldedWeight& f, const at::Tensor& newGamma, const at::Tensor& newBeta,
                           const FakeQuantParams* q, BatchNormLayout layout, const std::string& opName)
{
    if (newGamma.defined()) {
        torch::jit::WithInsertPoint bnGuard(bn);
        bn->replaceInput(1, graph.insertConstant(newGamma));
        bn->replaceInput(2, graph.insertConstant(newBeta));
    }
    torch::jit::WithInsertPoint guard(conv);
    if (layout == BatchNormLayout::AfterConv) {
        conv->replaceInput(1, graph.insertConstant(q ? fakeQuantizeWeight(f.unfolded, *q) : f.unfolded));
        return;
    }
    // torch.nn.intrinsic.qat ConvBn*d._forward_approximate, operation for operation.
    auto constant = [&](size_t k) { return torch::jit::toIValue(f.batchNorm->input(k)); };
    const auto ownGamma = constant(1), var = constant(4), eps = constant(7);
    if (!newGamma.defined() && (!ownGamma || !ownGamma->isTensor()))
        throw CalibError(opName, "its batch norm has no weight (affine=False), which PyTorch's ConvBn QAT modules "
                                 "need; export with --qat-mode fuse_bn or with_bn");
    const at::Tensor runningStd = at::sqrt(var->toTensor().to(at::kFloat) + eps->toDouble());
    const at::Tensor gamma = newGamma.defined() ? newGamma : ownGamma->toTensor().to(at::kFloat);
    const at::Tensor scaleFactor = gamma / runningStd;
    std::vector<int64_t> weightShape(size_t(f.unfolded.dim()), 1), biasShape(size_t(f.unfolded.dim()), 1);
    weightShape[0] = -1;
    biasShape[1] = -1;
    const at::Tensor scaled = f.unfolded * scaleFactor.reshape(weightShape);
    conv->replaceInput(1, graph.insertConstant(q ? fakeQuantizeWeight(scaled, *q) : scaled));
    conv->replaceInput(2, graph.insertConstant(at::zeros({f.unfolded.size(0)}, at::kFloat)));
    static const auto div = c10::Symbol::fromQualString("aten::div");
    static const auto add = c10::Symbol::fromQualString("aten::add");
    torch::jit::Node* orig = detail::insertAfter(graph, conv->output(0), div, {scaleFactor.reshape(biasShape)});
    if (f.unfoldedBias.defined())
        detail::insertAfter(graph, orig->output(), add, {f.unfoldedBias.reshape(biasShape), int64_t(1)});
}

} // namespace

struct QuantizedModel::Impl {
    const detail::ModelGraphImpl* model = nullptr;
    torch::jit::Module module;                 // a clone of the frozen module whose forward we rewrite
    std::shared_ptr<torch::jit::Graph> graph;  // module.forward: fake quantization, no taps
    std::shared_ptr<torch::jit::Graph> tapped; // graph + taps, for running inside calibscope
    std::unique_ptr<torch::jit::Code> code;
    std::vector<TapPoint> points;
    std::vector<TapPoint> layerOutputs;
    bool switchable = false;
    // Switchable: the slot of each activation and each weight the plan quantizes.
    std::unordered_map<std::string, size_t> activationSlots, weightSlots;
    std::vector<uint8_t> enabled; // per slot
};

QuantizedModel::QuantizedModel(const ModelGraph& modelGraph, const QuantPlan& plan, bool tapLayerOutputs,
                               BatchNormLayout layout, bool switchable)
    : d(std::make_unique<Impl>())
{
    if (switchable && layout != BatchNormLayout::Folded)
        throw CalibError("quantization plan", "a switchable quantized model folds its batch norms");
    d->switchable = switchable;
    if (switchable) {
        size_t slot = 0;
        for (const auto& [name, unused] : plan.activations)
            d->activationSlots[name] = slot++;
        for (const auto& [name, unused] : plan.weights)
            d->weightSlots[name] = slot++;
        d->enabled.assign(slot, 1);
    }
    c10::InferenceMode inference;
    const auto& model = modelGraph.impl();
    d->model = &model;
    d->module = model.frozen.clone();
    d->graph = torch::jit::toGraphFunction(d->module.get_method("forward").function()).graph();
    auto toClone = detail::mapValues(*model.graph, *d->graph);
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

    for (const auto& [name, unused] : plan.parameters)
        if (!opByName.count(name) || !ops[opByName[name]].hasWeightPoint())
            throw CalibError("quantization plan", "repaired parameters for '" + name + "', which is no conv/linear op");
    for (size_t i = 0; i < ops.size(); ++i) {
        if (!ops[i].hasWeightPoint())
            continue;
        auto p = plan.parameters.find(ops[i].name);
        const LayerParameters* replaced = p == plan.parameters.end() ? nullptr : &p->second;
        const detail::FoldedWeight folded = detail::effectiveWeight(model, i, plan.foldBatchNorm, replaced);
        auto q = plan.weights.find(ops[i].name);
        if (layout != BatchNormLayout::Folded && folded.batchNorm) {
            // Repaired (BN-folded) values run as the unfolded conv and batch norm they fold from.
            detail::FoldedWeight own = folded;
            at::Tensor gamma, beta;
            if (replaced) {
                const detail::UnfoldedParameters u =
                    detail::unfoldRepaired(detail::foldedWeight(model, i, true), folded, ops[i].name);
                own.unfolded = u.weight;
                own.unfoldedBias = u.convBias;
                gamma = u.gamma;
                beta = u.beta;
            }
            installUnfoldedWeight(*d->graph, valueOf[i]->node(), toClone.at(folded.batchNorm->output(0))->node(), own,
                                  gamma, beta, q == plan.weights.end() ? nullptr : &q->second, layout, ops[i].name);
            continue;
        }
        if (switchable && q != plan.weights.end()) {
            // The very tensors a fixed model installs, the float or the fake-quantized one.
            torch::jit::Node* layer = valueOf[i]->node();
            detail::installWeight(model, *d->graph, toClone, valueOf, i, folded, folded.weight,
                                  replaced && !replaced->bias.empty());
            static const auto switched = c10::Symbol::fromQualString("calibscope::switched_weight");
            const auto slot = int64_t(d->weightSlots.at(ops[i].name));
            torch::jit::WithInsertPoint guard(layer); // the constants first, then their reader
            torch::jit::Value* quantized = d->graph->insertConstant(fakeQuantizeWeight(folded.weight, q->second));
            torch::jit::Value* slotValue = d->graph->insertConstant(slot);
            torch::jit::Node* pick = d->graph->create(switched, 1);
            pick->insertBefore(layer);
            pick->addInput(layer->input(1));
            pick->addInput(quantized);
            pick->addInput(slotValue);
            pick->output()->setType(layer->input(1)->type());
            layer->replaceInput(1, pick->output());
            continue;
        }
        const at::Tensor weight = q == plan.weights.end() ? folded.weight : fakeQuantizeWeight(folded.weight, q->second);
        detail::installWeight(model, *d->graph, toClone, valueOf, i, folded, weight,
                              replaced && !replaced->bias.empty());
    }

    // Each conv/linear op's output before its activation's fake quantization.
    std::vector<torch::jit::Value*> layerValues;
    if (tapLayerOutputs)
        for (size_t i = 0; i < ops.size(); ++i)
            if (ops[i].hasWeightPoint()) {
                d->layerOutputs.push_back(TapPoint{int(i), ops[i].name});
                layerValues.push_back(valueOf[detail::layerOutputOp(model, i)]);
            }

    for (const auto& [name, q] : plan.activations) {
        torch::jit::Value* value = valueOf[opByName.at(name)];
        const int64_t slot = switchable ? int64_t(d->activationSlots.at(name)) : -1;
        torch::jit::Node* fq = insertFakeQuantize(*d->graph, value, q, ops[opByName.at(name)].dtype, slot);
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
    auto toTapped = detail::mapValues(*d->graph, *d->tapped);
    const auto atenFakeQuantize = c10::Symbol::fromQualString("aten::fake_quantize_per_tensor_affine");
    const auto ownFakeQuantize = c10::Symbol::fromQualString("calibscope::fake_quantize");
    std::vector<torch::jit::Node*> fakeQuantizes; // inside branches too
    std::vector<torch::jit::Block*> blocks{d->tapped->block()};
    while (!blocks.empty()) {
        torch::jit::Block* block = blocks.back();
        blocks.pop_back();
        for (torch::jit::Node* node : block->nodes()) {
            if (node->kind() == atenFakeQuantize && node->inputs().size() == 5)
                fakeQuantizes.push_back(node);
            for (torch::jit::Block* inner : node->blocks())
                blocks.push_back(inner);
        }
    }
    for (torch::jit::Node* node : fakeQuantizes) {
        torch::jit::Node* own = d->tapped->create(ownFakeQuantize, node->inputs(), 1);
        own->insertBefore(node);
        own->output()->setType(node->output()->type());
        node->output()->replaceAllUsesWith(own->output());
        for (auto& [from, to] : toTapped)
            if (to == node->output())
                to = own->output();
        node->destroy();
    }
    for (size_t i = 0; i < ops.size(); ++i) {
        if (!detail::isTappable(ops[i]))
            continue;
        const int point = int(d->points.size());
        d->points.push_back(TapPoint{int(i), ops[i].name});
        detail::insertTap(*d->tapped, toTapped.at(valueOf[i]), point);
    }
    for (size_t k = 0; k < layerValues.size(); ++k)
        detail::insertTap(*d->tapped, toTapped.at(layerValues[k]), int(d->points.size() + k));
    d->code = std::make_unique<torch::jit::Code>(d->tapped, "calibscope_quantized");
}

QuantizedModel::~QuantizedModel() = default;

const std::vector<TapPoint>& QuantizedModel::points() const { return d->points; }
const std::vector<TapPoint>& QuantizedModel::layerOutputs() const { return d->layerOutputs; }

void QuantizedModel::select(const QuantPlan& subset)
{
    if (!d->switchable)
        throw CalibError("quantization plan", "the quantized model is not switchable");
    std::vector<uint8_t> enabled(d->enabled.size(), 0);
    for (const auto& [name, unused] : subset.activations) {
        auto slot = d->activationSlots.find(name);
        if (slot == d->activationSlots.end())
            throw CalibError("quantization plan", "activation point '" + name + "' is not quantized by the model");
        enabled[slot->second] = 1;
    }
    for (const auto& [name, unused] : subset.weights) {
        auto slot = d->weightSlots.find(name);
        if (slot == d->weightSlots.end())
            throw CalibError("quantization plan", "weight of '" + name + "' is not quantized by the model");
        enabled[slot->second] = 1;
    }
    d->enabled = std::move(enabled);
}

BatchOutput QuantizedModel::forward(const float* data, const std::vector<int64_t>& shape, TapHandler* handler)
{
    struct NoHandler final : TapHandler {
        void observe(int, const obs::TensorView&) override {}
    } none;
    // Restores the outer mask: a forward may run inside another model's (a tap handler's).
    struct EnabledScope {
        const uint8_t* outer;
        explicit EnabledScope(const uint8_t* mask) : outer(t_enabled) { t_enabled = mask; }
        ~EnabledScope() { t_enabled = outer; }
    } scope(d->switchable ? d->enabled.data() : t_enabled);
    return runInstrumented(*d->code, d->module._ivalue(), d->model->summary, data, shape,
                           handler ? *handler : none, handler ? TapMode::Observe : TapMode::Float);
}

void QuantizedModel::save(const std::string& path) const
{
    if (d->switchable)
        throw CalibError(path, "a switchable quantized model is not saved (build one for the plan)");
    std::ostringstream bytes;
    try {
        d->module.save(bytes);
    } catch (const std::exception& e) {
        throw CalibError(path, "cannot serialize the fake-quantized model (" + firstLine(e.what()) + ")");
    }
    writeFileAtomically(path, bytes.str());
}

} // namespace cs
