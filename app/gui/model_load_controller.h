#pragma once
#include "gui/model_loader.h"

#include <QFutureWatcher>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

namespace cs::app {

// Loads a model (or prepares the demo) on a worker thread and hands back its summary.
// A newer request supersedes the running one; the destructor cancels and waits.
class ModelLoadController : public QObject {
    Q_OBJECT
public:
    using Job = std::function<ModelLoadResult(const ProgressCallback&)>;

    explicit ModelLoadController(QObject* parent = nullptr);
    ~ModelLoadController() override;

    void start(Job job);
    void cancel();
    void shutdown();
    bool isRunning() const { return m_active; }

Q_SIGNALS:
    void progressChanged(const cs::ProgressInfo& info);
    void loaded(const cs::app::ModelLoadResult& result);
    void failed(const QString& message);
    void runningChanged(bool running);

private:
    void finished();

    QFutureWatcher<ModelLoadResult> m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_jobId = 0;
    bool m_active = false; // until finished() has handed the result on
};

} // namespace cs::app
