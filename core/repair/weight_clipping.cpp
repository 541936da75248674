// TI's outlier-weight clipping (jacinto-ai devkit, docs/Calibration.md): a weight whose
// largest magnitude is far above its typical one wastes the per-tensor grid on a few values.
#include "core/repair/repair.h"

#include "core/repair/repair_p.h"

#include <algorithm>
#include <cmath>

namespace cs {

RepairRecord clipWeights(const RepairContext& context, LayerParameterMap& parameters, const WeightClippingOptions& options)
{
    RepairRecord record;
    record.name = "weight_clipping";
    record.params["threshold"] = repair::formatNumber(options.threshold);
    record.params["ratio"] = repair::formatNumber(options.ratio);
    repair::LoadedModel loaded = repair::loadModel(context.config, false, context.progress);
    const std::vector<WeightTensor> layers = repair::effectiveLayers(*loaded.graph, parameters);
    if (layers.empty())
        record.notes.push_back("no conv/linear op: nothing to clip");
    LayerParameterMap working = parameters;
    int clipped = 0;
    for (size_t l = 0; l < layers.size(); ++l) {
        repair::report(context.progress, "weight clipping", int64_t(l), int64_t(layers.size()), layers[l].opName);
        const WeightTensor& w = layers[l];
        repair::checkFinite("weight clipping", w.opName, w.data);
        if (w.data.empty())
            continue;
        std::vector<float> magnitude(w.data.size());
        std::transform(w.data.begin(), w.data.end(), magnitude.begin(), [](float v) { return std::abs(v); });
        const double maxAbs = *std::max_element(magnitude.begin(), magnitude.end());
        // torch.median's: the lower of the two middle values for an even count.
        auto middle = magnitude.begin() + std::ptrdiff_t((magnitude.size() - 1) / 2);
        std::nth_element(magnitude.begin(), middle, magnitude.end());
        const double median = *middle;
        if (!(maxAbs > options.threshold && maxAbs > options.ratio * median))
            continue;
        const double limit = std::min(maxAbs, options.ratio * median);
        const double clip = 0.9375 * std::pow(2.0, std::ceil(std::log2(limit)));
        if (!(clip > 0) || clip >= maxAbs)
            continue;
        std::vector<float> weight = w.data;
        int64_t count = 0;
        for (float& v : weight)
            if (std::abs(v) > clip) {
                v = float(std::clamp(double(v), -clip, clip));
                ++count;
            }
        LayerParameters& p = working[w.opName];
        p.weightShape = w.shape;
        p.weight = std::move(weight);
        ++clipped;
        record.notes.push_back(w.opName + ": max|W| " + repair::formatNumber(maxAbs) + ", median|W| "
                               + repair::formatNumber(median) + ": " + std::to_string(count) + " values clipped to +-"
                               + repair::formatNumber(clip));
    }
    if (!layers.empty() && clipped == 0)
        record.notes.push_back("no weight met the clipping rule (max|W| > " + repair::formatNumber(options.threshold)
                               + " and > " + repair::formatNumber(options.ratio) + " x median|W|)");
    parameters = std::move(working);
    return record;
}

} // namespace cs
