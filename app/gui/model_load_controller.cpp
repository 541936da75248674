#include "gui/model_load_controller.h"

#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace cs::app {

ModelLoadController::ModelLoadController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<cs::app::ModelLoadResult>();
    connect(&m_watcher, &QFutureWatcher<ModelLoadResult>::finished, this, &ModelLoadController::finished);
}

ModelLoadController::~ModelLoadController() { shutdown(); }

void ModelLoadController::start(Job job)
{
    if (m_watcher.isRunning()) {
        // Loads are short (or cancellable training steps): wait for the superseded one.
        cancel();
        m_watcher.waitForFinished();
    }
    const quint64 jobId = ++m_jobId;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto cancelFlag = m_cancel;
    QPointer<ModelLoadController> self(this);
    ProgressCallback progress = [self, cancelFlag, jobId](const ProgressInfo& info) {
        QMetaObject::invokeMethod(
            self,
            [self, info, jobId] {
                if (self && jobId == self->m_jobId)
                    Q_EMIT self->progressChanged(info);
            },
            Qt::QueuedConnection);
        return !cancelFlag->load();
    };
    m_watcher.setFuture(QtConcurrent::run([job = std::move(job), progress] { return job(progress); }));
    m_active = true;
    Q_EMIT runningChanged(true);
}

void ModelLoadController::cancel()
{
    if (m_cancel)
        m_cancel->store(true);
}

void ModelLoadController::shutdown()
{
    cancel();
    m_watcher.waitForFinished();
}

void ModelLoadController::finished()
{
    const ModelLoadResult result = m_watcher.result();
    m_active = false;
    Q_EMIT runningChanged(false);
    if (!result.error.isEmpty())
        Q_EMIT failed(result.error);
    else
        Q_EMIT loaded(result);
}

} // namespace cs::app
