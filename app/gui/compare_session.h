#pragma once
// File ▸ Compare With Session…: the open calibration next to another .cscope, point by point
// (widgets/session_diff_view). The other session is loaded and compared on a worker.
#include "gui/job_runner.h"

#include <QDialog>

class QMenu;

namespace cs::ui {
class SessionDiffView;
}

namespace cs::app {

class CalibrationDocument;

class CompareSessionDialog : public QDialog {
    Q_OBJECT
public:
    CompareSessionDialog(CalibrationDocument* document, QWidget* parent = nullptr);
    // Loads `path` and compares it with the document's calibration; `compared` or `failed` follows.
    void compareWith(const QString& path);
    ui::SessionDiffView* view() const { return m_view; }

Q_SIGNALS:
    void compared();
    void failed(const QString& message);

private:
    CalibrationDocument* m_document;
    ui::SessionDiffView* m_view;
    JobRunner m_runner;
};

// Adds the action to `file`; it is enabled while the document holds a calibration.
QAction* addCompareSessionAction(QMenu* file, QWidget* window, CalibrationDocument* document);

} // namespace cs::app
