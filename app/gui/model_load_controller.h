#pragma once
#include "gui/job_runner.h"
#include "gui/model_loader.h"

#include <QObject>

#include <functional>

namespace cs::app {

// Loads a model (or prepares the demo) on a worker thread and hands back its summary.
// A newer request supersedes the running one without waiting for it: the older load stops
// at its next progress report and its result is dropped.
class ModelLoadController : public QObject {
    Q_OBJECT
public:
    using Job = std::function<ModelLoadResult(const ProgressCallback&)>;

    explicit ModelLoadController(QObject* parent = nullptr);
    ~ModelLoadController() override;

    // `what` names the file in the message of an unexpected error.
    void start(Job job, const QString& what = {});
    void cancel();
    // Cancels and waits for the worker: for the owner's destructor.
    void shutdown();
    bool isRunning() const { return m_runner.isRunning(); }

Q_SIGNALS:
    void progressChanged(const cs::app::JobProgressInfo& info);
    void loaded(const cs::app::ModelLoadResult& result);
    void failed(const QString& message);
    void cancelled();
    void runningChanged(bool running);

private:
    JobRunner m_runner;
};

} // namespace cs::app
