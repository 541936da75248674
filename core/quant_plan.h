#pragma once
// What gets quantized how: the fake-quantization parameters of every activation point and
// every conv/linear weight, derived from a calibration (or edited, or imported).
#include "core/calibration.h"
#include "core/model/instrumented_model.h"

#include <map>
#include <string>

namespace cs {

struct QuantPlan {
    std::map<std::string, FakeQuantParams> activations; // by point name; absent = kept float
    std::map<std::string, FakeQuantParams> weights;     // by conv/linear op name; absent = float
    bool foldBatchNorm = true;                          // deployment mode: weights are BN-folded
    // Repaired float parameters (BN-folded when foldBatchNorm) that replace the ops' own
    // before their weights are fake-quantized.
    LayerParameterMap parameters;
};

// Scale/zero point and integer range of an observer result under `spec`.
FakeQuantParams fakeQuantParams(const obs::ObserverResult& result, const obs::QuantSpec& spec);

// Every point with its configured observer's result; keep-float points are left out.
QuantPlan planFromCalibration(const CalibrationResult& result);

// The same plan with `observer`'s result (from the compare pass) at every activation point
// that has one; points without it keep the configured result.
QuantPlan planWithObserver(const CalibrationResult& result, const std::string& observer);

} // namespace cs
