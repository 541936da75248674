#include "gui/model_load_controller.h"

namespace cs::app {

ModelLoadController::ModelLoadController(QObject* parent)
    : QObject(parent), m_runner(JobRunner::Policy::Supersede, this)
{
    qRegisterMetaType<cs::app::ModelLoadResult>();
    connect(&m_runner, &JobRunner::runningChanged, this, &ModelLoadController::runningChanged);
    connect(&m_runner, &JobRunner::progressChanged, this, &ModelLoadController::progressChanged);
    connect(&m_runner, &JobRunner::failed, this, &ModelLoadController::failed);
    connect(&m_runner, &JobRunner::cancelled, this, &ModelLoadController::cancelled);
}

ModelLoadController::~ModelLoadController() { shutdown(); }

void ModelLoadController::start(Job job, const QString& what)
{
    // Core's own messages are English: the context of an unexpected error is too.
    const QString context = what.isEmpty() ? QStringLiteral("loading failed") : what + QStringLiteral(": loading failed");
    m_runner.start(std::move(job), [this](ModelLoadResult result) { Q_EMIT loaded(result); }, context);
}

void ModelLoadController::cancel() { m_runner.cancel(); }

void ModelLoadController::shutdown() { m_runner.shutdown(); }

} // namespace cs::app
