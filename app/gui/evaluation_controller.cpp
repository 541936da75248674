#include "gui/evaluation_controller.h"

#include "core/errors.h"
#include "core/platform/logging.h"
#include "gui/calibration_controller.h"

#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace cs::app {

namespace {

EvaluationOutcome runJob(const CalibrationResult& calibration, const EvaluationConfig& config,
                         const ProgressCallback& progress)
{
    EvaluationOutcome outcome;
    try {
        outcome.result = std::make_shared<const EvaluationResult>(runEvaluation(calibration, config, progress));
    } catch (const JobCancelled&) {
        outcome.cancelled = true;
    } catch (const CalibError& e) {
        outcome.error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        outcome.error = QString::fromStdString(calibration.model.path + ": evaluation failed: " + firstLine(e.what()));
    }
    return outcome;
}

} // namespace

EvaluationController::EvaluationController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<cs::app::JobProgressInfo>();
    connect(&m_watcher, &QFutureWatcher<EvaluationOutcome>::finished, this, &EvaluationController::finished);
}

EvaluationController::~EvaluationController() { shutdown(); }

bool EvaluationController::start(const CalibrationResult& calibration, EvaluationConfig config)
{
    if (m_active)
        return false;
    const quint64 jobId = ++m_jobId;
    if (config.threads <= 0)
        config.threads = CalibrationController::workerThreads();
    // The worker gets its own copy without the live observers: evaluation reads only the
    // results, and the GUI thread keeps retuning the observers meanwhile.
    CalibrationResult snapshot = calibration;
    snapshot.bank.reset();
    snapshot.evaluation.reset();
    m_job = std::make_shared<JobState>();
    ProgressCallback progress = makeProgressRelay(this, m_job, jobId, &EvaluationController::reportProgress);
    logInfo("Evaluating on " + config.data.path);
    m_watcher.setFuture(QtConcurrent::run([snapshot = std::move(snapshot), config = std::move(config), progress] {
        return runJob(snapshot, config, progress);
    }));
    m_active = true;
    Q_EMIT runningChanged(true);
    return true;
}

void EvaluationController::reportProgress(const ProgressInfo& info, quint64 jobId)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (jobId != m_jobId || !m_job)
        return;
    Q_EMIT progressChanged(m_job->progressInfo(info));
}

void EvaluationController::cancel()
{
    if (m_job)
        m_job->cancel = true;
}

void EvaluationController::shutdown()
{
    cancel();
    if (m_watcher.isRunning())
        m_watcher.waitForFinished();
}

void EvaluationController::finished()
{
    Q_ASSERT(QThread::currentThread() == thread());
    EvaluationOutcome outcome = m_watcher.future().takeResult();
    m_job.reset();
    m_active = false;
    Q_EMIT runningChanged(false);
    if (outcome.cancelled) {
        logInfo("Evaluation cancelled");
        Q_EMIT evaluationCancelled();
    } else if (!outcome.error.isEmpty()) {
        Q_EMIT evaluationFailed(outcome.error);
    } else if (outcome.result) {
        Q_EMIT evaluationAvailable(outcome.result);
    }
}

} // namespace cs::app
