#pragma once
// What every background job of the GUI shares: a cancel flag, progress posted to the GUI
// thread at a bounded rate, and the progress-bar figures (rate, time left).
#include "core/progress.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <QMetaType>
#include <QPointer>
#include <QString>

#include <atomic>
#include <memory>

namespace cs::app {

// What the progress bar shows while a job runs.
struct JobProgressInfo {
    QString stage;
    qint64 done = 0;
    qint64 total = 0;
    double itemsPerSecond = 0;
    double etaSeconds = -1; // < 0 = not known yet
};

struct JobState {
    std::atomic<bool> cancel{false};
    std::atomic<qint64> lastPostMs{-1'000'000};
    QElapsedTimer clock;

    JobState() { clock.start(); }
    JobProgressInfo progressInfo(const ProgressInfo& info) const;
};

// Progress is posted to the GUI thread at most this often: an image-folder scan reports
// every file, and a flood of queued events would be the very stall we avoid.
inline constexpr qint64 kProgressIntervalMs = 50;

// A ProgressCallback for the worker: posts `info` to `receiver->report(info, jobId)` on the
// receiver's thread (throttled; the last step always) and asks the job to stop once
// `job->cancel` is set.
template <class Receiver>
ProgressCallback makeProgressRelay(Receiver* receiver, std::shared_ptr<JobState> job, quint64 jobId,
                                   void (Receiver::*report)(const ProgressInfo&, quint64))
{
    QPointer<Receiver> self(receiver);
    return [self, job = std::move(job), jobId, report](const ProgressInfo& info) {
        const qint64 now = job->clock.elapsed();
        const bool last = info.total > 0 && info.done >= info.total;
        if (last || now - job->lastPostMs.load() >= kProgressIntervalMs) {
            job->lastPostMs = now;
            if (self)
                QMetaObject::invokeMethod(
                    self.data(), [self, info, jobId, report] { if (self) (self.data()->*report)(info, jobId); },
                    Qt::QueuedConnection);
        }
        return !job->cancel.load();
    };
}

} // namespace cs::app

Q_DECLARE_METATYPE(cs::app::JobProgressInfo)
