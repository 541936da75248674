"""Test-time models for the ONNX export (random weights, small inputs, seeded).

make_onnx_models.py OUT_DIR writes, for NAME in resnet18, mobilenet_v2, erfinv:
NAME.pt (TorchScript, eval mode) and NAME_input.npy (16 calibration inputs). erfinv has an op
PyTorch's ONNX exporter cannot convert (aten::erfinv).
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision


class Erfinv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return torch.special.erfinv(torch.tanh(self.conv(x)) * 0.5)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    models = {"resnet18": torchvision.models.resnet18(num_classes=10),
              "mobilenet_v2": torchvision.models.mobilenet_v2(num_classes=10, width_mult=0.5),
              "erfinv": Erfinv()}
    g = torch.Generator().manual_seed(1)
    for name, model in models.items():
        model.eval()
        with torch.no_grad():  # BN statistics that are not the identity, as a trained model has
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.1, 0.1)
                    m.running_var.uniform_(0.5, 2.0)
        torch.jit.save(torch.jit.script(model), os.path.join(out, name + ".pt"))
        np.save(os.path.join(out, name + "_input.npy"), torch.randn(16, 3, 32, 32, generator=g).numpy())
    print("wrote", ", ".join(models))


if __name__ == "__main__":
    main()
