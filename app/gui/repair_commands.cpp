#include "gui/repair_commands.h"

#include "gui/calibration_document.h"

#include <QUndoStack>

namespace cs::app {

RepairCommand::RepairCommand(CalibrationDocument* document, CalibrationResult before, ObserverBank beforeBank,
                             CalibrationResult after, ObserverBank afterBank, std::vector<std::string> repairs,
                             std::vector<RepairStep> steps, std::shared_ptr<const ui::WeightRepairChanges> changes, const QString& text)
    : QUndoCommand(text), m_document(document), m_before{std::move(before), std::move(beforeBank)},
      m_after{std::move(after), std::move(afterBank)}, m_repairs(std::move(repairs)),
      m_steps(std::move(steps)), m_changes(std::move(changes))
{
    m_after.result.evaluation.reset(); // nothing measured the repaired plan yet
}

void RepairCommand::undo()
{
    // What was evaluated on the repaired plan comes back with it on redo.
    m_after.result.evaluation = m_document->evaluation();
    m_document->restoreSnapshot(m_before.result, m_before.bank);
}

void RepairCommand::redo()
{
    m_before.result.evaluation = m_document->evaluation();
    m_document->restoreSnapshot(m_after.result, m_after.bank);
}

const RepairCommand* RepairCommand::lastApplied(const QUndoStack* stack)
{
    for (int i = stack->index() - 1; i >= 0; --i)
        if (const auto* repair = dynamic_cast<const RepairCommand*>(stack->command(i)))
            return repair;
    return nullptr;
}

} // namespace cs::app
