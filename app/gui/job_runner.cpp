#include "gui/job_runner.h"

#include "core/errors.h"

#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

namespace cs::app {

namespace {

// What the worker and the GUI thread share about one job: only atomics and a clock that is
// read, never reset, after the start.
struct SharedState {
    std::atomic<bool> cancel{false};
    std::atomic<qint64> lastPostMs{-1'000'000};
    QElapsedTimer clock;

    SharedState() { clock.start(); }
};

JobProgressInfo progressInfo(const ProgressInfo& info, const QElapsedTimer& clock)
{
    JobProgressInfo p;
    p.stage = QString::fromStdString(info.stage);
    p.done = info.done;
    p.total = info.total;
    p.itemsPerSecond = info.itemsPerSecond;
    const double elapsed = double(clock.elapsed()) / 1000.0;
    if (info.done > 0 && info.total > info.done)
        p.etaSeconds = elapsed / double(info.done) * double(info.total - info.done);
    else if (info.total > 0 && info.done >= info.total)
        p.etaSeconds = 0;
    return p;
}

// Runs the work and turns every way it can end into a value: nothing thrown on a worker
// ever reaches QFuture, which would rethrow it on the GUI thread.
JobRunner::Outcome runGuarded(const JobRunner::Work& work, const ProgressCallback& progress,
                              const JobRunner::PartialSink& partial, const QString& errorContext)
{
    const auto withContext = [&errorContext](const QString& reason) {
        return errorContext.isEmpty() ? reason : errorContext + QStringLiteral(": ") + reason;
    };
    JobRunner::Outcome outcome;
    try {
        outcome.value = work(progress, partial);
    } catch (const JobCancelled&) {
        outcome.cancelled = true;
    } catch (const CalibError& e) {
        outcome.error = QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        // A LibTorch or standard-library error that core did not wrap.
        outcome.error = withContext(QString::fromStdString(firstLine(e.what())));
    } catch (...) {
        outcome.error = withContext(QStringLiteral("unknown error"));
    }
    return outcome;
}

} // namespace

struct JobRunner::Job {
    quint64 id = 0;
    Work work;
    Deliver deliver;
    Deliver deliverPartial;
    QString errorContext;
    std::shared_ptr<SharedState> state = std::make_shared<SharedState>();
    // Set on the GUI thread when the job is cancelled or superseded: its outcome is dropped
    // whatever the worker returns.
    bool dropped = false;
};

JobRunner::JobRunner(Policy policy, QObject* parent) : QObject(parent), m_policy(policy)
{
    qRegisterMetaType<cs::app::JobProgressInfo>();
    connect(&m_watcher, &QFutureWatcher<Outcome>::finished, this, &JobRunner::finished);
}

JobRunner::~JobRunner() { shutdown(); }

quint64 JobRunner::startErased(Work work, Deliver deliver, Deliver deliverPartial, QString errorContext)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_active && m_policy == Policy::Refuse)
        return 0;
    auto job = std::make_unique<Job>();
    job->id = ++m_jobId;
    job->work = std::move(work);
    job->deliver = std::move(deliver);
    job->deliverPartial = std::move(deliverPartial);
    job->errorContext = std::move(errorContext);
    if (m_active) {
        // Superseded: the running job stops at its next progress report and its result is
        // dropped; the newest request runs once its worker has stopped (an older queued one
        // is simply replaced).
        m_running->dropped = true;
        m_running->state->cancel = true;
        m_queued = std::move(job);
        return m_jobId;
    }
    launch(std::move(job));
    m_active = true;
    Q_EMIT runningChanged(true);
    return m_jobId;
}

void JobRunner::launch(std::unique_ptr<Job> job)
{
    const quint64 jobId = job->id;
    std::shared_ptr<SharedState> state = job->state;
    QPointer<JobRunner> self(this);
    ProgressCallback progress = [self, state, jobId](const ProgressInfo& info) {
        const qint64 now = state->clock.elapsed();
        const bool last = info.total > 0 && info.done >= info.total;
        if (last || now - state->lastPostMs.load() >= kProgressIntervalMs) {
            state->lastPostMs = now;
            QMetaObject::invokeMethod(
                self.data(), [self, info, jobId] {
                    if (self)
                        self->reportProgress(info, jobId);
                },
                Qt::QueuedConnection);
        }
        return !state->cancel.load();
    };
    // Partial results are values handed over whole, never shared with the worker afterwards.
    PartialSink partial = [self, jobId](std::shared_ptr<void> value) {
        QMetaObject::invokeMethod(
            self.data(), [self, value = std::move(value), jobId]() mutable {
                if (self)
                    self->reportPartial(std::move(value), jobId);
            },
            Qt::QueuedConnection);
    };
    m_running = std::move(job);
    m_watcher.setFuture(QtConcurrent::run(
        [work = m_running->work, progress, partial, context = m_running->errorContext] {
            return runGuarded(work, progress, partial, context);
        }));
}

void JobRunner::reportPartial(std::shared_ptr<void> value, quint64 jobId)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_running || m_running->id != jobId || m_running->dropped || !m_running->deliverPartial)
        return;
    m_running->deliverPartial(std::move(value));
}

void JobRunner::reportProgress(const ProgressInfo& info, quint64 jobId)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_running || m_running->id != jobId || m_running->dropped)
        return;
    Q_EMIT progressChanged(progressInfo(info, m_running->state->clock));
}

void JobRunner::cancel()
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_queued.reset();
    if (m_running) {
        m_running->dropped = true;
        m_running->state->cancel = true;
    }
}

void JobRunner::shutdown()
{
    cancel();
    // Not waitForFinished() on a taken result: its future is in NoState and never finishes.
    if (m_watcher.isRunning())
        m_watcher.waitForFinished();
}

void JobRunner::finished()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (!m_running)
        return;
    Outcome outcome = m_watcher.future().takeResult();
    std::unique_ptr<Job> job = std::move(m_running);
    if (m_queued) {
        launch(std::move(m_queued));
        return;
    }
    m_active = false;
    Q_EMIT runningChanged(false);
    if (job->dropped || outcome.cancelled)
        Q_EMIT cancelled();
    else if (!outcome.error.isEmpty())
        Q_EMIT failed(outcome.error);
    else if (outcome.value && job->deliver)
        job->deliver(std::move(outcome.value));
}

} // namespace cs::app
