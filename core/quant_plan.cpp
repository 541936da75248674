#include "core/quant_plan.h"

#include "core/observers/quant_math.h"

namespace cs {

FakeQuantParams fakeQuantParams(const obs::ObserverResult& result, const obs::QuantSpec& spec)
{
    FakeQuantParams q;
    q.scale = result.scale;
    q.zeroPoint = result.zeroPoint;
    const obs::QuantRange range = obs::quantRange(spec);
    q.quantMin = range.qmin;
    q.quantMax = range.qmax;
    q.chAxis = spec.perChannel() ? spec.chAxis : -1;
    return q;
}

namespace {

bool usable(const obs::ObserverResult& r)
{
    return !r.scale.empty() && r.scale.size() == r.zeroPoint.size();
}

// An observer without statistics (a point inside a branch no calibration batch took)
// reports the placeholder scale 1: such a point stays in float.
bool usableActivation(const obs::ObserverResult& r)
{
    return usable(r) && r.hasStatistics;
}

void addWeights(const CalibrationResult& result, QuantPlan& plan)
{
    for (const auto& w : result.weights)
        if (!w.config.keepFloat && usable(w.result))
            plan.weights[w.name] = fakeQuantParams(w.result, w.config.spec);
}

} // namespace

QuantPlan planFromCalibration(const CalibrationResult& result)
{
    QuantPlan plan;
    plan.foldBatchNorm = result.config.mode == PointMode::Deployment;
    plan.parameters = result.config.parameters;
    for (const auto& p : result.points)
        if (!p.config.keepFloat && usableActivation(p.result))
            plan.activations[p.name] = fakeQuantParams(p.result, p.config.spec);
    addWeights(result, plan);
    return plan;
}

QuantPlan planWithObserver(const CalibrationResult& result, const std::string& observer)
{
    QuantPlan plan = planFromCalibration(result);
    for (const auto& p : result.points) {
        auto it = p.compare.find(observer);
        if (it != p.compare.end() && usableActivation(it->second))
            plan.activations[p.name] = fakeQuantParams(it->second, p.config.spec);
    }
    return plan;
}

} // namespace cs
