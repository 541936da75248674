#pragma once
// A calibration result as `calibscope-cli inspect --session` prints it.
#include "core/calibration.h"

#include <string>

namespace cs {

std::string formatPointsTable(const CalibrationResult& result);
std::string formatPointsCsv(const CalibrationResult& result);
std::string formatPointsJson(const CalibrationResult& result);
// One point in detail (observer result, compare results, statistics); throws CalibError
// listing close names when the op is unknown.
std::string formatPointDetails(const CalibrationResult& result, const std::string& opName, bool json);

} // namespace cs
