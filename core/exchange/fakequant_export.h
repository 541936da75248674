#pragma once
// The fake-quantized TorchScript model of a calibration (FORMATS.md "Fake-quantized model").
#include "core/calibration.h"
#include "core/exchange/checkpoint.h"

#include <string>

namespace cs {

// The model file a calibration was made on: `explicitPath` when given, else the recorded
// path, else a file of that name beside `sessionPath`. Throws CalibError naming what was
// tried when none exists.
std::string locateModel(const CalibrationResult& result, const std::string& sessionPath,
                        const std::string& explicitPath = {});

// Rebuilds the model from `modelPath` (which must be the calibrated file: same sha256),
// applies the result's quantization plan (QuantizedModel) and saves it as TorchScript.
// `mode` lays out each conv with a folded batch norm as the eager QAT model of that mode
// computes it in eval (the checkpoint of the same mode starts QAT from this model's outputs).
// Throws CalibError naming the file and the reason.
void saveFakeQuantModel(const CalibrationResult& result, const std::string& modelPath, const std::string& outPath,
                        QatMode mode = QatMode::FuseBn);

} // namespace cs
