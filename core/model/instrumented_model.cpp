#include "core/model/instrumented_model.h"

#include "core/platform/background_worker.h"
#include "core/errors.h"
#include "core/model/graph_rewrite_p.h"
#include "core/observers/kernels.h"

#include <torch/csrc/jit/ir/alias_analysis.h>
#include <torch/csrc/jit/ir/ir.h>
#include <torch/csrc/jit/runtime/interpreter.h>

#include <thread>
#include <unordered_map>


namespace cs {

namespace detail {

// aten::fake_quantize_per_tensor_affine without its by-product: PyTorch 1.13 computes a
// boolean mask tensor on every call and clamps through libm's fmin/fmax, which made the
// quantized forward of the demo twice as slow as the float one. Same values for finite x.
at::Tensor fakeQuantizeKernel(const at::Tensor& x, double scale, int64_t zeroPoint, int64_t quantMin, int64_t quantMax)
{
    if (x.scalar_type() != at::kFloat || !x.is_cpu() || !x.is_contiguous())
        return at::fake_quantize_per_tensor_affine(x, scale, zeroPoint, quantMin, quantMax);
    at::Tensor out = at::empty_like(x);
    const float* in = x.data_ptr<float>();
    float* result = out.data_ptr<float>();
    at::parallel_for(0, x.numel(), 1 << 16, [&](int64_t begin, int64_t end) {
        obs::kernels::fakeQuantize(in + begin, result + begin, size_t(end - begin), scale, zeroPoint, quantMin,
                                   quantMax);
    });
    return out;
}

} // namespace detail

namespace {

// What the tap operator does on the current thread. Thread-local so that concurrent jobs
// (a calibration and an evaluation) never see each other's handler.
struct TapContext {
    TapHandler* handler = nullptr;
    TapMode mode = TapMode::Float;
    OffThreadObserving offThread;
};
thread_local TapContext t_tap;

at::Tensor tapKernel(const at::Tensor& x, int64_t point)
{
    TapHandler* handler = t_tap.handler;
    if (!handler || t_tap.mode == TapMode::Float || !x.is_floating_point())
        return x;
    if (t_tap.mode == TapMode::Observe) {
        at::Tensor view = x.scalar_type() == at::kFloat ? x.contiguous() : x.to(at::kFloat).contiguous();
        const OffThreadObserving& off = t_tap.offThread;
        // A later in-place op (relu_, add_) would change the tensor under a reader that
        // comes after the tap.
        const bool changesLater = view.is_same(x) && off.copyFirst && off.copyFirst->at(size_t(point));
        if (handler->keepsTensors()) {
            const obs::TensorView v(view.data_ptr<float>(), view.sizes().vec());
            handler->observeKept(static_cast<int>(point), v,
                                 changesLater || !off.copyFirst ? nullptr : std::make_shared<at::Tensor>(view));
            return x;
        }
        if (off.worker) {
            if (changesLater)
                view = view.clone();
            off.worker->post([handler, point, view] {
                handler->observe(static_cast<int>(point), obs::TensorView(view.data_ptr<float>(), view.sizes().vec()));
            });
            return x;
        }
        // The statistics are taken now, before any later in-place op can overwrite this tensor.
        handler->observe(static_cast<int>(point), obs::TensorView(view.data_ptr<float>(), view.sizes().vec()));
        return x;
    }
    const FakeQuantParams* q = handler->fakeQuant(static_cast<int>(point));
    if (!q || q->scale.empty())
        return x;
    if (x.scalar_type() != at::kFloat) // PyTorch fake-quantizes float32 only
        return tapKernel(x.to(at::kFloat), point).to(x.scalar_type());
    if (q->chAxis < 0)
        return at::fake_quantize_per_tensor_affine(x, q->scale[0], q->zeroPoint.empty() ? 0 : q->zeroPoint[0],
                                                   q->quantMin, q->quantMax);
    const auto scale = torch::tensor(q->scale, torch::kFloat32);
    const auto zeroPoint = torch::tensor(q->zeroPoint, torch::kInt32);
    return at::fake_quantize_per_channel_affine(x, scale, zeroPoint, q->chAxis, q->quantMin, q->quantMax);
}

// CONSERVATIVE aliasing: the tap may return its input itself and has side effects, so the
// JIT must neither drop it nor reorder in-place ops around it.
TORCH_LIBRARY(calibscope, m)
{
    m.def(torch::schema("calibscope::tap(Tensor x, int point) -> Tensor", c10::AliasAnalysisKind::CONSERVATIVE),
          &tapKernel);
    m.def(torch::schema("calibscope::fake_quantize(Tensor x, float scale, int zero_point, int quant_min, "
                        "int quant_max) -> Tensor",
                        c10::AliasAnalysisKind::FROM_SCHEMA),
          &detail::fakeQuantizeKernel);
}

std::vector<float> toVector(const at::Tensor& t)
{
    const at::Tensor c = t.to(at::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

at::Tensor firstTensor(const c10::IValue& value)
{
    if (value.isTensor())
        return value.toTensor();
    if (value.isTuple())
        for (const auto& e : value.toTupleRef().elements())
            if (auto t = firstTensor(e); t.defined())
                return t;
    if (value.isList())
        for (const auto& e : value.toListRef())
            if (auto t = firstTensor(e); t.defined())
                return t;
    return {};
}

} // namespace

int computeThreadCount(int threads)
{
    return threads > 0 ? threads : std::max(1, int(std::thread::hardware_concurrency()));
}

void setComputeThreads(int threads)
{
    at::set_num_threads(computeThreadCount(threads));
}

struct InstrumentedModel::Impl {
    const detail::ModelGraphImpl* model = nullptr;
    std::shared_ptr<torch::jit::Graph> graph;
    std::unique_ptr<torch::jit::Code> code;
    std::vector<TapPoint> points;
    std::vector<bool> writtenLater;            // per point: an in-place op writes to its value,
                                               // or it is the caller's input buffer
    std::unique_ptr<BackgroundWorker> observer; // started by the first off-thread handler
    LayerParameterMap parameters;
    std::vector<TapPoint> layerOutputs;
};

bool operator==(const LayerParameters& a, const LayerParameters& b)
{
    return a.weightShape == b.weightShape && a.weight == b.weight && a.bias == b.bias;
}

InstrumentedModel::InstrumentedModel(const ModelGraph& modelGraph, const LayerParameterMap& parameters,
                                     bool tapLayerOutputs)
    : d(std::make_unique<Impl>())
{
    const auto& model = modelGraph.impl();
    d->model = &model;
    d->graph = model.graph->copy();
    d->parameters = parameters;

    const auto toCopy = detail::mapValues(*model.graph, *d->graph);
    const auto& ops = model.summary.ops;
    std::vector<torch::jit::Value*> valueOf(ops.size());
    for (size_t i = 0; i < ops.size(); ++i)
        valueOf[i] = toCopy.at(model.opValues[i]);
    if (!parameters.empty()) {
        c10::InferenceMode inference;
        for (const auto& [name, unused] : parameters) {
            const OpInfo* op = model.summary.find(name);
            if (!op || !op->hasWeightPoint())
                throw CalibError("repaired parameters", "'" + name + "' is no conv/linear op of " + model.summary.path);
        }
        // The repaired values are meant BN-folded in deployment mode: the op runs folded.
        const bool fold = model.mode == PointMode::Deployment;
        for (size_t i = 0; i < ops.size(); ++i) {
            auto p = parameters.find(ops[i].name);
            if (p == parameters.end())
                continue;
            const detail::FoldedWeight f = detail::effectiveWeight(model, i, fold, &p->second);
            detail::installWeight(model, *d->graph, toCopy, valueOf, i, f, f.weight, !p->second.bias.empty());
        }
    }
    const torch::jit::AliasDb aliases(model.graph);
    for (size_t i = 0; i < ops.size(); ++i) {
        if (!detail::isTappable(ops[i]))
            continue;
        const int point = static_cast<int>(d->points.size());
        d->points.push_back(TapPoint{static_cast<int>(i), ops[i].name});
        d->writtenLater.push_back(model.opValues[i]->node()->kind() == c10::prim::Param
                                  || aliases.hasWriters(model.opValues[i]));
        detail::insertTap(*d->graph, valueOf[i], point);
    }
    if (tapLayerOutputs) {
        for (size_t i = 0; i < ops.size(); ++i) {
            if (!ops[i].hasWeightPoint())
                continue;
            const int point = static_cast<int>(d->points.size() + d->layerOutputs.size());
            d->layerOutputs.push_back(TapPoint{static_cast<int>(i), ops[i].name});
            d->writtenLater.push_back(true); // a fused in-place activation overwrites it
            detail::insertTap(*d->graph, valueOf[detail::layerOutputOp(model, i)], point);
        }
    }
    d->code = std::make_unique<torch::jit::Code>(d->graph, "calibscope_instrumented");
}

InstrumentedModel::~InstrumentedModel() = default;

const std::vector<TapPoint>& InstrumentedModel::points() const { return d->points; }
const std::vector<TapPoint>& InstrumentedModel::layerOutputs() const { return d->layerOutputs; }

BatchOutput runInstrumented(torch::jit::Code& code, const c10::IValue& self, const ModelSummary& summary,
                            const float* data, const std::vector<int64_t>& shape, TapHandler& handler, TapMode mode,
                            OffThreadObserving offThread)
{
    c10::InferenceMode inference;
    const at::Tensor input = torch::from_blob(const_cast<float*>(data), shape, torch::kFloat32);
    torch::jit::Stack stack;
    stack.emplace_back(self);
    stack.emplace_back(input);

    const TapContext previous = t_tap;
    t_tap = TapContext{&handler, mode, offThread};
    try {
        torch::jit::InterpreterState(code).run(stack);
    } catch (const std::exception& e) {
        t_tap = previous;
        if (offThread.worker) {
            try {
                offThread.worker->wait(); // the handler and the batch must outlive its tasks
            } catch (...) {
                // the forward's error is the one to report
            }
        }
        throw CalibError(summary.path, "forward failed on a batch of shape " + shapeToString(shape)
                                           + " (expected input " + shapeToString(summary.inputShape)
                                           + "): " + detail::torchErrorMessage(e));
    }
    t_tap = previous;
    if (offThread.worker)
        offThread.worker->helpAndWait();

    BatchOutput out;
    const at::Tensor result = stack.empty() ? at::Tensor() : firstTensor(stack.back());
    if (result.defined()) {
        out.shape = result.sizes().vec();
        out.data = toVector(result);
    }
    return out;
}

BatchOutput InstrumentedModel::forward(const float* data, const std::vector<int64_t>& shape, TapHandler& handler,
                                       TapMode mode)
{
    OffThreadObserving offThread;
    if (mode == TapMode::Observe && handler.observesOffThread()) {
        if (!d->observer)
            // Idle priority: the statistics take the cores the forward leaves idle between and
            // inside its parallel regions instead of preempting its threads (BENCHMARKS.md,
            // second round). The forward's thread finishes what is queued.
            d->observer = std::make_unique<BackgroundWorker>(lowerToIdlePriority);
        offThread = OffThreadObserving{d->observer.get(), &d->writtenLater};
    } else {
        offThread.copyFirst = &d->writtenLater;
    }
    return runInstrumented(*d->code, d->model->frozen._ivalue(), d->model->summary, data, shape, handler, mode,
                           offThread);
}

std::vector<WeightTensor> InstrumentedModel::weights(bool foldBatchNorm) const
{
    c10::InferenceMode inference;
    std::vector<WeightTensor> result;
    const auto& model = *d->model;
    for (size_t i = 0; i < model.summary.ops.size(); ++i) {
        const OpInfo& op = model.summary.ops[i];
        if (!op.hasWeightPoint())
            continue;
        auto p = d->parameters.find(op.name);
        const bool replaced = p != d->parameters.end() && foldBatchNorm == (model.mode == PointMode::Deployment);
        const detail::FoldedWeight f = detail::effectiveWeight(model, i, foldBatchNorm, replaced ? &p->second : nullptr);
        WeightTensor w;
        w.opIndex = static_cast<int>(i);
        w.opName = op.name;
        w.shape = f.weight.sizes().vec();
        w.unfolded = toVector(f.unfolded);
        w.data = toVector(f.weight);
        if (f.bias.defined())
            w.bias = toVector(f.bias);
        if (f.batchNorm)
            for (size_t k = 0; k < model.summary.ops.size(); ++k)
                if (model.opValues[k] == f.batchNorm->output(0))
                    w.foldedBatchNorm = model.summary.ops[k].name;
        result.push_back(std::move(w));
    }
    return result;
}

} // namespace cs
