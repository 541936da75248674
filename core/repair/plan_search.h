#pragma once
// Accuracy-driven plan search and the fallback budget.
//
// The search picks, point by point in op order, the compare-pass observer that gives the
// lowest error of the MODEL OUTPUT against the float model on the calibration images (no
// labels), the other points holding the choices made so far. It starts from the best plan
// that uses one observer everywhere (or the user's plan when that is better), and a point
// keeps its current observer unless another one lowers the output error: the result is never
// worse than the best single observer on the error it minimises.
//
// The fallback budget then keeps the fewest points in float (or qint16) so that the plan's
// top-1 on labelled validation data is within a budget of the float model's: the points are
// ranked once by how much top-1 falling back on that point alone recovers, and added in that
// order until the target holds (greedy by sensitivity, not an exhaustive search).
#include "core/calibration.h"
#include "core/dataset/dataset_spec.h"
#include "core/evaluation.h"
#include "core/progress.h"
#include "core/quant_plan.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace cs {

struct PlanSearchConfig {
    DatasetSpec data;     // the calibration images; labels are not used
    int batchSize = 32;
    int maxBatches = -1;  // -1 = the whole set
    int threads = 0;
    int sweeps = 1;       // passes over the points; each later one can only lower the error
};

// The search on `calibration`'s data, batch size, batches and threads.
PlanSearchConfig planSearchConfig(const CalibrationConfig& calibration);

// The name a search record gives the user's own configuration of a point (which may carry
// parameters the compare pass's defaults lack).
inline constexpr const char kConfiguredCandidate[] = "plan";

// One point's turn in the search.
struct PlanSearchPoint {
    std::string point;
    std::string before;  // its observer when its turn came
    std::string chosen;
    // Observer → the output MSE of the whole model with that observer at this point and the
    // choices so far elsewhere. Candidates with the same grid share one pass and one value.
    std::map<std::string, double> candidates;
    // Candidates whose pass stopped once their error passed the best one's: their value is
    // the error up to there, a lower bound of their full error.
    std::set<std::string> bounded;
};

struct PlanSearchResult {
    std::map<std::string, double> singleObservers; // observer (or "plan") → output MSE of that plan
    std::string start;                             // the best of them, where the search starts
    double startError = 0;
    double outputError = 0;                        // output MSE of the chosen plan
    double outputSqnrDb = 0;                       // the same as SQNR against the float outputs
    std::vector<PlanSearchPoint> points;           // in op order, of the last sweep
    // Every activation point of the plan → its configuration (observer, compare defaults, the
    // point's grid), ready for applyPointConfig or CalibrationConfig::overrides.
    std::map<std::string, ObserverConfig> configs;
    QuantPlan plan;                                // the input plan with the chosen activations
    int64_t images = 0;
    int passes = 0;                                // model passes run (whole or stopped early)
    double seconds = 0;
    std::vector<std::string> warnings;
};

// Throws CalibError on bad input (no candidates: calibrate with the compare pass) and
// JobCancelled when `progress` returns false (checked after every batch).
PlanSearchResult runPlanSearch(const EvaluationInput& input, const PlanSearchConfig& config,
                               const ProgressCallback& progress = {});
// The same with the calibration's plan and compare results (evaluationInput with the
// automatic plan's candidates).
PlanSearchResult runPlanSearch(const CalibrationResult& calibration, const PlanSearchConfig& config,
                               const ProgressCallback& progress = {});

// The output MSE of `plan` on `calibration`'s model against the float model, over `config`'s
// images: the error runPlanSearch minimises, comparable with its outputError on the same data.
double planOutputError(const CalibrationResult& calibration, const QuantPlan& plan, const PlanSearchConfig& config,
                       const ProgressCallback& progress = {});

// Applies a search's choices to `calibration` through `bank` (as the GUI applies an edit) and
// returns the "plan_search" record: the points that changed and the output error. Throws
// CalibError when a chosen observer cannot be applied without the data.
RepairRecord applyPlanSearch(CalibrationResult& calibration, ObserverBank& bank, const PlanSearchResult& search);

enum class FallbackPrecision { Float, QInt16 };

struct FallbackBudgetConfig {
    DatasetSpec validation;       // labelled
    int batchSize = 100;
    int maxBatches = -1;
    int threads = 0;
    double budget = 0.5;          // top-1 percentage points below float that are acceptable
    FallbackPrecision precision = FallbackPrecision::Float;
};

struct FallbackBudgetResult {
    double floatTop1 = 0;         // percent
    double startTop1 = 0;         // the plan as given
    double target = 0;            // floatTop1 - budget
    double finalTop1 = 0;         // with the fallback points
    bool met = false;
    // Every quantized activation point → top-1 (percent) with only it fallen back, most
    // helpful first: the order the points are added in.
    std::vector<std::pair<std::string, double>> ranking;
    std::vector<std::string> fallback;                  // the points fallen back, in order
    std::vector<double> top1After;                      // top-1 after each of them
    std::map<std::string, ObserverConfig> configs;      // the fallback points' configurations
    QuantPlan plan;                                     // `plan` with the fallback applied
    int passes = 0;
    double seconds = 0;
};

// `plan` and its `configs` (e.g. PlanSearchResult::plan/configs, or planFromCalibration and
// the points' configurations) on `calibration`'s model. Throws CalibError when the validation
// data has no labels, JobCancelled when `progress` returns false.
FallbackBudgetResult runFallbackBudget(const CalibrationResult& calibration, const QuantPlan& plan,
                                       const std::map<std::string, ObserverConfig>& configs,
                                       const FallbackBudgetConfig& config, const ProgressCallback& progress = {});

} // namespace cs
