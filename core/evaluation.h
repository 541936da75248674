#pragma once
// What a calibration does to the model: fake-quantized forward next to the float forward on
// validation batches; per-point error (local and accumulated), end-to-end accuracy,
// observer accuracy table, per-point sensitivity, automatic plan, NaN/Inf events.
#include "core/calibration.h"
#include "core/dataset/dataset_spec.h"
#include "core/stats/metrics.h"
#include "core/progress.h"

#include <map>
#include <string>
#include <vector>

namespace cs {

struct EvaluationConfig {
    DatasetSpec data;                   // validation data; labels optional
    int batchSize = 64;
    int maxBatches = -1;                // -1 = the whole set
    int threads = 0;
    // Accuracy-table rows besides float, the user's plan and the automatic plan: observers
    // whose compare results the calibration holds. Empty = every observer it holds.
    std::vector<std::string> observers;
    bool accuracyTable = true;
    bool sensitivity = true;
    bool sensitivityAllButOne = false;  // also: everything quantized except that point
    bool autoPlan = true;
    // Only the float pass: every point's local error (and the automatic plan's candidates)
    // with the float outputs; no quantized forward, so no accumulated error, no plan row, no
    // accuracy table and no sensitivity. Half the work: what the GUI measures after a clip edit.
    bool localErrorsOnly = false;
};

// Local: only this point's output quantized, its input float (weights stay float).
// Accumulated: everything of the plan quantized up to and including this point.
struct PointEvaluation {
    std::string name;
    PointMetrics local;
    PointMetrics accumulated;
};

struct AccuracyRow {
    std::string label;     // "float", "plan", "auto", or an observer name
    OutputMetrics metrics;
};

struct SensitivityEntry {
    std::string point;
    OutputMetrics onlyThis;     // only this point (and its weights) quantized
    OutputMetrics allButThis;   // with sensitivityAllButOne
    double drop = 0;            // float metric - onlyThis metric (top-1 with labels, else SQNR based)
};

struct AutoChoice {
    std::string point;
    std::string observer;
    double localL2 = 0;
    std::map<std::string, double> candidates; // observer → local L2 on the validation data
    std::string reason;
};

struct NonFiniteEvent {
    std::string point;
    std::string pass;   // "float" or "quantized"
    int batch = 0;
    int64_t count = 0;
};

// One cell of the percentile × bins sweep: every point with the Horizon percentile observer
// at these parameters.
struct SweepRow {
    double percentile = 0;
    int bins = 0;
    OutputMetrics metrics;
};

struct EvaluationResult {
    bool hasLabels = false;
    int64_t images = 0;
    int batches = 0;
    double seconds = 0;
    OutputMetrics floatMetrics;
    OutputMetrics planMetrics;
    std::vector<PointEvaluation> points;
    std::vector<AccuracyRow> accuracy;        // float first, then plan, auto, observers
    std::vector<SensitivityEntry> sensitivity; // ranked, most sensitive first
    std::vector<AutoChoice> autoPlan;
    std::vector<NonFiniteEvent> nonFinite;
    std::vector<SweepRow> sweep;             // filled by the caller of runSweep, for reports
    std::vector<std::string> warnings;
    // What was evaluated: the validation data, and every point's configuration at the time
    // (so a view can tell that the plan changed since).
    DatasetSpec data;
    int maxBatches = -1;
    std::map<std::string, ObserverConfig> planConfigs;

    const PointEvaluation* point(const std::string& name) const;
    const AccuracyRow* row(const std::string& label) const;
};

// Throws CalibError on bad input and JobCancelled when `progress` returns false.
EvaluationResult runEvaluation(const CalibrationResult& calibration, const EvaluationConfig& config,
                               const ProgressCallback& progress = {});

// The tuning path users walk by hand, as one job: for each `bins` one statistics pass (the
// only thing that needs the data again), for each percentile an instant retune, then one
// accuracy pass per cell. Rows sorted best first (top-1 with labels, else output SQNR).
std::vector<SweepRow> runSweep(const CalibrationConfig& calibration, const EvaluationConfig& evaluation,
                               const std::vector<double>& percentiles, const std::vector<int>& bins,
                               const ProgressCallback& progress = {});

// True when `calibration` holds an evaluation and that evaluation describes its current plan
// (EvaluationResult::planConfigs equal the points' configurations, keep-float included).
bool evaluationIsCurrent(const CalibrationResult& calibration);

// The automatic plan's configurations, ready for applyPointConfig / overrides.
std::map<std::string, ObserverConfig> autoPlanConfigs(const CalibrationResult& calibration,
                                                     const EvaluationResult& evaluation);

} // namespace cs
