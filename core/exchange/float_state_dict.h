#pragma once
// The repaired parameters as a state dict of the user's original float model (FORMATS.md
// "Float state dict"): model.load_state_dict(torch.load(F.pt)) on the user's own eager model
// reproduces calibscope's repaired float model.
#include "core/calibration.h"

#include <string>

namespace cs {

// Every parameter and buffer of the model at `modelPath` (the calibrated file), with the
// repaired ops' values replaced: where a batch norm was folded into the op (deployment mode)
// the per-channel output scale of the repair goes into the BN's weight (gamma), the bias
// change into its bias (beta), and the rest into the conv/linear's own weight; elsewhere the
// repaired weight and bias replace the op's own. Throws CalibError naming the op when a
// repaired value has no place in the state dict (a functional conv, a bias the model lacks,
// a batch norm without affine parameters) and naming the file when it cannot be written.
void saveFloatStateDict(const CalibrationResult& result, const std::string& modelPath, const std::string& outPath);

} // namespace cs
