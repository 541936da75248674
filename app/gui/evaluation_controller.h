#pragma once
#include "core/evaluation.h"
#include "gui/job_runner.h"

#include <QObject>

#include <functional>
#include <memory>

namespace cs::app {

// Runs cs::runEvaluation on a worker thread. What it reads of the calibration is taken when
// the job starts: the user keeps tuning the live one meanwhile, and the result's planConfigs
// tell which plan it measured. The policy says what start() does while a job runs: the
// evaluation refuses, the measurement of a clip range supersedes (the older range is gone).
class EvaluationController : public QObject {
    Q_OBJECT
public:
    // The work a job runs: cs::runEvaluation unless a test puts a fake in its place.
    using Job = std::function<EvaluationResult(const EvaluationInput&, const EvaluationConfig&,
                                               const ProgressCallback&)>;

    explicit EvaluationController(JobRunner::Policy policy = JobRunner::Policy::Refuse, QObject* parent = nullptr);
    ~EvaluationController() override;

    // False when refused (a job is running and the policy is Refuse).
    bool start(const CalibrationResult& calibration, EvaluationConfig config);
    void cancel();
    // Cancels and waits for the worker: for the owner's destructor.
    void shutdown();
    bool isRunning() const { return m_runner.isRunning(); }
    void setJob(Job job) { m_work = std::move(job); }

Q_SIGNALS:
    void runningChanged(bool running);
    void progressChanged(const cs::app::JobProgressInfo& progress);
    // A stage finished before the whole evaluation (see cs::EvaluationStage): `sofar` is a copy
    // of what is known then, never touched by the worker again. A superseded or cancelled
    // job's stages are dropped; the last stage is followed by evaluationAvailable.
    void stageFinished(cs::EvaluationStage stage, std::shared_ptr<const cs::EvaluationResult> sofar);
    void evaluationAvailable(std::shared_ptr<const cs::EvaluationResult> result);
    void evaluationFailed(const QString& message);
    void evaluationCancelled();

private:
    JobRunner m_runner;
    Job m_work;
};

} // namespace cs::app
