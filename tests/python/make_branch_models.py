"""Writes a scripted model whose compute sits in data-dependent branches, its calibration
data and what eager PyTorch's forward hooks see on it (test_branch_points).

Run with Debian's python3 (python3-torch): make_branch_models.py OUT_DIR

branch_scripted.pt   if x.sum() > 0: conv1 else: conv2, then (nested, in the else arm)
                     if y.mean() < 0: y * 2; pooled into a linear head. Input [N, 3, 8, 8].
branch_input.npy     32 samples: batches of 8 alternate between a positive and a negative
                     shift, so both arms run, in different batches.
branch_then.npy      16 samples, both batches positive: the else arm never runs.
loop_scripted.pt     a loop whose trip count depends on the data, its body
                     y * i, sigmoid, add: ops that are not points (a warning names them).
branch_reference.json  per batch of 8 of branch_input.npy: the arm taken and the min/max of
                     conv1's and conv2's outputs as forward hooks see them.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class BranchModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4, 5)

    def forward(self, x):
        if x.sum() > 0:
            y = self.conv1(x)
        else:
            y = self.conv2(x)
            if y.mean() < 0:
                y = y * 2.0
        y = F.adaptive_avg_pool2d(y, 1)
        return self.fc(torch.flatten(y, 1))


class LoopModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.fc = nn.Linear(4, 5)

    def forward(self, x):
        y = torch.relu(self.conv(x))
        acc = torch.zeros_like(y)
        for i in range(int(x.abs().mean().item() * 3.0) + 1):
            acc = acc + torch.sigmoid(y * float(i))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(acc, 1), 1))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(31)
    model = BranchModel().eval()
    torch.jit.save(torch.jit.script(model), os.path.join(out, "branch_scripted.pt"))
    torch.jit.save(torch.jit.script(LoopModel().eval()), os.path.join(out, "loop_scripted.pt"))

    g = torch.Generator().manual_seed(32)
    batches = []
    for b in range(4):
        shift = 1.0 if b % 2 == 0 else -1.0
        batches.append(torch.randn(8, 3, 8, 8, generator=g) + shift)
    x = torch.cat(batches)
    np.save(os.path.join(out, "branch_input.npy"), x.numpy())
    then = torch.cat([torch.randn(8, 3, 8, 8, generator=g) + 1.0 for _ in range(2)])
    np.save(os.path.join(out, "branch_then.npy"), then.numpy())

    seen = {}

    def hook(name):
        def record(module, inputs, output):
            seen[name] = (float(output.min()), float(output.max()))
        return record

    model.conv1.register_forward_hook(hook("conv1"))
    model.conv2.register_forward_hook(hook("conv2"))
    reference = []
    with torch.no_grad():
        for xb in batches:
            seen.clear()
            model(xb)
            entry = {"arm": "then" if float(xb.sum()) > 0 else "else"}
            for name, (lo, hi) in seen.items():
                entry[name] = {"min": lo, "max": hi}
            reference.append(entry)
    with open(os.path.join(out, "branch_reference.json"), "w") as f:
        json.dump(reference, f)


if __name__ == "__main__":
    main()
