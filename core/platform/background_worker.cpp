#include "core/platform/background_worker.h"

#include <utility>

#include <pthread.h>
#include <sched.h>

namespace cs {

BackgroundWorker::BackgroundWorker(std::function<void()> onStart)
    : m_thread([this, start = std::move(onStart)] { run(start); })
{
}

BackgroundWorker::~BackgroundWorker()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    m_thread.join();
}

void BackgroundWorker::post(std::function<void()> task)
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_tasks.push_back(std::move(task));
    }
    m_changed.notify_all();
}

void BackgroundWorker::wait()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    waitForWorker(lock);
}

void BackgroundWorker::waitForWorker(std::unique_lock<std::mutex>& lock)
{
    m_changed.wait(lock, [this] { return m_tasks.empty() && !m_busy; });
    if (std::exception_ptr error = std::exchange(m_error, nullptr))
        std::rethrow_exception(error);
}

void BackgroundWorker::runUnlocked(const std::function<void()>& task, std::unique_lock<std::mutex>& lock)
{
    lock.unlock();
    try {
        task();
    } catch (...) {
        lock.lock();
        if (!m_error)
            m_error = std::current_exception();
        return;
    }
    lock.lock();
}

void BackgroundWorker::helpAndWait()
{
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_tasks.empty()) {
        std::function<void()> task = std::move(m_tasks.front());
        m_tasks.pop_front();
        if (!m_error)
            runUnlocked(task, lock);
    }
    waitForWorker(lock);
}

void BackgroundWorker::run(const std::function<void()>& onStart)
{
    if (onStart) {
        try {
            onStart();
        } catch (...) {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_error = std::current_exception();
        }
    }
    std::unique_lock<std::mutex> lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
        if (m_tasks.empty())
            return; // stopping, nothing left
        std::function<void()> task = std::move(m_tasks.front());
        m_tasks.pop_front();
        if (m_error) { // a task failed: the rest depends on it, skip until the owner has waited
            m_changed.notify_all();
            continue;
        }
        m_busy = true;
        runUnlocked(task, lock);
        m_busy = false;
        m_changed.notify_all();
    }
}

void lowerToIdlePriority()
{
#if defined(SCHED_IDLE)
    sched_param param{};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
#endif
}

} // namespace cs
