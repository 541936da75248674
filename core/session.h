#pragma once
// The .cscope session file: everything needed to reopen a calibration without re-running
// the model (FORMATS.md "Session"). CBOR, versioned, written atomically.
#include "core/calibration.h"

#include <string>

namespace cs {

// Version 2 adds repaired parameters and the repairs applied; a session without them is
// still written as version 1, so that older calibscope versions keep reading it (and refuse,
// instead of silently dropping, a repaired one).
inline constexpr int kSessionVersion = 2;

// Throws CalibError naming the file when it cannot be written; the previous file survives.
// `bank` is saved beside the result so that a reopened session still retunes instantly (an
// empty bank saves none). The observers are not thread-safe: to save on a worker thread while
// the GUI thread keeps retuning, hand the worker a bank.clone() taken on the GUI thread.
void saveSession(const CalibrationResult& result, const ObserverBank& bank, const std::string& path);

// Throws CalibError naming the file when it is missing, not a session, corrupt, or made by
// a newer calibscope. The live observers are rebuilt into `bank` (when given) from their
// saved states, so retunePoint/applyPointConfig work as on the original result; a session
// saved without them (older calibscope, or an empty bank) loads with `bank` empty.
CalibrationResult loadSession(const std::string& path, ObserverBank* bank = nullptr);

} // namespace cs
