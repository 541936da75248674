#pragma once
#include "core/calibration.h"
#include "core/repair/repair.h"
#include "gui/plan_commands.h"
#include "widgets/repair_weight_change.h"

#include <QUndoCommand>

#include <memory>
#include <string>
#include <vector>

class QUndoStack;

namespace cs::app {

class CalibrationDocument;

// One repair run as one undo step: snapshots of the calibration (with its observers) before
// and after, so undo restores the parameters and ranges exactly and redo re-applies without
// running again. Each snapshot carries the evaluation made on it: the numbers of the
// repaired plan never pass for those of the plan before, and back.
class RepairCommand : public QUndoCommand {
public:
    RepairCommand(CalibrationDocument* document, CalibrationResult before, ObserverBank beforeBank,
                  CalibrationResult after, ObserverBank afterBank, std::vector<std::string> repairs,
                  std::vector<RepairStep> steps, std::shared_ptr<const ui::WeightRepairChanges> changes, const QString& text);
    void undo() override;
    void redo() override;

    // The calibration without this repair (its evaluation as of the last undo/redo).
    const CalibrationResult& before() const { return m_before.result; }
    // The records this step added ("bias_correction", ...).
    const std::vector<std::string>& repairs() const { return m_repairs; }
    // The plan after each of its steps, in order (the last one is the repaired plan's); empty
    // when the run did not record them.
    const std::vector<RepairStep>& steps() const { return m_steps; }
    // What it did to each layer's weights.
    std::shared_ptr<const ui::WeightRepairChanges> changes() const { return m_changes; }

    // The newest repair step that is applied (below the stack's index), or null.
    static const RepairCommand* lastApplied(const QUndoStack* stack);

private:
    CalibrationDocument* m_document;
    PlanSnapshot m_before;
    PlanSnapshot m_after;
    std::vector<std::string> m_repairs;
    std::vector<RepairStep> m_steps;
    std::shared_ptr<const ui::WeightRepairChanges> m_changes;
};

} // namespace cs::app
