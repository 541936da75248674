#include "gui/plan_commands.h"

#include "gui/calibration_document.h"

namespace cs::app {

PlanEditCommand::PlanEditCommand(CalibrationDocument* document, std::map<std::string, ObserverConfig> before,
                                 std::map<std::string, ObserverConfig> after, const QString& text)
    : QUndoCommand(text), m_document(document), m_before(std::move(before)), m_after(std::move(after))
{
}

void PlanEditCommand::undo() { m_document->applyConfigs(m_before); }
void PlanEditCommand::redo() { m_document->applyConfigs(m_after); }

PlanReplaceCommand::PlanReplaceCommand(CalibrationDocument* document, CalibrationResult before,
                                       ObserverBank beforeBank, CalibrationResult after, ObserverBank afterBank,
                                       const QString& text)
    : QUndoCommand(text), m_document(document), m_before{std::move(before), std::move(beforeBank)},
      m_after{std::move(after), std::move(afterBank)}
{
}

void PlanReplaceCommand::undo() { m_document->restorePlan(m_before.result, m_before.bank); }
void PlanReplaceCommand::redo() { m_document->restorePlan(m_after.result, m_after.bank); }

} // namespace cs::app
