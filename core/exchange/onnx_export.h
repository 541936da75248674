#pragma once
// ONNX with QuantizeLinear/DequantizeLinear pairs (FORMATS.md "ONNX"): PyTorch's own exporter
// (torch.onnx.export) run by Debian's python3 over the fake-quantized TorchScript.
#include "core/calibration.h"

#include <string>

namespace cs {

struct OnnxExportInfo {
    int activationPairs = 0;  // Q/DQ pairs on activations
    int weightPairs = 0;      // Q/DQ pairs on conv/linear weights (per channel, axis 0)
    std::string namesPath;    // <outPath>.names.json: point name -> ONNX tensor names
};

// Writes `outPath` and `outPath`.names.json, both atomically (nothing is left behind on
// failure). `modelPath` is the calibrated model (see locateModel). Throws CalibError naming
// the op the exporter cannot convert, the missing package (python3-torch, python3-onnx), or
// the file. The interpreter is /usr/bin/python3 unless CALIBSCOPE_PYTHON names another.
OnnxExportInfo saveOnnx(const CalibrationResult& result, const std::string& modelPath, const std::string& outPath,
                        int opset = 13);

} // namespace cs
