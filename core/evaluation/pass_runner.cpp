#include "core/evaluation/stages_p.h"

#include "core/dataset/batch_prefetcher.h"
#include "core/errors.h"
#include "core/model/instrumented_model.h"
#include "core/model/quantized_model.h"

#include <algorithm>

namespace cs::evaluation {

PassRunner::PassRunner(const std::string& modelPath, PointMode mode, std::vector<int64_t> calibratedShape,
                       const EvaluationConfig& cfg, const ProgressCallback& p)
    : config(cfg), progress(p), graph(modelPath, mode), m_calibratedShape(std::move(calibratedShape))
{
}

void PassRunner::openData()
{
    data = openDataset(config.data, progress);
    checkSampleShape(m_calibratedShape, data->sampleShape());
    std::vector<int64_t> inputShape = data->sampleShape();
    inputShape.insert(inputShape.begin(), 1);
    graph.inferShapes(inputShape);
    const int64_t all = (data->size() + config.batchSize - 1) / config.batchSize;
    batches = config.maxBatches < 0 ? all : std::min<int64_t>(all, config.maxBatches);
}

void PassRunner::computeReference()
{
    InstrumentedModel model(graph);
    struct None final : TapHandler {
        void observe(int, const obs::TensorView&) override {}
    } none;
    BatchPrefetcher prefetcher(*data, config.batchSize, batches);
    int64_t done = 0;
    while (auto batch = prefetcher.next()) {
        const BatchOutput out = model.forward(batch->data.data(), batch->shape, none, TapMode::Float);
        reference.push_back(ReferenceBatch{out.data, batch->labels, batch->shape.empty() ? 0 : batch->shape.front()});
        report("float reference", ++done, batches);
    }
}

void PassRunner::report(const std::string& stage, int64_t done, int64_t total) const
{
    if (progress && !progress(ProgressInfo{stage, done, total, 0.0, {}}))
        throw JobCancelled();
}

OutputMetrics PassRunner::outputsOf(const QuantPlan& plan, const std::string& stage, int64_t& done, int64_t total)
{
    QuantizedModel model(graph, plan);
    return outputsOf(model, stage, done, total);
}

OutputMetrics PassRunner::outputsOf(QuantizedModel& model, const std::string& stage, int64_t& done, int64_t total)
{
    OutputAccumulator acc;
    BatchPrefetcher prefetcher(*data, config.batchSize, batches);
    while (auto batch = prefetcher.next()) {
        const BatchOutput out = model.forward(batch->data.data(), batch->shape);
        const ReferenceBatch& ref = reference.at(size_t(batch->index));
        acc.add(out.data, ref.logits, ref.n, ref.labels);
        report(stage, ++done, total);
    }
    return acc.result();
}

} // namespace cs::evaluation
