#pragma once
#include "core/calibration.h"
#include "core/stats/histogram_error.h"

#include <QString>

#include <vector>

namespace cs::ui {

// One observer's quantizer on one point, with the error estimated from the point's
// accumulated histogram the same way PointTableModel does for the configured observer, so
// the compare table, the heat map and the point table agree on every number.
struct ObserverEstimate {
    QString observer;          // registry name
    bool configured = false;   // the observer the plan uses for this point (its own result)
    bool keepFloat = false;    // configured row of a point kept in float: nothing to estimate
    int compareIndex = -1;     // position among the compare lines HistogramView draws, -1 = none
    bool hasRange = false;
    double low = 0, high = 0;  // the observer's clip range
    bool hasQParams = false;
    double scale = 0;
    qint64 zeroPoint = 0;
    bool hasEstimate = false;
    ErrorEstimate estimate;
};

// The error of `result` (any observer's) on the point's grid: estimateQuantError over the
// range whose qparams are exactly the result's scale and zero point. False when the point has
// no histogram or the result no statistics.
bool estimateObserverError(const PointCalibration& point, const obs::ObserverResult& result, ErrorEstimate& out);

// Every observer of a point: the configured one first (merged with its compare twin when both
// gave the same quantizer), then each compare observer by name.
std::vector<ObserverEstimate> observerEstimates(const PointCalibration& point);

// The index of the lowest estimated L2 among `estimates`, -1 when none has an estimate. Ties go
// to the first (the configured observer), so "Use this" is not offered for an equal one.
int bestEstimate(const std::vector<ObserverEstimate>& estimates);

} // namespace cs::ui
