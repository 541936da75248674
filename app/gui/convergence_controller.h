#pragma once
// Keeps the Convergence tab and the point table's "Settled after" column up to date: each
// new calibration (or a changed plan) is replayed on a worker (core/analysis/convergence),
// never on the GUI thread; a newer request supersedes the running one.
#include "gui/job_runner.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace cs {
struct ConvergenceReport;
}

namespace cs::ui {
class ConvergenceView;
class PointTableModel;
} // namespace cs::ui

namespace cs::app {

class CalibrationDocument;

class ConvergenceController : public QObject {
    Q_OBJECT
public:
    ConvergenceController(CalibrationDocument* document, ui::PointTableModel* model, ui::ConvergenceView* view,
                          QObject* parent = nullptr);
    bool isRunning() const { return m_runner.isRunning(); }

Q_SIGNALS:
    void reportAvailable(std::shared_ptr<const cs::ConvergenceReport> report);

private:
    void start();

    CalibrationDocument* m_document;
    ui::PointTableModel* m_model;
    ui::ConvergenceView* m_view;
    JobRunner m_runner;
    QTimer m_debounce; // a drag of a clip handle changes the plan many times a second
};

} // namespace cs::app
