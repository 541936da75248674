#pragma once
#include "core/calibration.h"

#include <QUndoCommand>

#include <map>
#include <string>

namespace cs::app {

class CalibrationDocument;

// A calibration result with its own observers, so that later edits cannot change it.
struct PlanSnapshot {
    CalibrationResult result;
    ObserverBank bank;
};

// One plan edit: the configurations of some points before and after.
class PlanEditCommand : public QUndoCommand {
public:
    PlanEditCommand(CalibrationDocument* document, std::map<std::string, ObserverConfig> before,
                    std::map<std::string, ObserverConfig> after, const QString& text);
    void undo() override;
    void redo() override;

private:
    CalibrationDocument* m_document;
    std::map<std::string, ObserverConfig> m_before;
    std::map<std::string, ObserverConfig> m_after;
};

// A replacement of the whole plan (an import): snapshots of the result before and after,
// each with its own observers so that later edits cannot change them.
class PlanReplaceCommand : public QUndoCommand {
public:
    PlanReplaceCommand(CalibrationDocument* document, CalibrationResult before, ObserverBank beforeBank,
                       CalibrationResult after, ObserverBank afterBank, const QString& text);
    void undo() override;
    void redo() override;

private:
    CalibrationDocument* m_document;
    PlanSnapshot m_before;
    PlanSnapshot m_after;
};

} // namespace cs::app
