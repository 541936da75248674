#pragma once
// The Repair page's job, run on a worker: the panel's choices turned into core's repair job
// (core/repair/repair_job.h, the one the CLI's `repair` runs), and what the repairs did to
// each changed layer's weights for the Weights view.
#include "core/calibration.h"
#include "core/dataset/dataset_spec.h"
#include "core/progress.h"
#include "core/repair/repair.h"
#include "widgets/repair_panel.h"
#include "widgets/repair_weight_change.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace cs::app {

struct RepairRequest {
    ui::RepairChoice choice;
    DatasetSpec validation; // labelled, for the fallback budget
};

struct RepairJobResult {
    CalibrationResult result;                 // the repaired calibration, no evaluation
    std::shared_ptr<ObserverBank> bank;       // its live observers
    std::vector<std::string> newRepairs;      // the records this run added, in order
    std::vector<RepairStep> steps;            // the plan after each step, in order
    std::shared_ptr<const ui::WeightRepairChanges> changes; // by layer, the layers it changed
};

// Throws CalibError (naming the point) on bad input or NaN/Inf, JobCancelled when `progress`
// says stop. `session` and `bank` are the worker's own copies; `bank` is used up.
RepairJobResult runRepairJob(const CalibrationResult& session, std::shared_ptr<ObserverBank> bank,
                             const RepairRequest& request, const ProgressCallback& progress);

// The effective (BN-folded in deployment mode) weights and biases of `config`'s model with
// `before` and with `after` in place, compared for every layer the two maps set differently.
ui::WeightRepairChanges weightChanges(const CalibrationConfig& config, const LayerParameterMap& before,
                                      const LayerParameterMap& after);

// "bias correction, equalization": the plain names of `records`.
QString repairNamesText(const std::vector<std::string>& records);

} // namespace cs::app
