#pragma once
// The PyTorch checkpoint (FORMATS.md "Checkpoint"): a flat dict of tensors that Python's
// torch.load reads and `model.load_state_dict(ckpt, strict=False)` loads into an eager-mode
// QAT model (torch.ao.quantization prepare_qat, Horizon's load_observer_params):
//   <p>.scale                                 float32 [1] or [C]
//   <p>.zero_point                            int32   [1] or [C]
//   <p>.activation_post_process.min_val       float32 0-d or [C]
//   <p>.activation_post_process.max_val       float32 0-d or [C]
//   <p>.activation_post_process.min_vals/max_vals  per-channel only: the same values under the
//       legacy names that PyTorch's per-channel observers size their buffers from when the
//       dict carries no state-dict version (a plain dict never does)
// with <p> = <module>.activation_post_process for an activation point and
// <module>.weight_fake_quant for a conv/linear weight. <module> is the op name; a fused
// conv/linear [+bn] [+relu] point is keyed by its head (the conv), where fuse_modules puts
// the fused QAT module. Points kept in float are left out.
//
// min_val/max_val are not the observed range but the range that PyTorch's calculate_qparams
// (for the QAT model's MinMax/MovingAverage observers) turns back into exactly the exported
// scale and zero point: the first QAT forward with observers on recomputes the scale from
// them, so anything else would move every scale at step one. The observed range stays in the
// qconfig.
//
// The QAT mode (HAT's qat_mode) says how the QAT model treats a conv followed by batch norm:
//   fuse_bn              BN folded into the conv (fuse_modules in eval mode); the weight
//                        quantizer sees the folded weight. Keys as above.
//   with_bn              BN stays a module after the conv; the weight quantizer sees the
//                        conv's own weight W, so its scales are computed on W. The point after
//                        conv->bn[->relu] is keyed by the bn (fuse_modules([bn, relu]) puts
//                        BNReLU2d there).
//   with_bn_reverse_fold BN stays inside the fused QAT module (fuse_modules_qat: ConvBn*2d,
//                        `<conv>.bn.*`); the weight quantizer sees W*gamma/sqrt(var+eps), so
//                        the scales and keys are those of fuse_bn.
// Models without a folded batch norm give the same checkpoint in every mode.
//
// Repaired parameters (QuantPlan::parameters, BN-folded) replace the module's own: fuse_bn
// writes them as they are (<conv>.weight, <conv>.bias); the modes that keep the batch norm
// write them unfolded (UnfoldedRepair): <conv>.weight and the batch norm's weight and bias
// (with_bn: <bn>.weight/.bias, <bn>.0.weight/.bias where a ReLU follows and BNReLU2d holds
// the bn; with_bn_reverse_fold: <conv>.bn.weight/.bias), the conv's own
// bias staying the model's. with_bn's weight scales are then those of that unfolded weight.
#include "core/calibration.h"
#include "core/exchange/unfolded_repairs.h"

#include <optional>

#include <cstdint>
#include <string>
#include <vector>

namespace cs {

struct CheckpointTensor {
    std::string key;
    std::vector<int64_t> shape;       // {} = 0-d
    std::vector<float> floats;        // float32 tensors
    std::vector<int32_t> ints;        // int32 tensors (zero points)
    bool isInt = false;
};

enum class QatMode { FuseBn, WithBn, WithBnReverseFold };

// "fuse_bn", "with_bn", "with_bn_reverse_fold" (HAT's names).
const char* qatModeName(QatMode mode);
std::optional<QatMode> parseQatMode(const std::string& name);

// True when some conv/linear weight has a batch norm folded into it: only then do the QAT
// modes give different checkpoints.
bool qatModesDiffer(const CalibrationResult& result);

// The tensors in a stable order (graph order; per op its activation point, then its weight).
// Throws CalibError for with_bn when a weight's observer needs more than the unfolded
// weight's per-channel range (the only part of the unfolded weight a session keeps), and when
// needsUnfoldedRepairs() and `unfolded` lacks a repaired op (unfoldedRepairsFor() gives it).
std::vector<CheckpointTensor> checkpointTensors(const CalibrationResult& result, QatMode mode = QatMode::FuseBn,
                                                const UnfoldedRepairMap& unfolded = {});

// The observer range [min, max] that PyTorch's calculate_qparams (per-tensor or per-channel
// MinMax, no power-of-two rounding) maps to exactly `scale` and `zeroPoint` under `spec`.
// Returns false (leaving min/max untouched) when no float32 range does.
bool survivingRange(float scale, int64_t zeroPoint, const obs::QuantSpec& spec, float& min, float& max);

// torch::pickle_save of a c10::Dict<std::string, Tensor>, written atomically. Throws
// CalibError naming the file; the previous file survives a failed write.
void saveCheckpoint(const CalibrationResult& result, const std::string& path, QatMode mode = QatMode::FuseBn,
                    const UnfoldedRepairMap& unfolded = {});

// Reads a checkpoint back (tests, tools). Throws CalibError when it is not a dict of tensors.
std::vector<CheckpointTensor> loadCheckpoint(const std::string& path);

} // namespace cs
