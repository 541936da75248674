"""Interop check of calibscope's checkpoint with real PyTorch (Debian python3 + python3-torch).

check_checkpoint.py MODELS_DIR CHECKPOINT QCONFIG BATCH_SIZE

Builds an eager-mode QAT copy of tests/python/make_test_models.py's QatModel (fuse conv-bn-relu,
prepare_qat with calibscope's default grids: qint8 per-tensor symmetric activations, qint8
per-channel symmetric weights), then
 1. loads the checkpoint with load_state_dict(strict=False): the conv/fc activation and weight
    quantizers must be loaded, every unexpected key must belong to a point the QAT model has no
    module for, and the loaded scale/zero_point/min/max must equal the qconfig's exactly;
 2. calibrates a second copy with PyTorch's own observers on the same batches (observers on,
    fake quantization off, eval mode: Horizon's CALIBRATION state) and checks calibscope's
    scales against them;
 3. runs the loaded model with fake quantization on: finite outputs.
Prints what it checked; exits 1 on the first mismatch.
"""
import json
import os
import sys
import warnings

import numpy as np
import torch
import torch.ao.quantization as tq

warnings.filterwarnings("ignore")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from make_test_models import QatModel  # noqa: E402


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def qat_model(models_dir):
    model = QatModel()
    model.load_state_dict(torch.load(os.path.join(models_dir, "qat_float_state.pt")))
    model.train()
    tq.fuse_modules_qat(model, [["conv", "bn", "relu"]], inplace=True)
    act = tq.FakeQuantize.with_args(observer=tq.MovingAverageMinMaxObserver, averaging_constant=0.01,
                                    quant_min=-128, quant_max=127, dtype=torch.qint8,
                                    qscheme=torch.per_tensor_symmetric)
    weight = tq.FakeQuantize.with_args(observer=tq.MovingAveragePerChannelMinMaxObserver, quant_min=-128,
                                       quant_max=127, dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
                                       ch_axis=0)
    model.qconfig = tq.QConfig(activation=act, weight=weight)
    tq.prepare_qat(model, inplace=True)
    model.eval()
    return model


def block(qconfig, op, which):
    for entry in qconfig["ops"]:
        if entry["name"] == op:
            return entry[which]
    fail("qconfig has no op " + op)


def same(name, tensor, values, dtype):
    expected = torch.tensor(values, dtype=dtype)
    got = tensor.reshape(-1)
    if not torch.equal(got, expected):
        fail("%s: loaded %s, qconfig says %s" % (name, got.tolist(), expected.tolist()))
    print("ok  %-55s %s" % (name, [round(v, 8) for v in got.tolist()][:4]))


def close(name, got, expected, rtol=2e-6):
    # Both as float32 first: the qconfig's shortest decimals name float32 values exactly.
    got = torch.as_tensor(got, dtype=torch.float32).to(torch.float64).reshape(-1)
    expected = torch.as_tensor(expected, dtype=torch.float32).to(torch.float64).reshape(-1)
    if got.shape != expected.shape or not torch.allclose(got, expected, rtol=rtol, atol=1e-12):
        fail("%s: calibscope %s, PyTorch %s" % (name, got.tolist(), expected.tolist()))
    print("ok  %-55s matches PyTorch (max rel %.2g)" % (name, float(((got - expected).abs() / expected.abs().clamp_min(1e-30)).max())))


def main():
    models_dir, checkpoint_path, qconfig_path, batch_size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(qconfig_path) as f:
        qconfig = json.load(f)
    checkpoint = torch.load(checkpoint_path)
    if not isinstance(checkpoint, dict) or not all(torch.is_tensor(v) for v in checkpoint.values()):
        fail("the checkpoint is not a dict of tensors")

    # 1. load_state_dict into the eager QAT copy.
    model = qat_model(models_dir)
    result = model.load_state_dict(checkpoint, strict=False)
    modules = dict(model.named_modules())
    state = model.state_dict()
    not_loaded = []
    for key in checkpoint:
        if key in state:
            continue
        owner = key.split(".activation_post_process")[0].split(".weight_fake_quant")[0]
        legacy = key.endswith(".min_vals") or key.endswith(".max_vals")
        if owner in modules and not legacy:
            fail("%s was not loaded although the QAT model has module %s" % (key, owner))
        if owner not in modules:
            not_loaded.append(key)
    for prefix in ["conv.activation_post_process", "conv.weight_fake_quant", "fc.activation_post_process",
                   "fc.weight_fake_quant"]:
        for leaf in ["scale", "zero_point", "activation_post_process.min_val", "activation_post_process.max_val"]:
            if prefix + "." + leaf not in checkpoint:
                fail("the checkpoint has no " + prefix + "." + leaf)
            if prefix + "." + leaf in result.missing_keys:
                fail(prefix + "." + leaf + " was not loaded")
    print("ok  load_state_dict(strict=False); not loaded (no such QAT module): %s" % sorted(not_loaded))
    # The conv-bn-relu point is named after its last op (relu) and keyed by the fused module (conv).
    points = {"conv.activation_post_process": block(qconfig, "relu", "activation"),
              "fc.activation_post_process": block(qconfig, "fc", "activation"),
              "conv.weight_fake_quant": block(qconfig, "conv", "weight"),
              "fc.weight_fake_quant": block(qconfig, "fc", "weight")}
    for path, values in points.items():
        fq = model.get_submodule(path)
        same(path + ".scale", fq.scale, values["scale"], torch.float32)
        same(path + ".zero_point", fq.zero_point, values["zero_point"], torch.int32)
        # The loaded range is the one PyTorch's observer turns back into the exported scale.
        scale, zero_point = fq.activation_post_process.calculate_qparams()
        same(path + " calculate_qparams scale", scale, values["scale"], torch.float32)
        same(path + " calculate_qparams zero_point", zero_point.to(torch.int32), values["zero_point"], torch.int32)
        if fq.activation_post_process.min_val.dim() != (1 if "weight" in path else 0):
            fail(path + ": min_val has the wrong rank")

    # 2. PyTorch's own observers on the same calibration batches (QuantStub = the input point).
    input_name = [op["name"] for op in qconfig["ops"] if op["kind"] == "input"][0]
    reference = qat_model(models_dir)
    reference.apply(tq.disable_fake_quant)
    reference.apply(tq.enable_observer)
    x = torch.from_numpy(np.load(os.path.join(models_dir, "qat_input.npy")))
    with torch.no_grad():
        for start in range(0, x.shape[0], batch_size):
            reference(x[start:start + batch_size])
    for path in ["conv.activation_post_process", "fc.activation_post_process", "quant.activation_post_process"]:
        observer = reference.get_submodule(path).activation_post_process
        scale, _ = observer.calculate_qparams()
        mine = block(qconfig, {"conv": "relu", "fc": "fc", "quant": input_name}[path.split(".")[0]], "activation")
        close(path + " scale", mine["scale"], scale)
        close(path + " min", mine["min"], observer.min_val)
        close(path + " max", mine["max"], observer.max_val)
    # Weights: calibscope folds BN into the conv weight like the QAT ConvBnReLU2d does in eval.
    conv = reference.conv
    folded = conv.weight * (conv.bn.weight / torch.sqrt(conv.bn.running_var + conv.bn.eps)).reshape(-1, 1, 1, 1)
    for name, w in [("conv.weight_fake_quant", folded), ("fc.weight_fake_quant", reference.fc.weight)]:
        observer = tq.PerChannelMinMaxObserver(ch_axis=0, dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
        observer(w.detach())
        close(name + " scale", checkpoint[name + ".scale"], observer.calculate_qparams()[0], rtol=1e-5)

    # 3. The loaded model runs with calibscope's quantization.
    model.apply(tq.disable_observer)
    model.apply(tq.enable_fake_quant)
    with torch.no_grad():
        y = model(x[:batch_size])
    if not torch.isfinite(y).all():
        fail("the QAT model with the loaded checkpoint gives non-finite outputs")
    print("ok  QAT model with the checkpoint runs: output %s" % list(y.shape))
    print("PASS")


if __name__ == "__main__":
    main()
