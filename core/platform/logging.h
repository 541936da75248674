#pragma once
#include <functional>
#include <string>

namespace cs {

enum class LogLevel { Debug, Info, Warning, Error };

// Sets up the "calibscope" spdlog logger: stderr for the CLI (unless quiet) plus any
// listeners (the GUI's log panel). Safe to call more than once.
void initLogging(bool toStderr, LogLevel minimum = LogLevel::Info);

// Listeners are called on the thread that logged; GUI code must hop to its own thread.
using LogListener = std::function<void(LogLevel, const std::string& message)>;
int addLogListener(LogListener listener);
void removeLogListener(int id);

void logDebug(const std::string& message);
void logInfo(const std::string& message);
void logWarning(const std::string& message);
void logError(const std::string& message);

} // namespace cs
