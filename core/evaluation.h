#pragma once
// What a calibration does to the model: fake-quantized forward next to the float forward on
// validation batches; per-point error (local and accumulated), end-to-end accuracy,
// observer accuracy table, per-point sensitivity, automatic plan, NaN/Inf events.
#include "core/calibration.h"
#include "core/dataset/dataset_spec.h"
#include "core/quant_plan.h"
#include "core/stats/metrics.h"
#include "core/progress.h"

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cs {

struct EvaluationResult;

// The stages of an evaluation, in the order they finish.
enum class EvaluationStage {
    MainPass,      // float and plan metrics, per-point errors, NaN/Inf events; accuracy rows float, plan
    AutoPlan,      // the automatic plan's choices
    AccuracyTable, // the accuracy rows auto and the observers
    Sensitivity,   // the per-point sensitivity, ranked
};

// Called on the evaluating thread as each stage finishes, with everything known so far (the
// later stages' fields still empty), so that a view can show the accuracy while the
// sensitivity passes still run.
using EvaluationStageCallback = std::function<void(EvaluationStage stage, const EvaluationResult& sofar)>;

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
    EvaluationStageCallback onStage; // optional
};

// Where the evaluation bins a point's float values on the validation data for the coverage
// of the validation data (core/analysis/coverage.h): the grid of the point's calibration
// histogram, and the clip range the calibration chose.
struct CoverageGrid {
    double lo = 0;
    double hi = 0;
    int bins = 0;
    float clipMin = 0;
    float clipMax = 0;
};

// One point's float values on the validation data on its CoverageGrid: `counts` bins on
// [lo, hi] binned as the calibration histogram bins; finite values below lo or above hi are
// counted apart, and so are (exactly) those below clipMin or above clipMax.
struct ValidationHistogram {
    std::string name;
    CoverageGrid grid;
    std::vector<double> counts;
    int64_t below = 0;
    int64_t above = 0;
    int64_t count = 0;        // finite values
    int64_t belowClip = 0;
    int64_t aboveClip = 0;
};

// What an evaluation needs of a calibration, and no more: the model, the plan, the automatic
// plan's candidates and the observer rows (no statistics or histograms). Cheap to take on the
// GUI thread and hand to a worker.
struct EvaluationInput {
    std::string modelPath;
    std::string modelSha256;          // of the calibrated model: a changed file gets a warning
    std::vector<int64_t> inputShape;  // of one sample, as calibrated
    PointMode mode = PointMode::Deployment;
    QuantPlan plan;                   // the user's plan
    std::map<std::string, ObserverConfig> planConfigs; // every point's configuration
    // Automatic-plan candidates: point → compare observer → its parameters on the point's grid.
    std::map<std::string, std::map<std::string, FakeQuantParams>> candidates;
    // Accuracy-table rows besides float, plan and auto: observer → its plan.
    std::vector<std::pair<std::string, QuantPlan>> observerPlans;
    std::vector<std::string> warnings; // asked-for observers the calibration lacks
    std::map<std::string, CoverageGrid> coverage; // points with a calibration histogram
};

// The input `config` asks of `calibration` (candidates only with autoPlan, observer rows only
// with the accuracy table).
EvaluationInput evaluationInput(const CalibrationResult& calibration, const EvaluationConfig& config);

// Local: only this point's output quantized, its input float (weights stay float).
// Accumulated: everything of the plan quantized up to and including this point.
struct PointEvaluation {
    std::string name;
    PointMetrics local;
    PointMetrics accumulated;
};

// The labels of the accuracy rows that are not observers (the other rows are named by their
// observer); defined here once for the views, the reports and the CLI.
inline constexpr const char kFloatRow[] = "float";
inline constexpr const char kPlanRow[] = "plan";
inline constexpr const char kAutoRow[] = "auto";

struct AccuracyRow {
    std::string label;     // kFloatRow, kPlanRow, kAutoRow, or an observer name
    OutputMetrics metrics;
};

// The number a row is ranked by: top-1 accuracy in percent with labels; without, the output
// SQNR in dB capped at kHeadlineSqnrCapDb, so that "no error" (infinite SQNR) stays a finite
// number: it ranks first in a sweep and has no drop in the sensitivity ranking. The
// sensitivity drops and the sweep ranking use it (the views show rowAccuracy).
inline constexpr double kHeadlineSqnrCapDb = 200.0;
double headlineMetric(const OutputMetrics& metrics, bool labels);

// The accuracy a row shows and is compared by in the views and reports (a fraction): top-1
// with labels; without, how often the row's argmax agrees with the float model's.
double rowAccuracy(const OutputMetrics& metrics, bool labels);

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
    // Every point's validation values on its calibration grid, in point order; empty for
    // evaluations made before it was recorded.
    std::vector<ValidationHistogram> validation;

    const PointEvaluation* point(const std::string& name) const;
    const AccuracyRow* row(const std::string& label) const;
};

// Throws CalibError on bad input and JobCancelled when `progress` returns false.
EvaluationResult runEvaluation(const EvaluationInput& input, const EvaluationConfig& config,
                               const ProgressCallback& progress = {});
// The same with evaluationInput(calibration, config).
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
// The same rule for an evaluation and the points it is compared with.
bool evaluationIsCurrent(const EvaluationResult& evaluation, const std::vector<PointCalibration>& points);
// The points whose configuration differs from the one `evaluation` measured (or that it did
// not measure): what makes it stale.
std::vector<std::string> stalePoints(const EvaluationResult& evaluation, const std::vector<PointCalibration>& points);

// The automatic plan's configurations, ready for applyPointConfig / overrides.
std::map<std::string, ObserverConfig> autoPlanConfigs(const CalibrationResult& calibration,
                                                     const EvaluationResult& evaluation);

} // namespace cs
