// ti-advanced-dw's bound on per-channel depthwise weight scales. TI's get_clips_scale_w (the
// jacinto-ai devkit's quant_train_module.py) works with the inverse of a scale, width / clip,
// and caps each channel's at 256 times the whole tensor's, "to restrict the weight scale
// factor of a channel from becoming extremely large": a channel of near-zero weights would
// otherwise get a grid hundreds of times finer than its neighbours'. In calibscope's terms
// (scale = the grid's step) that is a floor: no channel's step below the per-tensor min_max
// step of the same weight divided by 256.
#include "core/repair/repair.h"

#include "core/model/model_graph.h"
#include "core/observers/quant_math.h"
#include "core/repair/repair_p.h"

#include <algorithm>
#include <limits>

namespace cs {

RepairRecord capDepthwiseScales(CalibrationResult& calibration, double ratio)
{
    RepairRecord record;
    record.name = "depthwise_scale_floor";
    record.params["ratio"] = repair::formatNumber(ratio);
    const ModelGraph graph(calibration.config.modelPath, calibration.config.mode);
    int capped = 0;
    for (WeightCalibration& w : calibration.weights) {
        const obs::QuantSpec& spec = w.config.spec;
        if (!spec.perChannel() || spec.chAxis != 0 || w.opIndex < 0 || w.shape.size() < 3)
            continue;
        const int64_t groups = repair::convGroups(graph, size_t(w.opIndex));
        if (groups <= 1 || groups != w.shape[0] || w.shape[1] != 1)
            continue; // not depthwise
        if (w.folded.min.empty() || w.result.scale.size() != w.folded.min.size())
            continue;
        const float lo = *std::min_element(w.folded.min.begin(), w.folded.min.end());
        const float hi = *std::max_element(w.folded.max.begin(), w.folded.max.end());
        obs::QuantSpec tensor = spec;
        tensor.qscheme = spec.symmetric() ? obs::QScheme::PerTensorSymmetric : obs::QScheme::PerTensorAffine;
        tensor.chAxis = -1;
        float tensorScale = 1.0f;
        int64_t zp = 0;
        obs::calculateQParams(lo, hi, tensor, tensorScale, zp);
        const float floor = float(double(tensorScale) / ratio);
        std::vector<size_t> raised;
        for (size_t c = 0; c < w.result.scale.size(); ++c)
            if (w.result.scale[c] < floor) {
                w.result.scale[c] = floor;
                raised.push_back(c);
            }
        if (raised.empty())
            continue;
        ++capped;
        std::string channels;
        for (size_t c : raised)
            channels += (channels.empty() ? "" : ", ") + std::to_string(c);
        record.notes.push_back(w.name + ": channel(s) " + channels + " raised to scale " + repair::formatNumber(floor)
                               + " (per-tensor scale " + repair::formatNumber(tensorScale) + " / "
                               + repair::formatNumber(ratio) + ")");
    }
    if (capped == 0)
        record.notes.push_back("no per-channel depthwise weight had a channel below the floor");
    return record;
}

} // namespace cs
