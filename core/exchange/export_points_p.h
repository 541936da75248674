#pragma once
// Internal to core/exchange: a calibration result seen op by op, as every export lists it.
#include "core/calibration.h"
#include "core/exchange/unfolded_repairs.h"
#include "core/observers/observer.h"

#include <map>
#include <string>

namespace cs {

class ExportPoints {
public:
    explicit ExportPoints(const CalibrationResult& result);

    // The op's own quantization points (nullptr when it has none).
    const PointCalibration* activation(const std::string& opName) const;
    const WeightCalibration* weight(const std::string& opName) const;

    // FORMATS.md "quantize": false when every point the op owns is kept in float; an op
    // without points of its own (fused, passthrough) shows the point it belongs to.
    bool quantized(const OpInfo& op) const;

    // The module that owns activation point `pointName` in an eager-mode QAT model: the
    // head of a fused conv/linear [+bn] [+relu] chain (fuse_modules puts the fused module
    // there), else the point's own op name.
    std::string owningModule(const std::string& pointName) const;

private:
    std::map<std::string, const PointCalibration*> points;
    std::map<std::string, const WeightCalibration*> weights;
    std::map<std::string, std::string> heads;
};

// The weight observer's result on the conv's own weight, without the folded batch norm
// (with_bn's weight fake quantization). Throws CalibError when the observer needs more than
// the per-channel range the session keeps of that weight. A repaired op's conv weight is
// `repaired`'s when given; the observer then sees all of it.
obs::ObserverResult unfoldedWeightResult(const WeightCalibration& w, const UnfoldedRepair* repaired = nullptr);

} // namespace cs
