#pragma once
// The qconfig JSON (FORMATS.md "qconfig JSON"): every op with its activation and weight
// quantization (observer, all parameters, integer grid, computed min/max/scale/zero point),
// the model hash and the calibration description. Keys come in a fixed order and numbers
// in their shortest exact form, so the same result always gives the same bytes.
#include "core/calibration.h"
#include "core/exchange/checkpoint.h"

#include <string>

namespace cs {

inline constexpr const char* kQconfigFormat = "calibscope-qconfig";
inline constexpr int kQconfigVersion = 1;

// `mode` is the QAT mode the checkpoint is written for; the "qat" block names it beside the
// observer settings that keep the exported scales through the first QAT steps.
std::string formatQconfig(const CalibrationResult& result, QatMode mode = QatMode::FuseBn);

// Written atomically; throws CalibError naming the file (the previous file survives).
void saveQconfig(const CalibrationResult& result, const std::string& path, QatMode mode = QatMode::FuseBn);

} // namespace cs
