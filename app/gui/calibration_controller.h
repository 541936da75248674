#pragma once
#include "core/calibration.h"
#include "gui/job_runner.h"

#include <QObject>

#include <functional>
#include <memory>

namespace cs::app {

using CalibrationProgress = JobProgressInfo;

// Runs cs::runCalibration on a worker thread (JobRunner, superseding) and hands the result
// back as a value. Starting another job cancels the running one and runs the new one after
// it; a cancelled or superseded job never delivers its result.
class CalibrationController : public QObject {
    Q_OBJECT
public:
    // A fresh calibration replaces the plan; a re-run realises edits that needed the data.
    enum class Purpose { Calibrate, Rerun };
    Q_ENUM(Purpose)

    // The work a job runs: cs::runCalibration unless a test puts a fake in its place. It fills
    // the bank with the result's live observers.
    using Job = std::function<CalibrationResult(const CalibrationConfig&, const ProgressCallback&, ObserverBank*)>;

    explicit CalibrationController(QObject* parent = nullptr);
    ~CalibrationController() override;

    quint64 start(CalibrationConfig config, Purpose purpose);
    void cancel();
    // Cancels and waits for the worker: for the owner's destructor.
    void shutdown();
    bool isRunning() const;
    // The purpose of the running (or last) job.
    Purpose purpose() const { return m_purpose; }
    void setJob(Job job) { m_work = std::move(job); }

    // LibTorch threads for a job: every core but one, so the GUI thread keeps a core to
    // draw on even when nothing else is idle.
    static int workerThreads();

Q_SIGNALS:
    void runningChanged(bool running);
    void progressChanged(const cs::app::JobProgressInfo& progress);
    // `bank` holds the result's live observers; the receiver takes them (it is never null).
    void calibrationAvailable(const cs::CalibrationResult& result, cs::app::CalibrationController::Purpose purpose,
                              const std::shared_ptr<cs::ObserverBank>& bank);
    void calibrationFailed(const QString& message, cs::app::CalibrationController::Purpose purpose);
    void calibrationCancelled(cs::app::CalibrationController::Purpose purpose);

private:
    JobRunner m_runner{JobRunner::Policy::Supersede};
    Job m_work;
    Purpose m_purpose = Purpose::Calibrate;
};

} // namespace cs::app
