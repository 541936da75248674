#pragma once
#include "core/calibration.h"
#include "gui/job_relay.h"

#include <QFutureWatcher>
#include <QMetaType>
#include <QObject>

#include <atomic>
#include <memory>
#include <optional>

namespace cs::app {

using CalibrationProgress = JobProgressInfo;

// What a calibration job hands back to the GUI thread: a result or the reason there is none.
struct CalibrationOutcome {
    std::optional<CalibrationResult> result;
    std::shared_ptr<ObserverBank> bank; // the result's live observers
    QString error;
    bool cancelled = false;
};

// Runs cs::runCalibration on a worker thread (QtConcurrent) and hands the result back as a
// value. One job at a time: starting another cancels the running one and queues the new
// one; results of superseded jobs are dropped by job id. The destructor cancels and waits.
class CalibrationController : public QObject {
    Q_OBJECT
public:
    // A fresh calibration replaces the plan; a re-run realises edits that needed the data.
    enum class Purpose { Calibrate, Rerun };
    Q_ENUM(Purpose)

    explicit CalibrationController(QObject* parent = nullptr);
    ~CalibrationController() override;

    quint64 start(CalibrationConfig config, Purpose purpose);
    void cancel();
    // Cancels, waits for the worker and drops anything queued.
    void shutdown();
    bool isRunning() const;
    // The purpose of the running (or last) job.
    Purpose purpose() const { return m_purpose; }

    // LibTorch threads for a job: every core but one, so the GUI thread keeps a core to
    // draw on even when nothing else is idle.
    static int workerThreads();

Q_SIGNALS:
    void runningChanged(bool running);
    void progressChanged(const cs::app::JobProgressInfo& progress);
    void calibrationAvailable(const cs::CalibrationResult& result, cs::app::CalibrationController::Purpose purpose,
                              const std::shared_ptr<cs::ObserverBank>& bank);
    void calibrationFailed(const QString& message, cs::app::CalibrationController::Purpose purpose);
    void calibrationCancelled(cs::app::CalibrationController::Purpose purpose);

private:
    void launch(CalibrationConfig config, Purpose purpose);
    void finished();
    void reportProgress(const ProgressInfo& info, quint64 jobId);

    QFutureWatcher<CalibrationOutcome> m_watcher;
    std::shared_ptr<JobState> m_job;
    quint64 m_jobId = 0;
    Purpose m_purpose = Purpose::Calibrate;
    std::optional<std::pair<CalibrationConfig, Purpose>> m_queued;
    // Until finished() has handled the outcome: the future alone reports "done" a moment
    // before its result reaches this thread.
    bool m_active = false;
};

} // namespace cs::app

Q_DECLARE_METATYPE(cs::app::CalibrationOutcome)
