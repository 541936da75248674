#pragma once
// The .cscope session file: everything needed to reopen a calibration without re-running
// the model (FORMATS.md "Session"). CBOR, versioned, written atomically.
#include "core/calibration.h"

#include <string>

namespace cs {

inline constexpr int kSessionVersion = 1;

// Throws CalibError naming the file when it cannot be written; the previous file survives.
void saveSession(const CalibrationResult& result, const std::string& path);

// Throws CalibError naming the file when it is missing, not a session, corrupt, or made by
// a newer calibscope. The live observers (`bank`) are rebuilt from their saved states, so
// retunePoint/applyPointConfig work as on the original result; a session saved without them
// (older calibscope, or a result without a bank) loads with `bank` empty.
CalibrationResult loadSession(const std::string& path);

// A copy of `result` with its own live observers (copies of a CalibrationResult share
// `bank`). saveSession reads those observers, which are not thread-safe: to save on a worker
// thread while the GUI thread keeps retuning, take this copy on the GUI thread first.
CalibrationResult detachedCopy(const CalibrationResult& result);

} // namespace cs
