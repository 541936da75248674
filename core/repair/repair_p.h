#pragma once
// Internal to core/repair: what the repairs share (the calibration batches held in memory,
// each conv/linear layer's effective parameters, per-channel output means).
#include "core/calibration.h"
#include "core/dataset/batch_prefetcher.h"
#include "core/model/instrumented_model.h"
#include "core/model/model_graph.h"

#include <memory>
#include <string>
#include <vector>

namespace cs::repair {

// The model of `config`, its input shape inferred from the data.
struct LoadedModel {
    std::unique_ptr<ModelGraph> graph;
    std::vector<Batch> batches; // the calibration batches (empty unless loaded)
};
LoadedModel loadModel(const CalibrationConfig& config, bool withBatches, const ProgressCallback& progress);

// Every conv/linear op's weight and bias as the backend sees them with `parameters` in place
// (BN-folded in deployment mode); a missing bias is zeros.
std::vector<WeightTensor> effectiveLayers(const ModelGraph& graph, const LayerParameterMap& parameters);

// Groups of conv op `opIndex` (1 for a linear); -1 when unknown or a transposed conv.
int64_t convGroups(const ModelGraph& graph, size_t opIndex);
// A depthwise conv: as many groups as output channels, one input channel per group.
bool isDepthwise(const ModelGraph& graph, const WeightTensor& layer);

// Channel axis of a layer's output: 1 for a conv, the last for a linear.
bool isLinear(const ModelSummary& model, int opIndex);

// Sums per output channel of every tapped layer output, over all batches seen.
class LayerMeans final : public TapHandler {
public:
    LayerMeans(size_t firstLayerPoint, std::vector<bool> linear);
    void observe(int point, const obs::TensorView& x) override;
    std::vector<double> mean(size_t layer) const;
    void clear();
    bool nonFinite(size_t layer) const { return m_nonFinite[layer]; }

private:
    size_t m_first;
    std::vector<bool> m_linear;
    std::vector<std::vector<double>> m_sum;
    std::vector<int64_t> m_count;
    std::vector<bool> m_nonFinite;
};

// Throws CalibError naming the op when a value is NaN or Inf.
void checkFinite(const std::string& repair, const std::string& op, const std::vector<float>& values);

// Reports progress; throws JobCancelled when the callback says stop.
void report(const ProgressCallback& progress, const std::string& stage, int64_t done, int64_t total,
            const std::string& message = {});

std::string formatNumber(double v);

} // namespace cs::repair
