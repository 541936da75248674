#pragma once
#include "core/evaluation.h"
#include "gui/job_relay.h"

#include <QFutureWatcher>
#include <QObject>

#include <memory>

namespace cs::app {

// What an evaluation job hands back to the GUI thread.
struct EvaluationOutcome {
    std::shared_ptr<const EvaluationResult> result;
    QString error;
    bool cancelled = false;
};

// Runs cs::runEvaluation on a worker thread. The calibration is a snapshot taken when the
// job starts: the user keeps tuning the live one meanwhile, and the result's planConfigs
// tell which plan it measured. One job at a time; start() while running is refused.
class EvaluationController : public QObject {
    Q_OBJECT
public:
    explicit EvaluationController(QObject* parent = nullptr);
    ~EvaluationController() override;

    // False when a job is already running.
    bool start(const CalibrationResult& calibration, EvaluationConfig config);
    void cancel();
    void shutdown();
    bool isRunning() const { return m_active; }

Q_SIGNALS:
    void runningChanged(bool running);
    void progressChanged(const cs::app::JobProgressInfo& progress);
    void evaluationAvailable(std::shared_ptr<const cs::EvaluationResult> result);
    void evaluationFailed(const QString& message);
    void evaluationCancelled();

private:
    void finished();
    void reportProgress(const ProgressInfo& info, quint64 jobId);

    QFutureWatcher<EvaluationOutcome> m_watcher;
    std::shared_ptr<JobState> m_job;
    quint64 m_jobId = 0;
    bool m_active = false;
};

} // namespace cs::app

Q_DECLARE_METATYPE(cs::app::EvaluationOutcome)
