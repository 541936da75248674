"""The QAT hand-off, end to end in plain PyTorch (Debian python3 + python3-torch).

check_qat_handoff.py MODE DEMO.pt CHECKPOINT.pt QCONFIG.json FAKEQUANT.pt FASHION_MNIST_DIR [--repaired]

MODE is the --qat-mode the checkpoint was exported with (fuse_bn, with_bn, with_bn_reverse_fold).
Builds the demo as an eager nn.Module with the float weights of DEMO.pt, makes it a QAT model
the PyTorch way for that mode (the recipe docs/USER_GUIDE.md "After calibration" prints):
  fuse_bn              fuse_modules (eval: BN folded into the conv), prepare_qat
  with_bn_reverse_fold fuse_modules_qat (train: ConvBn[ReLU]2d keeps BN), prepare_qat
  with_bn              fuse_modules_qat of bn+relu only (BN stays after the conv, BNReLU2d
                       carries the point), the conv's own output unobserved, prepare_qat
with FakeQuantize + MovingAverage(PerChannel)MinMaxObserver and the averaging constants of the
qconfig's "qat" block; then
 0. load_state_dict(checkpoint, strict=False): no quantization key missing, none unexpected
    (the legacy per-channel min_vals/max_vals are read by the observers' own loader); with
    --repaired (a repaired session's checkpoint) it also replaces float parameters of the
    model (conv weights, batch norm gamma and beta): the repaired values reach the QAT model;
 1. eval, observers off: the outputs equal calibscope's fake-quantized model of the same mode
    (FAKEQUANT.pt, exported with the same --qat-mode) to the bit;
 2. 20 QAT steps (observers on) on 640 training images leave every activation scale and zero
    point exactly as exported;
 3. accuracy after those steps >= calibscope's fake-quantized accuracy - 0.5 points.
Prints what it measured; exits 1 on the first failure.
"""
import gzip
import json
import sys
import warnings

import numpy as np
import torch
import torch.ao.quantization as tq
import torch.nn as nn
import torch.nn.quantized as nnq

warnings.filterwarnings("ignore")

MEAN, STD = 0.2860, 0.3530
EVAL_IMAGES = 500
TRAIN_STEPS, TRAIN_BATCH = 20, 32


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def split(data_dir, prefix, start, count):
    images = idx("%s/%s-images-idx3-ubyte.gz" % (data_dir, prefix))[start:start + count]
    labels = idx("%s/%s-labels-idx1-ubyte.gz" % (data_dir, prefix))[start:start + count]
    x = (torch.from_numpy(images.astype(np.float32)).unsqueeze(1) / 255.0 - MEAN) / STD
    return x, torch.from_numpy(labels.astype(np.int64))


# The demo (core/demo/demo_model.cpp) as an eager model, module for module, named as calibscope
# names the ops: the residual add is a FloatFunctional "add", the block's second ReLU call is
# its own module "relu:2" (FORMATS.md names a module's later calls <module>:2).
class ConvBnReLU(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.bn(self.conv(x)))


class BasicBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.add = nnq.FloatFunctional()
        setattr(self, "relu:2", nn.ReLU())

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        return getattr(self, "relu:2")(self.add.add(self.bn2(self.conv2(out)), x))


class DemoNet(nn.Module):
    def __init__(self, input_name):
        super().__init__()
        self.input_name = input_name
        setattr(self, input_name, tq.QuantStub())
        self.stem = ConvBnReLU(1, 16, 1)
        self.pool = nn.MaxPool2d(2, 2)
        self.stage1 = ConvBnReLU(16, 32, 1)
        self.block1 = BasicBlock(32)
        self.stage2 = ConvBnReLU(32, 64, 2)
        self.block2 = BasicBlock(64)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(64, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = getattr(self, self.input_name)(x)
        x = self.pool(self.stem(x))
        x = self.block1(self.stage1(x))
        x = self.block2(self.stage2(x))
        x = torch.flatten(self.avgpool(x), 1)
        return self.dequant(self.fc(x))


CONV_BN_RELU = [["stem.conv", "stem.bn", "stem.relu"], ["stage1.conv", "stage1.bn", "stage1.relu"],
                ["stage2.conv", "stage2.bn", "stage2.relu"]]
for b in ["block1", "block2"]:
    CONV_BN_RELU += [[b + ".conv1", b + ".bn1", b + ".relu"], [b + ".conv2", b + ".bn2"]]


def dtype_of(block):
    return {"qint8": torch.qint8, "quint8": torch.quint8, "qint32": torch.qint32}[block["dtype"]]


def qscheme_of(block):
    return getattr(torch, block["qscheme"])


def qat_qconfig(qconfig):
    """FakeQuantize with the grid of the qconfig's activations and weights and its "qat" block."""
    act = next(op["activation"] for op in qconfig["ops"] if "activation" in op and op["quantize"])
    wt = next(op["weight"] for op in qconfig["ops"] if "weight" in op)
    qat = qconfig["qat"]
    activation = tq.FakeQuantize.with_args(
        observer=tq.MovingAverageMinMaxObserver, averaging_constant=qat["activation"]["averaging_constant"],
        quant_min=act["quant_min"], quant_max=act["quant_max"], dtype=dtype_of(act), qscheme=qscheme_of(act))
    weight = tq.FakeQuantize.with_args(
        observer=tq.MovingAveragePerChannelMinMaxObserver, averaging_constant=qat["weight"]["averaging_constant"],
        quant_min=wt["quant_min"], quant_max=wt["quant_max"], dtype=dtype_of(wt), qscheme=qscheme_of(wt),
        ch_axis=wt.get("ch_axis", 0))
    return tq.QConfig(activation=activation, weight=weight)


def qat_model(mode, demo_path, qconfig):
    """The recipe of docs/USER_GUIDE.md "After calibration", mode by mode."""
    input_name = next(op["name"] for op in qconfig["ops"] if op["kind"] == "input")
    model = DemoNet(input_name)
    model.load_state_dict(torch.jit.load(demo_path).state_dict(), strict=False)
    config = qat_qconfig(qconfig)
    if mode == "fuse_bn":
        model.eval()
        tq.fuse_modules(model, CONV_BN_RELU, inplace=True)
        model.train()
    elif mode == "with_bn_reverse_fold":
        model.train()
        tq.fuse_modules_qat(model, CONV_BN_RELU, inplace=True)
    elif mode == "with_bn":
        model.train()
        tq.fuse_modules_qat(model, [g[1:] for g in CONV_BN_RELU if len(g) == 3], inplace=True)
        # The point is after BN: the conv's own output is not quantized.
        for group in CONV_BN_RELU:
            model.get_submodule(group[0]).qconfig = tq.QConfig(activation=nn.Identity, weight=config.weight)
    else:
        fail("unknown mode " + mode)
    model.qconfig = config
    prepare_qat(model)
    return model


def prepare_qat(model):
    """tq.prepare_qat, plus observers on the pools and standalone ReLUs, which calibscope's
    deployment points quantize and PyTorch's default propagation list leaves alone."""
    mapping = tq.get_default_qat_module_mappings()
    tq.propagate_qconfig_(model)
    tq.convert(model, mapping=mapping, inplace=True, remove_qconfig=False)
    allow = tq.get_default_qconfig_propagation_list() | {nn.MaxPool2d, nn.AdaptiveAvgPool2d, nn.ReLU}
    tq.prepare(model, inplace=True, allow_list=allow, observer_non_leaf_module_list=set(mapping.values()))


QUANT_LEAVES = (".scale", ".zero_point", ".activation_post_process.min_val", ".activation_post_process.max_val")


def is_quant_key(key):
    return (".activation_post_process." in key or ".weight_fake_quant." in key) and key.endswith(QUANT_LEAVES)


def main():
    mode, demo_path, checkpoint_path, qconfig_path, fq_path, data_dir = sys.argv[1:7]
    repaired = "--repaired" in sys.argv[7:]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    with open(qconfig_path) as f:
        qconfig = json.load(f)
    if qconfig["qat"]["mode"] != mode:
        fail("the qconfig says qat mode %s, the checkpoint was asked for %s" % (qconfig["qat"]["mode"], mode))
    checkpoint = torch.load(checkpoint_path)
    model = qat_model(mode, demo_path, qconfig)

    # 0. Every quantization key loads; none is missing.
    state = {k: v.clone() for k, v in model.state_dict().items()}
    result = model.load_state_dict(checkpoint, strict=False)
    legacy = [k for k in checkpoint if k.endswith((".min_vals", ".max_vals"))]
    unexpected = [k for k in result.unexpected_keys if k not in legacy]
    missing = [k for k in result.missing_keys if is_quant_key(k)]
    if unexpected:
        fail("unexpected keys: %s" % unexpected)
    if missing:
        fail("quantization keys the checkpoint lacks: %s" % missing)
    loaded = [k for k in checkpoint if k in state]
    print("ok  %s: %d checkpoint tensors loaded, no quantization key missing or unexpected (%d legacy "
          "per-channel min_vals/max_vals read by the observers)" % (mode, len(loaded), len(legacy)))
    if repaired:
        # The float parameters the checkpoint changed: the repaired convs and batch norms.
        after = model.state_dict()
        changed = [k for k in checkpoint if k in state and not is_quant_key(k) and state[k].is_floating_point()
                   and not torch.equal(state[k], after[k])]
        if not changed:
            fail("%s: the repaired checkpoint changes no float parameter of the model" % mode)
        print("ok  %s: the repaired checkpoint replaces %d float parameters (%s)"
              % (mode, len(changed), ", ".join(sorted(changed)[:6]) + (", ..." if len(changed) > 6 else "")))
    activations = {name: m for name, m in model.named_modules()
                   if isinstance(m, tq.FakeQuantize) and not name.endswith("weight_fake_quant")}
    for name, fq in activations.items():
        if not torch.equal(fq.scale, checkpoint[name + ".scale"]) \
                or not torch.equal(fq.zero_point, checkpoint[name + ".zero_point"].to(fq.zero_point.dtype)):
            fail("%s: loaded scale %s, exported %s" % (name, fq.scale.tolist(), checkpoint[name + ".scale"].tolist()))
        # What PyTorch's observer makes of the exported range is the exported scale.
        scale, zero_point = fq.activation_post_process.calculate_qparams()
        if not torch.equal(scale.reshape(-1), fq.scale.reshape(-1)) or int(zero_point) != int(fq.zero_point):
            fail("%s: calculate_qparams gives %r, exported %r" % (name, scale.tolist(), fq.scale.tolist()))
    for name, m in model.named_modules():
        if name.endswith("weight_fake_quant"):
            scale, zero_point = m.activation_post_process.calculate_qparams()
            if not torch.equal(scale, m.scale) or not torch.equal(zero_point.to(m.zero_point.dtype), m.zero_point):
                fail("%s: calculate_qparams gives back other weight scales" % name)
    print("ok  calculate_qparams of every loaded observer gives back the exported scale and zero point "
          "(%d activation points)" % len(activations))

    # 1. Eval with the observers off against calibscope's fake-quantized model.
    x_eval, y_eval = split(data_dir, "t10k", 0, EVAL_IMAGES)
    reference = torch.jit.load(fq_path).eval()
    model.eval()
    model.apply(tq.disable_observer)
    model.apply(tq.enable_fake_quant)
    with torch.no_grad():
        expected = reference(x_eval)
        got = model(x_eval)
    diff = (got - expected).abs()
    within = float((diff <= 1e-5).double().mean())
    median = float(diff.median())
    agree = float((got.argmax(1) == expected.argmax(1)).double().mean())
    print("    eval vs calibscope's fake-quantized model: max |diff| %.3g, median %.3g, %.2f%% of logits within "
          "1e-5, top-1 agreement %.2f%%" % (float(diff.max()), median, 100 * within, 100 * agree))
    if not torch.equal(got, expected):
        fail("%s: the QAT model's eval output is not calibscope's to the bit" % mode)
    print("ok  %s: eval output equals calibscope's fake-quantized model of that mode exactly" % mode)
    calibrated = 100 * float((expected.argmax(1) == y_eval).double().mean())

    # 2. QAT steps with the observers on: activation scales stay as exported.
    x_train, y_train = split(data_dir, "train", 0, TRAIN_STEPS * TRAIN_BATCH)
    model.train()
    model.apply(tq.enable_observer)
    model.apply(tq.enable_fake_quant)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    for step in range(TRAIN_STEPS):
        xb = x_train[step * TRAIN_BATCH:(step + 1) * TRAIN_BATCH]
        yb = y_train[step * TRAIN_BATCH:(step + 1) * TRAIN_BATCH]
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    moved = [name for name, fq in activations.items()
             if not torch.equal(fq.scale, checkpoint[name + ".scale"])
             or not torch.equal(fq.zero_point, checkpoint[name + ".zero_point"].to(fq.zero_point.dtype))]
    if moved:
        fail("after %d QAT steps these activation scales moved: %s" % (TRAIN_STEPS, moved))
    print("ok  %d QAT steps (loss %.3f): all %d activation scales and zero points exactly as exported"
          % (TRAIN_STEPS, float(loss), len(activations)))

    # 3. Accuracy after the steps.
    model.eval()
    model.apply(tq.disable_observer)
    with torch.no_grad():
        accuracy = 100 * float((model(x_eval).argmax(1) == y_eval).double().mean())
    print("    accuracy on %d test images: calibscope fake-quantized %.2f%%, after QAT steps %.2f%%"
          % (EVAL_IMAGES, calibrated, accuracy))
    if accuracy < calibrated - 0.5:
        fail("accuracy dropped by more than 0.5 points")
    print("ok  accuracy after QAT steps >= calibrated - 0.5")
    print("PASS")


if __name__ == "__main__":
    main()
