#pragma once
// The repair job of the Repair page and of `calibscope-cli repair`: the repairs chosen applied
// to a copy of a calibration in one fixed order. The parameter repairs and a preset first
// (runRepairs: equalization, weight clipping, re-calibration, and with the plan search the
// search followed by the bias correction measured on the chosen ranges, kept only when the
// output error drops), then the plan search alone when no parameter repair runs, AdaRound,
// and the fallback budget last; each adds its record of what it applied.
#include "core/calibration.h"
#include "core/dataset/dataset_spec.h"
#include "core/progress.h"
#include "core/repair/repair.h"

#include <string>
#include <vector>

namespace cs {

struct RepairJobOptions {
    RepairOptions repairs;      // preset, parameter repairs, weight observer; its planSearch is set by the job
    bool planSearch = false;    // the accuracy-driven plan search
    bool adaround = false;
    int adaroundIterations = 400; // per layer
    bool budget = false;        // the fallback budget, on `validation`
    double budgetPoints = 0.5;  // top-1 points below float that are acceptable
    DatasetSpec validation;     // labelled
    // Also the plan after each step (RepairJobResult::steps), for a before/after row per
    // repair; the steps inside runRepairs may cost a calibration pass each.
    bool recordSteps = false;

    bool parameterRepairs() const;
    bool any() const;
};

struct RepairJobResult {
    CalibrationResult result;            // the repaired calibration, no evaluation
    ObserverBank bank;                   // its live observers
    std::vector<std::string> newRepairs; // the names of the records this run added, in order
    std::vector<RepairStep> steps;       // with recordSteps: in order, the last one the result's plan
};

// `config` is the session's configuration with the data, batches, threads and model path to
// use; `sessionBank` is used up. Throws CalibError on bad input (naming the point) or
// NaN/Inf, JobCancelled when `progress` returns false; `session` is never changed.
RepairJobResult runRepairJob(const CalibrationResult& session, ObserverBank&& sessionBank,
                             const CalibrationConfig& config, const RepairJobOptions& options,
                             const ProgressCallback& progress = {});

} // namespace cs
