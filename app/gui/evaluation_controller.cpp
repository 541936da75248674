#include "gui/evaluation_controller.h"

#include "core/errors.h"
#include "core/platform/logging.h"
#include "gui/calibration_controller.h"

#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace cs::app {

namespace {

EvaluationOutcome runJob(const EvaluationInput& input, const EvaluationConfig& config, const ProgressCallback& progress)
{
    EvaluationOutcome outcome;
    try {
        outcome.result = std::make_shared<const EvaluationResult>(runEvaluation(input, config, progress));
    } catch (const JobCancelled&) {
        outcome.cancelled = true;
    } catch (const CalibError& e) {
        outcome.error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        outcome.error = QString::fromStdString(input.modelPath + ": evaluation failed: " + firstLine(e.what()));
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
    // The worker gets only what the evaluation reads (the plan, the candidates, the observer
    // rows: no statistics or histograms), taken now; the GUI thread keeps tuning meanwhile.
    EvaluationInput input = evaluationInput(calibration, config);
    m_job = std::make_shared<JobState>();
    ProgressCallback progress = makeProgressRelay(this, m_job, jobId, &EvaluationController::reportProgress);
    logInfo("Evaluating on " + config.data.path);
    m_watcher.setFuture(QtConcurrent::run([input = std::move(input), config = std::move(config), progress] {
        return runJob(input, config, progress);
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
