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


if __name__ == "__main__":
    main()
