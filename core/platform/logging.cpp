#include "core/platform/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <map>
#include <mutex>

namespace cs {
namespace {

LogLevel fromSpd(spdlog::level::level_enum level)
{
    switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return LogLevel::Debug;
    case spdlog::level::info: return LogLevel::Info;
    case spdlog::level::warn: return LogLevel::Warning;
    default: return LogLevel::Error;
    }
}

spdlog::level::level_enum toSpd(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: return spdlog::level::debug;
    case LogLevel::Info: return spdlog::level::info;
    case LogLevel::Warning: return spdlog::level::warn;
    case LogLevel::Error: return spdlog::level::err;
    }
    return spdlog::level::info;
}

// Fans log records out to the registered listeners; the mutex lives in base_sink.
class ListenerSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    int add(LogListener listener)
    {
        std::lock_guard<std::mutex> lock(listenersMutex);
        listeners.emplace(++lastId, std::move(listener));
        return lastId;
    }
    void remove(int id)
    {
        std::lock_guard<std::mutex> lock(listenersMutex);
        listeners.erase(id);
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override
    {
        const std::string text(msg.payload.data(), msg.payload.size());
        std::map<int, LogListener> copy;
        {
            std::lock_guard<std::mutex> lock(listenersMutex);
            copy = listeners;
        }
        for (const auto& [id, listener] : copy)
            listener(fromSpd(msg.level), text);
    }
    void flush_() override {}

private:
    std::mutex listenersMutex;
    std::map<int, LogListener> listeners;
    int lastId = 0;
};

std::shared_ptr<ListenerSink>& listenerSink()
{
    static auto sink = std::make_shared<ListenerSink>();
    return sink;
}

std::shared_ptr<spdlog::logger> logger()
{
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    auto log = spdlog::get("calibscope");
    if (!log) {
        initLogging(true);
        log = spdlog::get("calibscope");
    }
    return log;
}

} // namespace

void initLogging(bool toStderr, LogLevel minimum)
{
    std::vector<spdlog::sink_ptr> sinks{listenerSink()};
    if (toStderr)
        sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    spdlog::drop("calibscope");
    auto log = std::make_shared<spdlog::logger>("calibscope", sinks.begin(), sinks.end());
    log->set_level(toSpd(minimum));
    log->set_pattern("[%H:%M:%S] [%l] %v");
    spdlog::register_logger(log);
}

int addLogListener(LogListener listener) { return listenerSink()->add(std::move(listener)); }
void removeLogListener(int id) { listenerSink()->remove(id); }

void logDebug(const std::string& message) { logger()->debug(message); }
void logInfo(const std::string& message) { logger()->info(message); }
void logWarning(const std::string& message) { logger()->warn(message); }
void logError(const std::string& message) { logger()->error(message); }

} // namespace cs
