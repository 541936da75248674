#include "widgets/observer_estimates.h"

#include "widgets/point_table_model.h"

namespace cs::ui {

namespace {

ObserverEstimate makeEstimate(const PointCalibration& point, const std::string& name, const obs::ObserverResult& r)
{
    ObserverEstimate e;
    e.observer = QString::fromStdString(name);
    e.hasRange = !r.min.empty() && !r.max.empty() && r.hasStatistics;
    if (e.hasRange) {
        e.low = r.min.front();
        e.high = r.max.front();
    }
    e.hasQParams = !r.scale.empty() && !r.zeroPoint.empty() && r.hasStatistics;
    if (e.hasQParams) {
        e.scale = r.scale.front();
        e.zeroPoint = r.zeroPoint.front();
    }
    e.hasEstimate = estimateObserverError(point, r, e.estimate);
    return e;
}

bool sameQuantizer(const obs::ObserverResult& a, const obs::ObserverResult& b)
{
    return a.hasStatistics == b.hasStatistics && a.scale == b.scale && a.zeroPoint == b.zeroPoint && a.min == b.min
           && a.max == b.max;
}

} // namespace

bool estimateObserverError(const PointCalibration& point, const obs::ObserverResult& result, ErrorEstimate& out)
{
    float low = 0, high = 0;
    if (point.stats.histogram.counts.empty() || !quantizerRange(result, point.config.spec, low, high))
        return false;
    out = estimateQuantError(point.stats.histogram, low, high, point.config.spec);
    return true;
}

std::vector<ObserverEstimate> observerEstimates(const PointCalibration& point)
{
    std::vector<ObserverEstimate> rows;
    ObserverEstimate configured = makeEstimate(point, point.config.name, point.result);
    configured.configured = true;
    configured.keepFloat = point.config.keepFloat;
    if (configured.keepFloat)
        configured.hasEstimate = false;
    rows.push_back(configured);

    int drawn = 0; // HistogramView::addCompareLines skips results it cannot draw; so do we
    for (const auto& [name, result] : point.compare) {
        const bool drawable = !result.min.empty() && !result.max.empty() && result.hasStatistics;
        const int index = drawable ? drawn++ : -1;
        if (!point.config.keepFloat && name == point.config.name && sameQuantizer(result, point.result)) {
            rows.front().compareIndex = index;
            continue;
        }
        ObserverEstimate e = makeEstimate(point, name, result);
        e.compareIndex = index;
        rows.push_back(e);
    }
    return rows;
}

int bestEstimate(const std::vector<ObserverEstimate>& estimates)
{
    int best = -1;
    for (size_t i = 0; i < estimates.size(); ++i) {
        const ObserverEstimate& e = estimates[i];
        if (e.hasEstimate && (best < 0 || e.estimate.l2 < estimates[size_t(best)].estimate.l2))
            best = int(i);
    }
    return best;
}

} // namespace cs::ui
