"""Writes the TorchScript models the test suite inspects (random weights, seeded).

Run with Debian's python3 (python3-torch, python3-torchvision): make_test_models.py OUT_DIR
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class FlagModel(nn.Module):
    """A scripted model whose forward branches on a module attribute (folded by freezing)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.fc = nn.Linear(8, 4)
        self.flag = True

    def forward(self, x):
        x = self.relu(self.bn(self.conv(x)))
        if self.flag:
            x = x * 2.0
        else:
            x = torch.sigmoid(x)
        x = F.adaptive_avg_pool2d(x, 1)
        return self.fc(torch.flatten(x, 1))


class InplaceModel(nn.Module):
    """bn output feeds relu_ in place: its observed minimum must stay negative."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)

    def forward(self, x):
        y = self.bn(self.conv(x))
        z = y + 1.0
        y.relu_()
        return torch.cat([y, z], 1)


def write_inplace_reference(model, out):
    """Calibration input for the in-place model and, per tap point, the statistics eager
    PyTorch computes on the same batches (batch size 16)."""
    import json
    import numpy as np
    g = torch.Generator().manual_seed(1)
    x = torch.randn(64, 1, 8, 8, generator=g) * 2.0
    np.save(os.path.join(out, "inplace_input.npy"), x.numpy())
    points = {"x": [], "bn": [], "add": [], "relu": [], "cat": []}
    with torch.no_grad():
        for b in range(4):
            xb = x[16 * b:16 * (b + 1)]
            y = model.bn(model.conv(xb))
            z = y + 1.0
            values = {"x": xb, "bn": y.clone(), "add": z}
            y.relu_()
            values["relu"] = y
            values["cat"] = torch.cat([y, z], 1)
            for name, t in values.items():
                points[name].append({"min": float(t.min()), "max": float(t.max()),
                                     "sum": float(t.double().sum()), "count": t.numel()})
    with open(os.path.join(out, "inplace_expected.json"), "w") as f:
        json.dump(points, f)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    flag = FlagModel().eval()
    torch.jit.save(torch.jit.script(flag), os.path.join(out, "flag_scripted.pt"))
    inplace = InplaceModel().eval()
    with torch.no_grad():  # non-trivial BN statistics, so that folding is visible
        inplace.bn.running_mean.uniform_(-0.5, 0.5)
        inplace.bn.running_var.uniform_(0.5, 2.0)
        inplace.bn.weight.uniform_(0.5, 1.5)
        inplace.bn.bias.uniform_(-0.2, 0.2)
    write_inplace_reference(inplace, out)
    torch.jit.save(torch.jit.script(inplace), os.path.join(out, "inplace_scripted.pt"))
    torch.jit.save(torch.jit.trace(inplace, torch.randn(1, 1, 8, 8)), os.path.join(out, "inplace_traced.pt"))
    import torchvision
    resnet = torchvision.models.resnet18().eval()
    torch.jit.save(torch.jit.script(resnet), os.path.join(out, "resnet18_scripted.pt"))
    torch.jit.save(torch.jit.trace(resnet, torch.randn(1, 3, 224, 224)), os.path.join(out, "resnet18_traced.pt"))
    write_qat_model(out)  # the models above keep their random streams
    write_rewrite_models(out)  # own seeds, after every older model
    write_transformer_reference(out)
    write_vit(out)


class QatModel(nn.Module):
    """Written the eager-QAT way (QuantStub, conv-bn-relu to fuse, DeQuantStub): the export
    tests load calibscope's checkpoint into a prepare_qat copy of it."""

    def __init__(self):
        super().__init__()
        self.quant = torch.ao.quantization.QuantStub()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.relu = nn.ReLU()
        self.fc = nn.Linear(8, 4)
        self.dequant = torch.ao.quantization.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.relu(self.bn(self.conv(x)))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        return self.dequant(self.fc(x))


def write_qat_model(out):
    """qat_scripted.pt (the float model), qat_float_state.pt (its state dict, for building
    the eager QAT copy) and qat_input.npy (calibration data, 64 samples)."""
    import numpy as np
    torch.manual_seed(7)
    model = QatModel().eval()
    with torch.no_grad():
        model.bn.running_mean.uniform_(-0.5, 0.5)
        model.bn.running_var.uniform_(0.5, 2.0)
        model.bn.weight.uniform_(0.5, 1.5)
        model.bn.bias.uniform_(-0.2, 0.2)
    torch.jit.save(torch.jit.script(model), os.path.join(out, "qat_scripted.pt"))
    torch.save(model.state_dict(), os.path.join(out, "qat_float_state.pt"))
    g = torch.Generator().manual_seed(3)
    np.save(os.path.join(out, "qat_input.npy"), (torch.randn(64, 3, 8, 8, generator=g) * 1.5).numpy())


class Bf16Model(nn.Module):
    """A bfloat16 stretch inside a float model: its points calibrate and evaluate."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        y = self.conv(x).to(torch.bfloat16)
        y = torch.sigmoid(y) * 2.0
        y = F.adaptive_avg_pool2d(y.float(), 1)
        return self.fc(torch.flatten(y, 1))


class HelperModel(nn.Module):
    """forward calls a helper method whose view() fails on any input: an op error below a
    method call must be a clean error, not a crash."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)

    def _impl(self, x):
        return self.conv(x).view(7, -1, 13)

    def forward(self, x):
        return self._impl(x)


def write_rewrite_models(out):
    """bf16_scripted.pt + bf16_input.npy; helper_scripted.pt; transformer_scripted.pt (a
    2-layer TransformerEncoder, input [N, 6, 16])."""
    import numpy as np
    torch.manual_seed(11)
    torch.jit.save(torch.jit.script(Bf16Model().eval()), os.path.join(out, "bf16_scripted.pt"))
    g = torch.Generator().manual_seed(12)
    np.save(os.path.join(out, "bf16_input.npy"), torch.randn(32, 3, 8, 8, generator=g).numpy())
    torch.jit.save(torch.jit.script(HelperModel().eval()), os.path.join(out, "helper_scripted.pt"))
    layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, batch_first=True)
    encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False).eval()
    torch.jit.save(torch.jit.script(encoder), os.path.join(out, "transformer_scripted.pt"))


def record_decomposed_ops(model, x):
    """Runs `model` on `x` eagerly on the decomposed path (autograd on, as in training code)
    and returns (ops, output): the min/max of every conv, linear, bmm and softmax output in
    call order, with the parameter name of each conv/linear weight."""
    ops = []
    weights = {id(p): name for name, p in model.named_parameters()}

    def recording(kind, func):
        def wrapper(*args, **kwargs):
            result = func(*args, **kwargs)
            op = {"kind": kind, "min": result.min().item(), "max": result.max().item()}
            if kind in ("aten::linear", "aten::conv2d"):
                op["weight"] = weights.get(id(args[1]), "")
            ops.append(op)
            return result
        return wrapper

    # multi_head_attention_forward, nn.Linear and nn.Conv2d look these names up at call time.
    saved = F.linear, F.softmax, torch.bmm, F.conv2d
    F.linear, F.softmax, torch.bmm, F.conv2d = (
        recording("aten::linear", saved[0]), recording("aten::softmax", saved[1]),
        recording("aten::bmm", saved[2]), recording("aten::conv2d", saved[3]))
    try:
        with torch.enable_grad():
            y = model(x)
    finally:
        F.linear, F.softmax, torch.bmm, F.conv2d = saved
    return ops, y.detach()


def write_transformer_reference(out):
    """transformer_input.npy [8, 6, 16] + transformer_reference.json: the min/max of every
    linear, bmm and softmax output of transformer_scripted.pt in the order eager PyTorch calls
    them on the decomposed path, the ops calibscope must list as points inside the encoder's
    fast-path and rank branches."""
    import json
    import numpy as np
    layer = nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32, batch_first=True)
    encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False).eval()
    encoder.load_state_dict(torch.jit.load(os.path.join(out, "transformer_scripted.pt")).state_dict())
    g = torch.Generator().manual_seed(13)
    x = torch.randn(8, 6, 16, generator=g)
    np.save(os.path.join(out, "transformer_input.npy"), x.numpy())
    ops, y = record_decomposed_ops(encoder, x)
    with open(os.path.join(out, "transformer_reference.json"), "w") as f:
        json.dump({"ops": ops, "input": x.flatten().tolist(), "output": y.flatten().tolist()}, f)


def write_vit(out):
    """vit_scripted.pt: a small torchvision VisionTransformer (32x32 images, 8x8 patches, 2
    layers, hidden 64, 2 heads, MLP 128, 10 classes), its MultiheadAttention inside the
    fast-path and rank branches; vit_input.npy [4, 3, 32, 32] and vit_reference.json as for
    the TransformerEncoder."""
    import json
    import numpy as np
    from torchvision.models.vision_transformer import VisionTransformer
    torch.manual_seed(21)
    vit = VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=2, hidden_dim=64, mlp_dim=128,
                            num_classes=10).eval()
    with torch.no_grad():  # torchvision zero-initializes the head: give it weights worth quantizing
        vit.heads.head.weight.normal_(0, 0.1)
        vit.heads.head.bias.uniform_(-0.1, 0.1)
    torch.jit.save(torch.jit.script(vit), os.path.join(out, "vit_scripted.pt"))
    g = torch.Generator().manual_seed(22)
    x = torch.randn(4, 3, 32, 32, generator=g)
    np.save(os.path.join(out, "vit_input.npy"), x.numpy())
    ops, y = record_decomposed_ops(vit, x)
    with open(os.path.join(out, "vit_reference.json"), "w") as f:
        json.dump({"ops": ops, "input": x.flatten().tolist(), "output": y.flatten().tolist()}, f)


if __name__ == "__main__":
    main()
