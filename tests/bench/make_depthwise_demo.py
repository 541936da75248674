#!/usr/bin/python3
"""Trains a second demo model, a MobileNet-style depthwise-separable CNN with batch norms, on
the same Fashion-MNIST splits as the demo, and writes it as a demo folder (demo.pt, demo.json)
that bench_repair takes in place of the demo: `bench_repair OUT_DIR`.

Why a second model: the demo CNN loses nothing to per-tensor qint8 weights, so "bias correction
and equalization halve the gap min_max leaves" cannot show on it. Depthwise convolutions after
batch-norm folding have per-channel weight ranges that differ by orders of magnitude (the case
cross-layer equalization was made for), so per-tensor weights cost accuracy here.

Usage: /usr/bin/python3 tests/bench/make_depthwise_demo.py DEMO_DIR OUT_DIR [EPOCHS]
(DEMO_DIR: the demo folder whose demo.json names the data and the preprocessing.)
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn


def read_idx(path):
    """An IDX file: magic (two zeros, the type, the number of dimensions), big-endian sizes, the bytes."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    shape = np.frombuffer(raw, dtype=">u4", count=raw[3], offset=4)
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(shape)).reshape(shape)


def block(cin, cout, stride):
    return nn.Sequential(
        nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False), nn.BatchNorm2d(cin), nn.ReLU6(),
        nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU6())


class DepthwiseNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU6())
        self.features = nn.Sequential(block(16, 32, 1), block(32, 64, 2), block(64, 64, 1),
                                      block(64, 128, 2), block(128, 128, 1))
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        x = self.features(self.stem(x))
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def main():
    demo_dir, out = sys.argv[1], sys.argv[2]
    epochs = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    with open(os.path.join(demo_dir, "demo.json"), encoding="utf-8") as f:
        description = json.load(f)
    pre = description["preprocess"]
    cal = description["calibration"]
    images = read_idx(cal["path"]).astype(np.float32) * float(pre["scale"])
    images = (images - float(pre["mean"][0])) / float(pre["std"][0])
    labels = read_idx(cal["labels"]).astype(np.int64)
    train = slice(0, int(cal["start"]))  # the calibration images come after the training ones
    x = torch.from_numpy(images[train]).unsqueeze(1)
    y = torch.from_numpy(labels[train])

    torch.manual_seed(0)
    model = DepthwiseNet()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    start = time.time()
    for _ in range(epochs):
        order = torch.randperm(len(x))
        model.train()
        for i in range(0, len(x), 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    model.eval()
    val = description["validation"]
    vx = (read_idx(val["path"]).astype(np.float32) * float(pre["scale"]) - float(pre["mean"][0])) / float(pre["std"][0])
    vy = read_idx(val["labels"]).astype(np.int64)
    with torch.no_grad():
        pred = torch.cat([model(torch.from_numpy(vx[i:i + 500]).unsqueeze(1)).argmax(1)
                          for i in range(0, len(vx), 500)])
    accuracy = float((pred.numpy() == vy).mean())

    os.makedirs(out, exist_ok=True)
    metadata = {"input_shape": [1, 1, 28, 28], "preprocess": pre, "classes": description.get("classes", [])}
    torch.jit.save(torch.jit.script(model), os.path.join(out, "demo.pt"),
                   _extra_files={"calibscope.json": json.dumps(metadata)})
    description = dict(description)
    description["test_accuracy"] = accuracy
    description["train_seconds"] = time.time() - start
    description["training"] = {"architecture": "depthwise-separable (make_depthwise_demo.py)",
                               "epochs": epochs, "batch_size": 64, "learning_rate": 0.002, "seed": "0"}
    description["parameters"] = sum(p.numel() for p in model.parameters())
    with open(os.path.join(out, "demo.json"), "w", encoding="utf-8") as f:
        json.dump(description, f, indent=4)
    print(f"{out}: test accuracy {accuracy:.4f}, {description['parameters']} parameters, "
          f"trained in {description['train_seconds']:.0f} s")


if __name__ == "__main__":
    main()
