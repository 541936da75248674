#pragma once
// Convergence of the calibration: each point's configured observer replayed over the
// session's retained per-batch statistics (PointStatistics::batches), the clip range after
// 1, 2, ..., N batches, a seeded bootstrap over batches for the spread of the final scale,
// and a model-level verdict (enough data or not).
#include "core/calibration.h"
#include "core/stats/point_statistics.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cs {

struct ConvergenceOptions {
    double tolerance = 0.01;  // "settled": within this fraction of the final range
    int resamples = 30;       // bootstrap resamples (0 = none)
    uint64_t seed = 1;        // bootstrap draws
};

struct ConvergencePoint {
    std::string name;
    std::string observer;
    // False when the observer cannot be replayed from per-batch statistics (per-channel grid,
    // no batches, keep-float); `note` says why and nothing else below is filled in.
    bool replayed = false;
    std::string note;
    // The replay after N batches reproduces the session's range bit for bit. Observers that
    // need only each batch's min/max (min_max, clip, running_min_max, fixed_scale) always
    // do; the others see each batch as its |x| histogram (bin centres plus the exact min
    // and max), which percentile with 2048 bins reproduces and the rest approximate.
    bool exact = false;
    std::vector<float> clipMin;  // after 1..N batches
    std::vector<float> clipMax;
    std::vector<float> scale;
    // 1-based: the batch from which on the range stays within tolerance of the final range;
    // 0 when the point has no range to settle.
    int settledAfter = 0;
    // The range has stayed within tolerance over at least the last quarter of the batches
    // (and at least one batch).
    bool settled = false;
    // Bootstrap over batches (N drawn with replacement, `resamples` times): the final scale's
    // standard deviation and 5th/95th percentiles, relative to the session's scale, in %.
    bool hasBand = false;
    double scaleSpreadPct = 0;
    double scaleLowPct = 0;
    double scaleHighPct = 0;
};

struct ConvergenceReport {
    int batches = 0;
    int batchSize = 0;
    double tolerance = 0.01;
    int resamples = 0;
    uint64_t seed = 0;
    std::vector<ConvergencePoint> points;
    bool oneBatch = false;   // nothing to converge: the verdict says so, there is no band
    bool settled = false;    // every replayed point settled
    int settledAfter = 0;    // K: the latest settledAfter of the points (when settled)
    int unsettled = 0;       // P
    std::string verdict;     // "ranges settled after K batches (K*B images)" / "not settled at P points: add data"
};

// The observer of `config` fed the batches of `stats` in `order` (indices into
// stats.batches); one result per fed batch. Throws std::invalid_argument when the observer
// cannot be replayed (see ConvergencePoint::replayed).
std::vector<obs::ObserverResult> replayObserver(const PointStatistics& stats, const ObserverConfig& config,
                                                const std::vector<int>& order);

// Final scales of `resamples` bootstrap replays over the first `firstBatches` batches, each
// drawing that many batches with replacement (std::mt19937_64 seeded with `seed`).
std::vector<double> bootstrapScales(const PointStatistics& stats, const ObserverConfig& config, int firstBatches,
                                    int resamples, uint64_t seed);

ConvergenceReport analyzeConvergence(const CalibrationResult& result, const ConvergenceOptions& options = {});

std::string formatConvergenceTable(const ConvergenceReport& report);
std::string formatConvergenceCsv(const ConvergenceReport& report);
std::string formatConvergenceJson(const ConvergenceReport& report);

} // namespace cs
