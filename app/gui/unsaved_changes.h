#pragma once
#include <QObject>
#include <QString>

#include <functional>

class QWidget;

namespace cs::app {

class CalibrationDocument;
class CalibrationWorkflow;

// The question before work would be lost (closing, opening another model or session,
// restarting): Save / Discard / Cancel when the document has unsaved changes.
class UnsavedChangesPrompt : public QObject {
    Q_OBJECT
public:
    UnsavedChangesPrompt(CalibrationDocument* document, CalibrationWorkflow* workflow, QWidget* window);

    // `proceed` runs after Discard, after the save has been written, or at once when there is
    // nothing to save; never after Cancel, a failed save, or an edit that arrived while the
    // session was being written (that edit is not saved).
    void ask(const QString& question, std::function<void()> proceed);

private:
    CalibrationDocument* m_document;
    CalibrationWorkflow* m_workflow;
    QWidget* m_window;
    std::function<void()> m_afterSave; // what a Save answer continues with
};

} // namespace cs::app
