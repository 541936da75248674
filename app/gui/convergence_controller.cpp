#include "gui/convergence_controller.h"

#include "core/analysis/convergence.h"
#include "core/platform/logging.h"
#include "gui/calibration_document.h"
#include "widgets/convergence_view.h"
#include "widgets/point_table_model.h"

namespace cs::app {

ConvergenceController::ConvergenceController(CalibrationDocument* document, ui::PointTableModel* model,
                                             ui::ConvergenceView* view, QObject* parent)
    : QObject(parent), m_document(document), m_model(model), m_view(view), m_runner(JobRunner::Policy::Supersede, this)
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(300);
    connect(&m_debounce, &QTimer::timeout, this, &ConvergenceController::start);
    connect(m_document, &CalibrationDocument::resultReplaced, this, &ConvergenceController::start);
    // Another observer or parameter at a point replays differently.
    connect(m_document, &CalibrationDocument::pointsChanged, this, [this] { m_debounce.start(); });
    connect(&m_runner, &JobRunner::failed, this, [this] { m_view->setComputing(false); });
}

void ConvergenceController::start()
{
    m_debounce.stop();
    const CalibrationResult* result = m_document->result();
    if (!result) {
        m_runner.cancel();
        m_model->setConvergence(nullptr);
        m_view->setReport(nullptr);
        return;
    }
    // The worker gets its own copy of what the replay reads (the points' configurations and
    // per-batch statistics), taken now: the GUI thread edits the result in place meanwhile.
    CalibrationResult copy;
    copy.config = result->config;
    copy.points = result->points;
    for (auto& p : copy.points)
        p.stats.histogram = {}; // the replay reads the per-batch summaries only
    m_view->setComputing(true);
    m_runner.start([copy = std::move(copy)](const ProgressCallback&) {
                       return std::make_shared<const ConvergenceReport>(analyzeConvergence(copy));
                   },
                   [this](std::shared_ptr<const ConvergenceReport> report) {
                       // The model-level verdict goes to the log, as calibrate prints it.
                       if (report->batches > 0)
                           logInfo("Convergence: " + report->verdict);
                       m_model->setConvergence(report);
                       m_view->setReport(report);
                       Q_EMIT reportAvailable(std::move(report));
                   },
                   tr("Convergence"));
}

} // namespace cs::app
