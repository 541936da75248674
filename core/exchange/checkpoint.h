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
// the fused QAT module. Points kept in float are left out; min/max only when known.
#include "core/calibration.h"

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

// The tensors in a stable order (points in graph order, then weights).
std::vector<CheckpointTensor> checkpointTensors(const CalibrationResult& result);

// torch::pickle_save of a c10::Dict<std::string, Tensor>, written atomically. Throws
// CalibError naming the file; the previous file survives a failed write.
void saveCheckpoint(const CalibrationResult& result, const std::string& path);

// Reads a checkpoint back (tests, tools). Throws CalibError when it is not a dict of tensors.
std::vector<CheckpointTensor> loadCheckpoint(const std::string& path);

} // namespace cs
