#pragma once
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace cs {

// What a long job reports; value type so it can cross threads in a queued signal.
struct ProgressInfo {
    std::string stage;         // "training", "calibrating", ...
    int64_t done = 0;
    int64_t total = 0;
    double itemsPerSecond = 0; // images/s where that makes sense
    std::string message;
};

// Called from the worker thread; return false to cancel the job.
using ProgressCallback = std::function<bool(const ProgressInfo&)>;

// Thrown by a job when its progress callback asked to stop; nothing half-done is kept.
class JobCancelled : public std::runtime_error {
public:
    JobCancelled() : std::runtime_error("cancelled") {}
};

} // namespace cs
