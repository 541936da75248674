#!/usr/bin/python3
"""Writes what bench_repair's resnet18 mode times the repairs on: torchvision's ResNet-18 with
random weights (seeded), scripted, and 8 batches of 16 random 3x224x224 images.

Usage (Debian's python3 with python3-torch and python3-torchvision):
  /usr/bin/python3 tests/bench/bench_repair_resnet18.py OUT_DIR
  build/tests/repair/bench_repair resnet18 OUT_DIR/resnet18.pt OUT_DIR/calib.npy [ADAROUND_ITERATIONS]
"""
import os
import sys

import numpy as np
import torch
import torchvision


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    torch.jit.save(torch.jit.script(model), os.path.join(out, "resnet18.pt"))
    rng = np.random.default_rng(0)
    np.save(os.path.join(out, "calib.npy"), rng.standard_normal((8 * 16, 3, 224, 224), dtype=np.float32))


if __name__ == "__main__":
    main()
