"""The repaired parameters in plain PyTorch (Debian python3 + python3-torch).

check_repair_export.py MODELS_DIR F.pt X.npy FLOAT_OUT.npy FQ.pt FQ_OUT.npy [M.onnx]

1. The eager Chain model of make_repair_models.py loads F.pt with load_state_dict (strict) and
   reproduces calibscope's repaired float output FLOAT_OUT.npy on X.npy (to float rounding);
   the equalization scales went into the batch norms (bn1.weight differs from the original).
2. The fake-quantized TorchScript FQ.pt reproduces calibscope's quantized output FQ_OUT.npy.
3. With M.onnx (the ONNX export of the same session): every conv/linear weight in front of a
   QuantizeLinear sits exactly on its grid, and it and every conv/linear bias are bit for bit
   the repaired values the fake-quantized TorchScript computes with (its weights fake-quantized
   with the ONNX scale and zero point; its biases as they are). No ONNX runtime is needed.
Prints what it measured; exits 1 on the first failure.
"""
import os
import sys

import numpy as np
import torch


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    models, state_path, x_path, float_path, fq_path, fq_out_path = sys.argv[1:7]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_repair_models

    x = torch.from_numpy(np.load(x_path))
    model = make_repair_models.Chain().eval()
    original = torch.load(os.path.join(models, "chain_float_state.pt"))
    state = torch.load(state_path)
    missing, unexpected = model.load_state_dict(state, strict=True), None
    with torch.no_grad():
        out = model(x).numpy()
    want = np.load(float_path)
    diff = float(np.abs(out - want).max())
    scale = float(np.abs(want).max())
    print("float state dict: max |diff| %.3g (output max %.3g)" % (diff, scale))
    if diff > 1e-4 * max(1.0, scale):
        fail("the loaded state dict does not reproduce the repaired float output")
    if torch.equal(state["bn1.weight"], original["bn1.weight"]):
        fail("bn1.weight is unchanged: the equalization scales did not go into the batch norm")

    fq = torch.jit.load(fq_path)
    with torch.no_grad():
        fq_out = fq(x).numpy()
    fq_want = np.load(fq_out_path)
    fq_diff = float(np.abs(fq_out - fq_want).max())
    print("fake-quantized model: max |diff| %.3g" % fq_diff)
    if fq_diff > 1e-5 * max(1.0, float(np.abs(fq_want).max())):
        fail("the fake-quantized TorchScript does not reproduce calibscope's repaired quantized output")
    if len(sys.argv) > 7:
        check_onnx(sys.argv[7], fq)
    print("OK")


def check_onnx(onnx_path, fq):
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(onnx_path).graph
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    constants[n.output[0]] = numpy_helper.to_array(a.t)
    # Every tensor the fake-quantized TorchScript holds: parameters, buffers and constants.
    tensors = [t.detach() for t in fq.state_dict().values()]
    for node in fq.inlined_graph.nodes():
        if node.kind() == "prim::Constant" and node.output().type().kind() == "TensorType":
            tensors.append(node.output().toIValue())
    tensors = [t.float() for t in tensors if isinstance(t, torch.Tensor) and t.is_floating_point()]

    weights = 0
    for n in graph.node:
        if n.op_type != "QuantizeLinear" or n.input[0] not in constants:
            continue
        w = constants[n.input[0]].astype(np.float32)
        scale = constants[n.input[1]].astype(np.float32)
        zero = constants[n.input[2]].astype(np.int64)
        axis = next((a.i for a in n.attribute if a.name == "axis"), 1)
        info = np.iinfo(constants[n.input[2]].dtype)
        if scale.ndim == 1:
            shape = [1] * w.ndim
            shape[axis] = scale.size
            scale, zero = scale.reshape(shape), zero.reshape(shape)
        q = np.clip(np.round(w / scale) + zero, info.min, info.max)
        dq = ((q - zero) * scale).astype(np.float32)
        if not np.array_equal(dq, w):
            fail("ONNX weight %s is not on its grid (max |diff| %.3g)" % (n.input[0], float(np.abs(dq - w).max())))
        # The TorchScript weight with this grid: fake-quantized, the same values bit for bit.
        t_scale = torch.from_numpy(scale.reshape(-1).copy())
        t_zero = torch.from_numpy(zero.reshape(-1).astype(np.int32).copy())
        found = False
        for t in tensors:
            if tuple(t.shape) != w.shape:
                continue
            if scale.size == 1:
                f = torch.fake_quantize_per_tensor_affine(t, float(t_scale[0]), int(t_zero[0]), int(info.min),
                                                          int(info.max))
            else:
                f = torch.fake_quantize_per_channel_affine(t, t_scale, t_zero, axis, int(info.min), int(info.max))
            if np.array_equal(f.numpy(), w):
                found = True
                break
        if not found:
            fail("ONNX weight %s is none of the fake-quantized model's weights" % n.input[0])
        weights += 1
    biases = 0
    for n in graph.node:
        if n.op_type in ("Conv", "Gemm") and len(n.input) > 2 and n.input[2] in constants:
            b = constants[n.input[2]].astype(np.float32)
            if not any(tuple(t.shape) == b.shape and np.array_equal(t.numpy(), b) for t in tensors):
                fail("ONNX bias %s is none of the fake-quantized model's biases" % n.input[2])
            biases += 1
    if weights == 0:
        fail("the ONNX export has no quantized weight")
    print("onnx: %d weights on their grids and %d biases, bit for bit the fake-quantized model's" % (weights, biases))


if __name__ == "__main__":
    main()
