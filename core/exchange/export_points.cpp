#include "core/exchange/export_points_p.h"

namespace cs {

ExportPoints::ExportPoints(const CalibrationResult& r)
{
    for (const PointCalibration& p : r.points)
        points[p.name] = &p;
    for (const WeightCalibration& w : r.weights)
        weights[w.name] = &w;
    // Graph order: the first op fused into a point is the head of its chain.
    for (const OpInfo& op : r.model.ops)
        if (!op.fusedInto.empty() && !heads.count(op.fusedInto))
            heads[op.fusedInto] = op.name;
}

const PointCalibration* ExportPoints::activation(const std::string& opName) const
{
    auto it = points.find(opName);
    return it == points.end() ? nullptr : it->second;
}

const WeightCalibration* ExportPoints::weight(const std::string& opName) const
{
    auto it = weights.find(opName);
    return it == weights.end() ? nullptr : it->second;
}

namespace {

// A point without statistics (inside a branch no calibration batch took) stays in float, as
// in the quantized model.
bool quantizedPoint(const PointCalibration& p) { return !p.config.keepFloat && p.result.hasStatistics; }

} // namespace

bool ExportPoints::quantized(const OpInfo& op) const
{
    const PointCalibration* act = activation(op.name);
    const WeightCalibration* w = weight(op.name);
    if (act || w)
        return (act && quantizedPoint(*act)) || (w && !w->config.keepFloat);
    const std::string& owner = !op.fusedInto.empty() ? op.fusedInto : op.sharesPointWith;
    const PointCalibration* shared = owner.empty() ? nullptr : activation(owner);
    return !shared || quantizedPoint(*shared);
}

std::string ExportPoints::owningModule(const std::string& pointName) const
{
    auto it = heads.find(pointName);
    return it == heads.end() ? pointName : it->second;
}

} // namespace cs
