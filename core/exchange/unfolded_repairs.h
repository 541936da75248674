#pragma once
// Repaired BN-folded conv parameters as the QAT modes that keep the batch norm (with_bn,
// with_bn_reverse_fold) hold them: the conv's own weight and the batch norm's gamma and beta,
// which fold back into the repaired values to float rounding.
#include "core/calibration.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cs {

enum class QatMode;

struct UnfoldedRepair {
    std::vector<int64_t> weightShape; // the conv's weight shape
    std::vector<float> weight;        // the conv's own weight, row-major
    std::vector<float> gamma;         // the batch norm's weight
    std::vector<float> beta;          // the batch norm's bias
};

// By conv op name.
using UnfoldedRepairMap = std::map<std::string, UnfoldedRepair>;

// True when `mode` keeps batch norms and some repaired op has one folded into it: its
// checkpoint then needs unfoldedRepairs().
bool needsUnfoldedRepairs(const CalibrationResult& result, QatMode mode);

// Every repaired op with a folded batch norm, unfolded from the model at `modelPath` (the
// calibrated file). Throws CalibError when the file is not the calibrated model or a batch
// norm has no affine parameters to carry the repair.
UnfoldedRepairMap unfoldedRepairs(const CalibrationResult& result, const std::string& modelPath);

// The unfolded repairs a checkpoint of `mode` needs: empty without loading the model when it
// needs none.
UnfoldedRepairMap unfoldedRepairsFor(const CalibrationResult& result, QatMode mode, const std::string& modelPath);

} // namespace cs
