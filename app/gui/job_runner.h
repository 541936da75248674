#pragma once
// The one way the GUI runs background work: a plain function on a worker thread, its result
// handed back on the GUI thread. Each job gets an id (hotspot's jobtracker idea): a job that
// was superseded or cancelled never delivers its result, even if it finished its work.
// Every exception the work throws is caught once on the worker and reaches the GUI as a
// message; nothing is rethrown on the GUI thread and the GUI thread never waits for a worker
// (only the destructor does, so no worker outlives its receiver).
#include "core/progress.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace cs::app {

// What the progress bar shows while a job runs.
struct JobProgressInfo {
    QString stage;
    qint64 done = 0;
    qint64 total = 0;
    double itemsPerSecond = 0;
    double etaSeconds = -1; // < 0 = not known yet
};

// Progress is posted to the GUI thread at most this often: an image-folder scan reports
// every file, and a flood of queued events would be the very stall we avoid.
inline constexpr qint64 kProgressIntervalMs = 50;

class JobRunner : public QObject {
    Q_OBJECT
public:
    // What start() does while a job runs: Supersede cancels the running job (its result is
    // dropped) and runs the new one as soon as the old worker has stopped; Refuse leaves the
    // running job alone and returns 0.
    enum class Policy { Supersede, Refuse };
    Q_ENUM(Policy)

    // What the worker hands back: a value, or the reason there is none.
    struct Outcome {
        std::shared_ptr<void> value;
        QString error;
        bool cancelled = false;
    };
    // Hands a partial result from the worker to the GUI thread (see startStaged).
    using PartialSink = std::function<void(std::shared_ptr<void>)>;
    using Work = std::function<std::shared_ptr<void>(const ProgressCallback&, const PartialSink&)>;
    using Deliver = std::function<void(std::shared_ptr<void>)>;

    explicit JobRunner(Policy policy, QObject* parent = nullptr);
    ~JobRunner() override;

    // Runs `work` on a worker; `done` gets its result on this object's thread unless the job
    // is cancelled or superseded first. `errorContext` prefixes the message of an exception
    // that is not a CalibError (which names its file already). Returns the job id, 0 when
    // refused.
    template <class Fn, class Done>
    quint64 start(Fn work, Done done, QString errorContext = {})
    {
        using R = std::decay_t<std::invoke_result_t<Fn&, const ProgressCallback&>>;
        Work erased = [work = std::move(work)](const ProgressCallback& progress,
                                               const PartialSink&) mutable -> std::shared_ptr<void> {
            return std::make_shared<R>(work(progress));
        };
        Deliver deliver = [done = std::move(done)](std::shared_ptr<void> value) mutable {
            done(std::move(*std::static_pointer_cast<R>(value)));
        };
        return startErased(std::move(erased), std::move(deliver), {}, std::move(errorContext));
    }

    // A job that hands over partial results of type P while it runs: `work(progress, partial)`
    // calls partial(P) on the worker, and `onPartial(P)` gets each value on this object's
    // thread, in order and before `done`, unless the job was cancelled or superseded first.
    template <class P, class Fn, class OnPartial, class Done>
    quint64 startStaged(Fn work, OnPartial onPartial, Done done, QString errorContext = {})
    {
        using PartialFn = std::function<void(P)>;
        using R = std::decay_t<std::invoke_result_t<Fn&, const ProgressCallback&, const PartialFn&>>;
        Work erased = [work = std::move(work)](const ProgressCallback& progress,
                                               const PartialSink& sink) mutable -> std::shared_ptr<void> {
            const PartialFn partial = [&sink](P value) { sink(std::make_shared<P>(std::move(value))); };
            return std::make_shared<R>(work(progress, partial));
        };
        Deliver deliver = [done = std::move(done)](std::shared_ptr<void> value) mutable {
            done(std::move(*std::static_pointer_cast<R>(value)));
        };
        Deliver deliverPartial = [onPartial = std::move(onPartial)](std::shared_ptr<void> value) mutable {
            onPartial(std::move(*std::static_pointer_cast<P>(value)));
        };
        return startErased(std::move(erased), std::move(deliver), std::move(deliverPartial), std::move(errorContext));
    }

    // Asks the running job to stop and drops its result (and any queued job): `cancelled`
    // follows once its worker has stopped.
    void cancel();
    // Running or queued.
    bool isRunning() const { return m_active; }
    // The id of the newest job (running, queued or last).
    quint64 currentJob() const { return m_jobId; }
    Policy policy() const { return m_policy; }
    // Cancels and waits for the worker: for destructors only.
    void shutdown();

Q_SIGNALS:
    void runningChanged(bool running);
    void progressChanged(const cs::app::JobProgressInfo& progress);
    void failed(const QString& message);
    void cancelled();

private:
    struct Job;
    quint64 startErased(Work work, Deliver deliver, Deliver deliverPartial, QString errorContext);
    void launch(std::unique_ptr<Job> job);
    void finished();
    void reportProgress(const ProgressInfo& info, quint64 jobId);
    void reportPartial(std::shared_ptr<void> value, quint64 jobId);

    Policy m_policy;
    QFutureWatcher<Outcome> m_watcher;
    std::unique_ptr<Job> m_running;
    std::unique_ptr<Job> m_queued;
    quint64 m_jobId = 0;
    // Until finished() has handled the outcome: the future alone reports "done" a moment
    // before its result reaches this thread.
    bool m_active = false;
};

} // namespace cs::app

Q_DECLARE_METATYPE(cs::app::JobProgressInfo)
