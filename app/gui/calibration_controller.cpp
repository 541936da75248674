#include "gui/calibration_controller.h"

#include "core/errors.h"
#include "core/platform/logging.h"

#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <chrono>

namespace cs::app {

namespace {

CalibrationOutcome runJob(const CalibrationConfig& config, const ProgressCallback& progress)
{
    CalibrationOutcome outcome;
    try {
        auto bank = std::make_shared<ObserverBank>();
        outcome.result = runCalibration(config, progress, bank.get());
        outcome.bank = std::move(bank);
    } catch (const JobCancelled&) {
        outcome.cancelled = true;
    } catch (const CalibError& e) {
        outcome.error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        // Anything else (a LibTorch error core did not wrap) must not take the GUI down.
        outcome.error = QString::fromStdString(config.modelPath + ": calibration failed: " + firstLine(e.what()));
    }
    return outcome;
}

} // namespace

CalibrationController::CalibrationController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<cs::app::JobProgressInfo>();
    qRegisterMetaType<cs::CalibrationResult>();
    connect(&m_watcher, &QFutureWatcher<CalibrationOutcome>::finished, this, &CalibrationController::finished);
}

CalibrationController::~CalibrationController() { shutdown(); }

int CalibrationController::workerThreads() { return std::max(1, QThread::idealThreadCount() - 1); }

bool CalibrationController::isRunning() const { return m_active; }

quint64 CalibrationController::start(CalibrationConfig config, Purpose purpose)
{
    if (m_active) {
        // The running job is superseded: it stops at its next batch and its result is dropped.
        cancel();
        m_queued = std::make_pair(std::move(config), purpose);
        return m_jobId + 1;
    }
    launch(std::move(config), purpose);
    return m_jobId;
}

void CalibrationController::launch(CalibrationConfig config, Purpose purpose)
{
    const quint64 jobId = ++m_jobId;
    m_purpose = purpose;
    if (config.threads <= 0)
        config.threads = workerThreads();
    m_job = std::make_shared<JobState>();
    ProgressCallback progress = makeProgressRelay(this, m_job, jobId, &CalibrationController::reportProgress);
    logInfo("Calibrating " + config.modelPath + " on " + config.data.path + " (" + std::to_string(config.threads)
            + " threads)");
    m_watcher.setFuture(QtConcurrent::run([config = std::move(config), progress] { return runJob(config, progress); }));
    m_active = true;
    Q_EMIT runningChanged(true);
}

void CalibrationController::reportProgress(const ProgressInfo& info, quint64 jobId)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (jobId != m_jobId || !m_job)
        return;
    Q_EMIT progressChanged(m_job->progressInfo(info));
}

void CalibrationController::cancel()
{
    if (m_job)
        m_job->cancel = true;
}

void CalibrationController::shutdown()
{
    m_queued.reset();
    cancel();
    // Not waitForFinished() on a taken result: its future is in NoState and never finishes.
    if (m_watcher.isRunning())
        m_watcher.waitForFinished();
}

void CalibrationController::finished()
{
    Q_ASSERT(QThread::currentThread() == thread());
    const Purpose purpose = m_purpose;
    CalibrationOutcome outcome = m_watcher.future().takeResult();
    m_job.reset();
    if (m_queued) {
        // The finished job was superseded: drop its outcome and run the newest request.
        auto [config, queuedPurpose] = std::move(*m_queued);
        m_queued.reset();
        launch(std::move(config), queuedPurpose);
        return;
    }
    m_active = false;
    Q_EMIT runningChanged(false);
    if (outcome.cancelled) {
        logInfo("Calibration cancelled");
        Q_EMIT calibrationCancelled(purpose);
    } else if (!outcome.error.isEmpty()) {
        Q_EMIT calibrationFailed(outcome.error, purpose);
    } else if (outcome.result) {
        Q_EMIT calibrationAvailable(*outcome.result, purpose, outcome.bank);
    }
}

} // namespace cs::app
