#include "core/exchange/checkpoint.h"

#include "core/exchange/export_points_p.h"

namespace cs {
namespace {

void addPoint(std::vector<CheckpointTensor>& out, const std::string& prefix, const obs::ObserverResult& r, bool perChannel)
{
    const std::vector<int64_t> channelShape{static_cast<int64_t>(r.scale.size())};
    CheckpointTensor scale{prefix + ".scale", channelShape, r.scale, {}, false};
    CheckpointTensor zeroPoint{prefix + ".zero_point", channelShape, {}, {}, true};
    for (const int64_t z : r.zeroPoint)
        zeroPoint.ints.push_back(static_cast<int32_t>(z));
    out.push_back(std::move(scale));
    out.push_back(std::move(zeroPoint));
    if (r.min.empty() || r.min.size() != r.max.size())
        return;
    // Like PyTorch's observers: per-tensor min/max are 0-d, per-channel ones one per channel.
    const std::vector<int64_t> rangeShape =
        perChannel ? std::vector<int64_t>{static_cast<int64_t>(r.min.size())} : std::vector<int64_t>{};
    out.push_back({prefix + ".activation_post_process.min_val", rangeShape, r.min, {}, false});
    out.push_back({prefix + ".activation_post_process.max_val", rangeShape, r.max, {}, false});
    if (perChannel) {
        // A plain dict has no state-dict version metadata, so PyTorch's per-channel observers
        // take the legacy path: they size their (empty) buffers from "min_vals"/"max_vals"
        // and then copy "min_val"/"max_val". Without these the load fails on the shapes.
        out.push_back({prefix + ".activation_post_process.min_vals", rangeShape, r.min, {}, false});
        out.push_back({prefix + ".activation_post_process.max_vals", rangeShape, r.max, {}, false});
    }
}

} // namespace

std::vector<CheckpointTensor> checkpointTensors(const CalibrationResult& result)
{
    const ExportPoints points(result);
    std::vector<CheckpointTensor> out;
    for (const OpInfo& op : result.model.ops) {
        if (const PointCalibration* p = points.activation(op.name); p && !p->config.keepFloat)
            addPoint(out, points.owningModule(p->name) + ".activation_post_process", p->result,
                     p->config.spec.perChannel());
        if (const WeightCalibration* w = points.weight(op.name); w && !w->config.keepFloat)
            addPoint(out, w->name + ".weight_fake_quant", w->result, w->config.spec.perChannel());
    }
    return out;
}

} // namespace cs
