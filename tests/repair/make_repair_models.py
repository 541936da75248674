"""Writes the hand-built TorchScript models the repair suite checks formulas on.

make_repair_models.py OUT_DIR   (Debian python3 + python3-torch)

bias_conv.pt   conv(1->2, 1x1) weight [1, 2], bias [0, 0]; output flattened
bn_conv.pt     conv(1->2, 1x1, no bias) weight [1, 2] -> batch norm (known statistics)
linear.pt      linear(4->3) with known weights, no bias -> relu -> linear(3->2)
chain.pt       conv(3->8)+bn+relu -> depthwise conv(8)+bn+relu -> conv(8->6, 1x1)+bn+relu
               -> conv(6->4, 3x3) -> relu -> avgpool -> linear(4->3); imbalanced channel
               ranges, as equalization expects (chain_float_state.pt holds its state dict)
"""
import os
import sys

import torch
import torch.nn as nn


class BiasConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 1)

    def forward(self, x):
        return torch.flatten(self.conv(x), 1)


class BnConv(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 1, bias=False)
        self.bn = nn.BatchNorm2d(2)

    def forward(self, x):
        return torch.flatten(self.bn(self.conv(x)), 1)


class TwoLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 3, bias=False)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(3, 2)

    def forward(self, x):
        return self.fc2(self.relu(self.fc1(torch.flatten(x, 1))))


class Chain(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu1 = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=8, bias=False)
        self.bn2 = nn.BatchNorm2d(8)
        self.relu2 = nn.ReLU(inplace=True)
        self.conv3 = nn.Conv2d(8, 6, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(6)
        self.relu3 = nn.ReLU(inplace=True)
        self.conv4 = nn.Conv2d(6, 4, 3, padding=1)
        self.relu4 = nn.ReLU(inplace=True)
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        x = self.relu1(self.bn1(self.conv1(x)))
        x = self.relu2(self.bn2(self.conv2(x)))
        x = self.relu3(self.bn3(self.conv3(x)))
        x = self.relu4(self.conv4(x))
        x = torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.fc(x)


def make_chain():
    torch.manual_seed(7)
    m = Chain()
    with torch.no_grad():
        for i, bn in enumerate([m.bn1, m.bn2, m.bn3]):
            c = bn.num_features
            bn.weight.copy_(torch.linspace(1.0, 0.1, c) * (1.0 if i != 1 else 0.5))
            bn.bias.copy_(torch.linspace(-0.5, 2.5, c))
            bn.running_mean.copy_(torch.randn(c) * 0.1)
            bn.running_var.copy_(torch.rand(c) + 0.5)
        # Channel ranges a factor 50 apart: what per-tensor weights quantize badly.
        scale = torch.tensor([1.0, 50.0, 0.2, 5.0, 1.0, 20.0, 0.5, 2.0]).view(8, 1, 1, 1)
        m.conv1.weight.mul_(scale)
    return m.eval()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    m = BiasConv().eval()
    with torch.no_grad():
        m.conv.weight.copy_(torch.tensor([1.0, 2.0]).view(2, 1, 1, 1))
        m.conv.bias.zero_()
    torch.jit.save(torch.jit.script(m), os.path.join(out, "bias_conv.pt"))

    m = BnConv().eval()
    with torch.no_grad():
        m.conv.weight.copy_(torch.tensor([1.0, 2.0]).view(2, 1, 1, 1))
        m.bn.weight.copy_(torch.tensor([2.0, 0.5]))
        m.bn.bias.copy_(torch.tensor([0.25, -0.5]))
        m.bn.running_mean.copy_(torch.tensor([0.5, 1.0]))
        m.bn.running_var.copy_(torch.tensor([4.0, 0.25]))
    torch.jit.save(torch.jit.script(m), os.path.join(out, "bn_conv.pt"))

    m = TwoLinear().eval()
    with torch.no_grad():
        m.fc1.weight.copy_(torch.tensor([[0.9, -0.4, 0.3, 0.05], [0.2, 0.7, -0.6, 0.1], [-0.3, 0.2, 0.5, -0.8]]))
        m.fc2.weight.copy_(torch.tensor([[0.5, -0.25, 0.75], [-0.6, 0.4, 0.1]]))
        m.fc2.bias.copy_(torch.tensor([0.1, -0.2]))
    torch.jit.save(torch.jit.script(m), os.path.join(out, "linear.pt"))

    m = make_chain()
    torch.jit.save(torch.jit.script(m), os.path.join(out, "chain.pt"))
    torch.save(m.state_dict(), os.path.join(out, "chain_float_state.pt"))


if __name__ == "__main__":
    main()
