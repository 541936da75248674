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
    // The worker gets its own copy of what the replay reads. The points' configurations and
    // results change in place while the GUI thread edits, so they are copied now; their
    // per-batch statistics never do (an edit replaces the whole result when they change), so
    // the worker copies those from the shared result: megabytes per point in a large model,
    // too much to copy here.
    CalibrationResult copy;
    copy.config = result->config;
    copy.points.reserve(result->points.size());
    for (const PointCalibration& p : result->points) {
        PointCalibration q;
        q.name = p.name;
        q.opIndex = p.opIndex;
        q.config = p.config;
        q.result = p.result;
        copy.points.push_back(std::move(q));
    }
    m_view->setComputing(true);
    m_runner.start([copy = std::move(copy), shared = m_document->sharedResult()](const ProgressCallback&) mutable {
                       for (size_t i = 0; i < copy.points.size() && i < shared->points.size(); ++i)
                           copy.points[i].stats.batches = shared->points[i].stats.batches; // the replay reads these only
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
