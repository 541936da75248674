#pragma once
// One long-lived thread that runs posted tasks in order: lets a job overlap two kinds of
// work (the statistics of a batch with its forward, a float forward with a quantized one)
// without starting a thread per task.
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace cs {

class BackgroundWorker {
public:
    // `onStart` runs first on the new thread (per-thread settings such as compute threads).
    explicit BackgroundWorker(std::function<void()> onStart = {});
    ~BackgroundWorker(); // runs what is queued, then joins
    BackgroundWorker(const BackgroundWorker&) = delete;
    BackgroundWorker& operator=(const BackgroundWorker&) = delete;

    void post(std::function<void()> task);
    // Blocks until every posted task has run, then rethrows the first exception a task threw
    // since the last wait(); tasks posted after a failed one are skipped.
    void wait();
    // wait(), running queued tasks on the calling thread meanwhile: for tasks that may run at
    // the same time as each other. The caller finishes the work itself when the worker
    // thread is starved or slow.
    void helpAndWait();

private:
    void run(const std::function<void()>& onStart);
    // Runs `task` with the lock released; keeps the first exception a task throws.
    void runUnlocked(const std::function<void()>& task, std::unique_lock<std::mutex>& lock);
    // Until the queue is empty and the worker idle; then rethrows the kept exception.
    void waitForWorker(std::unique_lock<std::mutex>& lock);

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::function<void()>> m_tasks;
    bool m_busy = false;
    bool m_stopping = false;
    std::exception_ptr m_error;
    std::thread m_thread;
};

// Lowers the calling thread to idle priority (SCHED_IDLE) where the system has it: a helper
// that should only take the cores a job's main threads leave idle, never preempt them. Pair
// it with helpAndWait(), so that the work still gets done when no core is ever idle.
void lowerToIdlePriority();

} // namespace cs
