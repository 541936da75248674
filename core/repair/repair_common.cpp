#include "core/repair/repair_p.h"

#include "core/dataset/dataset_source.h"
#include "core/errors.h"
#include "core/model/graph_rewrite_p.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace cs::repair {

LoadedModel loadModel(const CalibrationConfig& config, bool withBatches, const ProgressCallback& progress)
{
    LoadedModel m;
    m.graph = std::make_unique<ModelGraph>(config.modelPath, config.mode);
    if (!withBatches) // the parameters and the graph's structure need no shapes
        return m;
    std::vector<int64_t> inputShape = m.graph->metadataInputShape();
    const std::unique_ptr<DatasetSource> dataset = openDataset(config.data, progress);
    checkSampleShape(inputShape, dataset->sampleShape());
    inputShape = dataset->sampleShape();
    inputShape.insert(inputShape.begin(), 1);
    m.graph->inferShapes(inputShape);
    const int64_t all = (dataset->size() + config.batchSize - 1) / config.batchSize;
    const int64_t total = config.numBatches < 0 ? all : std::min<int64_t>(all, config.numBatches);
    BatchPrefetcher prefetcher(*dataset, config.batchSize, total);
    while (auto batch = prefetcher.next()) {
        m.batches.push_back(std::move(*batch));
        if (progress && !progress(ProgressInfo{"reading calibration data", int64_t(m.batches.size()), total, 0, {}})) {
            prefetcher.cancel();
            throw JobCancelled();
        }
    }
    if (m.batches.empty())
        throw CalibError(config.data.path, "no calibration batches to repair with");
    return m;
}

std::vector<WeightTensor> effectiveLayers(const ModelGraph& graph, const LayerParameterMap& parameters)
{
    InstrumentedModel model(graph, parameters);
    std::vector<WeightTensor> layers = model.weights(graph.pointMode() == PointMode::Deployment);
    for (auto& w : layers)
        if (w.bias.empty())
            w.bias.assign(size_t(w.shape.at(0)), 0.0f);
    return layers;
}

int64_t convGroups(const ModelGraph& graph, size_t opIndex)
{
    const torch::jit::Node* node = graph.impl().opValues.at(opIndex)->node();
    const std::string kind = node->kind().toQualString();
    if (kind == "aten::linear")
        return 1;
    size_t index = 6;
    if (kind == "aten::_convolution" || kind == "aten::convolution") {
        const auto transposed = torch::jit::toIValue(node->input(6));
        if (!transposed || !transposed->isBool() || transposed->toBool())
            return -1;
        index = 8;
    }
    if (node->inputs().size() <= index)
        return -1;
    const auto groups = torch::jit::toIValue(node->input(index));
    return groups && groups->isInt() ? groups->toInt() : -1;
}

bool isDepthwise(const ModelGraph& graph, const WeightTensor& layer)
{
    const int64_t groups = convGroups(graph, size_t(layer.opIndex));
    return groups > 1 && layer.shape.size() > 2 && groups == layer.shape[0] && layer.shape[1] == 1;
}

bool isLinear(const ModelSummary& model, int opIndex)
{
    return model.ops.at(size_t(opIndex)).kind == "aten::linear";
}

LayerMeans::LayerMeans(size_t firstLayerPoint, std::vector<bool> linear)
    : m_first(firstLayerPoint), m_linear(std::move(linear)), m_sum(m_linear.size()), m_count(m_linear.size(), 0),
      m_nonFinite(m_linear.size(), false)
{
}

void LayerMeans::observe(int point, const obs::TensorView& x)
{
    if (size_t(point) < m_first)
        return;
    const size_t layer = size_t(point) - m_first;
    const auto& shape = x.shape;
    if (shape.size() < 2)
        return;
    const bool linear = m_linear[layer];
    const int64_t channels = linear ? shape.back() : shape[1];
    int64_t outer = shape[0], inner = 1;
    if (linear) {
        for (size_t d = 1; d + 1 < shape.size(); ++d)
            outer *= shape[d];
    } else {
        for (size_t d = 2; d < shape.size(); ++d)
            inner *= shape[d];
    }
    std::vector<double>& sum = m_sum[layer];
    if (sum.empty())
        sum.assign(size_t(channels), 0.0);
    if (int64_t(sum.size()) != channels)
        return;
    const float* p = x.data;
    for (int64_t o = 0; o < outer; ++o)
        for (int64_t c = 0; c < channels; ++c) {
            double s = 0;
            for (int64_t i = 0; i < inner; ++i) {
                const float v = linear ? p[o * channels + c] : p[(o * channels + c) * inner + i];
                if (!std::isfinite(v))
                    m_nonFinite[layer] = true;
                s += v;
            }
            sum[size_t(c)] += s;
        }
    m_count[layer] += outer * inner;
}

std::vector<double> LayerMeans::mean(size_t layer) const
{
    std::vector<double> m = m_sum[layer];
    for (double& v : m)
        v /= double(std::max<int64_t>(1, m_count[layer]));
    return m;
}

void LayerMeans::clear()
{
    for (auto& s : m_sum)
        s.clear();
    std::fill(m_count.begin(), m_count.end(), 0);
    std::fill(m_nonFinite.begin(), m_nonFinite.end(), false);
}

void checkFinite(const std::string& repair, const std::string& op, const std::vector<float>& values)
{
    for (float v : values)
        if (!std::isfinite(v))
            throw CalibError(repair, "point " + op + " got a non-finite parameter (NaN or Inf); nothing was changed");
}

void report(const ProgressCallback& progress, const std::string& stage, int64_t done, int64_t total,
            const std::string& message)
{
    if (progress && !progress(ProgressInfo{stage, done, total, 0, message}))
        throw JobCancelled();
}

std::string formatNumber(double v)
{
    std::ostringstream os;
    os.precision(6);
    os << v;
    return os.str();
}

} // namespace cs::repair
