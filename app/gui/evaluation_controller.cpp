#include "gui/evaluation_controller.h"

#include "core/platform/logging.h"
#include "gui/calibration_controller.h"

namespace cs::app {

EvaluationController::EvaluationController(JobRunner::Policy policy, QObject* parent)
    : QObject(parent), m_runner(policy, this)
{
    m_work = [](const EvaluationInput& input, const EvaluationConfig& config, const ProgressCallback& progress) {
        return runEvaluation(input, config, progress);
    };
    connect(&m_runner, &JobRunner::runningChanged, this, &EvaluationController::runningChanged);
    connect(&m_runner, &JobRunner::progressChanged, this, &EvaluationController::progressChanged);
    connect(&m_runner, &JobRunner::failed, this, &EvaluationController::evaluationFailed);
    connect(&m_runner, &JobRunner::cancelled, this, [this] {
        logInfo("Evaluation cancelled");
        Q_EMIT evaluationCancelled();
    });
}

EvaluationController::~EvaluationController() { shutdown(); }

bool EvaluationController::start(const CalibrationResult& calibration, EvaluationConfig config)
{
    if (m_runner.isRunning() && m_runner.policy() == JobRunner::Policy::Refuse)
        return false;
    if (config.threads <= 0)
        config.threads = CalibrationController::workerThreads();
    // The worker gets only what the evaluation reads (the plan, the candidates, the observer
    // rows: no statistics or histograms), taken now; the GUI thread keeps tuning meanwhile.
    // Shared, not copied: with a thousand points and a dozen observer rows a copy of it costs
    // the GUI thread tens of milliseconds wherever the job's closure is copied.
    auto input = std::make_shared<const EvaluationInput>(evaluationInput(calibration, config));
    logInfo("Evaluating on " + config.data.path);
    const QString context = QString::fromStdString(calibration.model.path) + QStringLiteral(": evaluation failed");
    using Stage = std::pair<EvaluationStage, std::shared_ptr<const EvaluationResult>>;
    const quint64 id = m_runner.startStaged<Stage>(
        [work = m_work, input = std::move(input), config = std::move(config)](
            const ProgressCallback& progress, const std::function<void(Stage)>& partial) {
            EvaluationConfig staged = config;
            staged.onStage = [&partial, caller = config.onStage](EvaluationStage stage, const EvaluationResult& sofar) {
                if (caller)
                    caller(stage, sofar);
                partial({stage, std::make_shared<const EvaluationResult>(sofar)});
            };
            return std::make_shared<const EvaluationResult>(work(*input, staged, progress));
        },
        [this](Stage stage) { Q_EMIT stageFinished(stage.first, std::move(stage.second)); },
        [this](std::shared_ptr<const EvaluationResult> result) { Q_EMIT evaluationAvailable(std::move(result)); },
        context);
    return id != 0;
}

void EvaluationController::cancel() { m_runner.cancel(); }

void EvaluationController::shutdown() { m_runner.shutdown(); }

} // namespace cs::app
