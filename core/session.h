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
// a newer calibscope. The live observers are not stored: `bank` is empty after loading.
CalibrationResult loadSession(const std::string& path);

} // namespace cs
