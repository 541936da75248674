#pragma once
#include <stdexcept>
#include <string>

namespace cs {

// The one exception type core throws for bad input or a failed computation. `what()` is a
// single line meant for the user: it names the file or op and the reason.
class CalibError : public std::runtime_error {
public:
    explicit CalibError(const std::string& message) : std::runtime_error(message) {}
    CalibError(const std::string& subject, const std::string& reason);
};

// Strips LibTorch's multi-line diagnostics (C++ stack traces, "Exception raised from")
// down to the first meaningful line.
std::string firstLine(const std::string& text);

} // namespace cs
