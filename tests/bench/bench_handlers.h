#pragma once
// Tap handlers of bench_calibration: nothing, what CalibrationHandler does, and every
// observer timed separately (thread CPU time) for the per-observer cost table and the
// issue 4 search/retune figures on real activations.
#include "core/model/instrumented_model.h"
#include "core/observers/observer.h"
#include "core/stats/point_statistics.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bench {

struct NullHandler final : cs::TapHandler {
    double elements = 0;
    void observe(int, const cs::obs::TensorView& x) override { elements += double(x.numel()); }
};

// PointStatisticsCollector per point, plus the default min_max observer when asked.
struct StatsHandler final : cs::TapHandler {
    std::vector<cs::PointStatisticsCollector> stats;
    std::vector<std::unique_ptr<cs::obs::Observer>> observers;
    StatsHandler(size_t points, int bins, bool withMinMax);
    void observe(int point, const cs::obs::TensorView& x) override;
};

// Statistics and every registry observer (defaults, qint8 per-tensor symmetric) plus kl with
// 2048 bins, each timed in thread CPU time: what a loaded machine cannot inflate much.
struct ProfilingHandler final : cs::TapHandler {
    std::vector<cs::PointStatisticsCollector> stats;
    std::map<std::string, std::vector<std::unique_ptr<cs::obs::Observer>>> observers;
    std::map<std::string, double> seconds; // per component, all batches
    double elements = 0;
    ProfilingHandler(size_t points, int bins);
    void observe(int point, const cs::obs::TensorView& x) override;
};

// Issue 4 figures from a ProfilingHandler that has seen the batches.
struct SearchFigures {
    double percentileRetuneAllPointsMs = 0; // retune + result() of every point's percentile
    double histEntropyMaxMs = 0, histEntropyMeanMs = 0; // one search per point
    double kl2048MaxMs = 0, kl2048MeanMs = 0;           // one interval's search per point
    int bins = 0;                                       // largest hist_entropy histogram
};
SearchFigures measureSearches(ProfilingHandler& h, int batches);

} // namespace bench
