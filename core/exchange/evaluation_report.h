#pragma once
// The evaluation as JSON (`calibscope-cli evaluate --report`) and as text for the terminal.
#include "core/evaluation.h"

#include <QJsonObject>

#include <string>

namespace cs {

QJsonObject evaluationToJson(const CalibrationResult& calibration, const EvaluationResult& evaluation);
// Written atomically; throws CalibError naming the file.
void writeEvaluationReport(const CalibrationResult& calibration, const EvaluationResult& evaluation,
                           const std::string& path);
std::string formatEvaluation(const EvaluationResult& evaluation, int worstPoints = 10);

} // namespace cs
