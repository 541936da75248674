// AdaRound over a whole model (core/repair/adaround_model.h): layer by layer in op order, each
// conv/linear weight learns its rounding on its inputs as the float model and as the
// quantized model (with the layers before it already rounded) hand them over.
#include "core/repair/adaround_model.h"

#include "core/dataset/batch_prefetcher.h"
#include "core/dataset/dataset_source.h"
#include "core/errors.h"
#include "core/model/model_graph_p.h"
#include "core/model/quantized_model.h"

#include <torch/csrc/jit/ir/ir.h>

#include <algorithm>
#include <chrono>
#include <numeric>

namespace cs {
namespace {

// Copies one point's tensors, batch after batch.
class Capture final : public TapHandler {
public:
    explicit Capture(int point) : m_point(point) {}
    void observe(int point, const obs::TensorView& x) override
    {
        if (point != m_point)
            return;
        values.insert(values.end(), x.data, x.data + x.numel());
        if (shape.empty())
            shape = x.shape;
        else
            shape[0] += x.shape.at(0);
    }
    std::vector<float> values;
    std::vector<int64_t> shape;

private:
    int m_point;
};

std::optional<std::vector<int64_t>> intList(torch::jit::Value* v)
{
    auto iv = torch::jit::toIValue(v);
    if (!iv || !iv->isIntList())
        return std::nullopt;
    return iv->toIntVector();
}

// Where a conv/linear reads its input, and how it computes: what adaroundLayer needs beside
// the tensors. Empty `point` with a `reason` when the layer cannot be taken.
struct LayerPlan {
    size_t op = 0;
    std::string name;
    std::string point;                 // the activation point its input is
    std::vector<int64_t> sampleShape;  // of one input sample, as the layer reads it
    LayerGeometry geometry;
    std::string reason;
};

LayerPlan planLayer(const ModelGraph& graph, size_t i)
{
    const detail::ModelGraphImpl& model = graph.impl();
    const auto& ops = model.summary.ops;
    LayerPlan p;
    p.op = i;
    p.name = ops[i].name;
    torch::jit::Node* node = model.opValues[i]->node();
    const std::string kind = node->kind().toQualString();
    if (kind == "aten::linear") {
        p.geometry.linear = true;
    } else if (kind == "aten::conv1d" || kind == "aten::conv2d" || kind == "aten::conv3d"
               || (kind == "aten::_convolution" && node->inputs().size() >= 9)) {
        // conv: (input, weight, bias, stride, padding, dilation, groups); _convolution:
        // (input, weight, bias, stride, padding, dilation, transposed, output_padding, groups, ...)
        const bool general = kind == "aten::_convolution";
        if (general) {
            auto transposed = torch::jit::toIValue(node->input(6));
            if (!transposed || !transposed->isBool() || transposed->toBool()) {
                p.reason = "AdaRound takes no transposed convolutions";
                return p;
            }
        }
        auto stride = intList(node->input(3)), padding = intList(node->input(4)), dilation = intList(node->input(5));
        auto groups = torch::jit::toIValue(node->input(general ? 8 : 6));
        if (!stride || !padding || !dilation || !groups || !groups->isInt()) {
            p.reason = "its padding or strides are not constant integers";
            return p;
        }
        p.geometry.stride = *stride;
        p.geometry.padding = *padding;
        p.geometry.dilation = *dilation;
        p.geometry.groups = groups->toInt();
    } else {
        p.reason = "AdaRound takes conv1d/2d/3d and linear ops, not " + kind;
        return p;
    }
    // The fused point after the layer: a ReLU there shapes the loss.
    if (!ops[i].fusedInto.empty())
        if (const OpInfo* fused = model.summary.find(ops[i].fusedInto))
            p.geometry.relu = fused->kind == "aten::relu" || fused->kind == "aten::relu_";

    const torch::jit::Value* input = node->input(0);
    for (size_t k = 0; k < ops.size(); ++k) {
        if (model.opValues[k] != input)
            continue;
        const OpInfo& op = ops[k];
        if (op.isActivationPoint())
            p.point = op.name;
        else if (op.passthrough && !op.sharesPointWith.empty())
            p.point = op.sharesPointWith;
        if (op.shape.size() >= 2)
            p.sampleShape.assign(op.shape.begin() + 1, op.shape.end());
        break;
    }
    if (p.point.empty())
        p.reason = "its input is no activation point";
    else if (p.sampleShape.empty())
        p.reason = "its input's shape is not known";
    return p;
}

} // namespace

AdaRoundModelResult runAdaRound(const CalibrationResult& calibration, const QuantPlan& plan,
                                const AdaRoundModelConfig& config, const ProgressCallback& progress)
{
    const auto started = std::chrono::steady_clock::now();
    if (config.batchSize < 1)
        throw CalibError("AdaRound", "the batch size must be at least 1");
    setComputeThreads(config.threads);
    ModelGraph graph(calibration.model.path, calibration.config.mode);
    const auto data = openDataset(config.data, progress);
    checkSampleShape(calibration.model.inputShape, data->sampleShape());
    std::vector<int64_t> inputShape = data->sampleShape();
    inputShape.insert(inputShape.begin(), 1);
    graph.inferShapes(inputShape);
    const int64_t all = (data->size() + config.batchSize - 1) / config.batchSize;
    const int64_t count = config.maxBatches < 0 ? all : std::min<int64_t>(all, config.maxBatches);
    std::vector<Batch> batches;
    {
        BatchPrefetcher prefetcher(*data, config.batchSize, count);
        while (auto b = prefetcher.next())
            batches.push_back(std::move(*b));
    }
    if (batches.empty())
        throw CalibError(config.data.path, "no batches for AdaRound");

    const auto& ops = graph.summary().ops;
    AdaRoundModelResult result;
    result.plan = plan;
    std::vector<LayerPlan> layers;
    for (size_t i = 0; i < ops.size(); ++i) {
        if (!ops[i].hasWeightPoint())
            continue;
        if (!plan.weights.count(ops[i].name)) {
            result.skipped.emplace_back(ops[i].name, "its weight is not quantized");
            continue;
        }
        LayerPlan layer = planLayer(graph, i);
        if (layer.point.empty())
            result.skipped.emplace_back(layer.name, layer.reason);
        else
            layers.push_back(std::move(layer));
    }

    // The float model with the plan's parameters (an equalized model's layers read its own
    // intermediate values), its weights as the layers' float weights.
    InstrumentedModel floatModel(graph, plan.parameters);
    std::map<std::string, WeightTensor> weights;
    for (WeightTensor& w : floatModel.weights(plan.foldBatchNorm))
        weights.emplace(w.opName, std::move(w));
    auto pointIndex = [](const std::vector<TapPoint>& points, const std::string& name) {
        for (size_t k = 0; k < points.size(); ++k)
            if (points[k].name == name)
                return int(k);
        return -1;
    };

    int done = 0;
    for (const LayerPlan& layer : layers) {
        ProgressCallback inner;
        if (progress)
            inner = [&](const ProgressInfo& p) {
                ProgressInfo outer = p;
                outer.done = int64_t(done) * config.layer.iterations + p.done;
                outer.total = int64_t(layers.size()) * config.layer.iterations;
                return progress(outer);
            };
        // This layer's inputs in the float model and in the quantized model with every layer
        // before it rounded as learnt.
        QuantizedModel quantModel(graph, result.plan);
        Capture floatInputs(pointIndex(floatModel.points(), layer.point));
        Capture quantInputs(pointIndex(quantModel.points(), layer.point));
        for (const Batch& b : batches) {
            floatModel.forward(b.data.data(), b.shape, floatInputs, TapMode::Observe);
            quantModel.forward(b.data.data(), b.shape, &quantInputs);
            if (progress && !progress(ProgressInfo{"AdaRound " + layer.name + ": caching inputs",
                                                   int64_t(done) * config.layer.iterations,
                                                   int64_t(layers.size()) * config.layer.iterations, 0.0, {}}))
                throw JobCancelled();
        }
        const WeightTensor& w = weights.at(layer.name);
        AdaRoundLayerInput in;
        in.name = layer.name;
        in.weight = w.data;
        in.weightShape = w.shape;
        in.bias = w.bias;
        in.geometry = layer.geometry;
        const int64_t n = floatInputs.shape.empty() ? 0 : floatInputs.shape[0];
        in.inputShape = {n};
        in.inputShape.insert(in.inputShape.end(), layer.sampleShape.begin(), layer.sampleShape.end());
        in.floatInputs = std::move(floatInputs.values);
        in.quantInputs = std::move(quantInputs.values);
        in.weightParams = plan.weights.at(layer.name);
        AdaRoundLayerResult r = adaroundLayer(in, config.layer, inner);
        LayerParameters& replaced = result.plan.parameters[layer.name];
        replaced.weightShape = w.shape;
        replaced.weight = r.weight;
        if (replaced.bias.empty())
            replaced.bias = w.bias;
        result.layers.emplace_back(layer.name, std::move(r));
        ++done;
    }
    for (const auto& [name, unused] : result.layers)
        result.parameters[name] = result.plan.parameters.at(name);
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

} // namespace cs
