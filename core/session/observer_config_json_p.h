#pragma once
// ObserverConfig <-> JSON, shared by the session file, the qconfig export and --overrides.
#include "core/calibration.h"

#include <QJsonObject>

namespace cs {

QJsonObject observerConfigToJson(const ObserverConfig& config);
// Throws CalibError(subject, reason) on unknown observers, dtypes, qschemes or wrong types.
ObserverConfig observerConfigFromJson(const QJsonObject& json, const std::string& subject);

QJsonObject observerResultToJson(const obs::ObserverResult& result);
obs::ObserverResult observerResultFromJson(const QJsonObject& json);

} // namespace cs
