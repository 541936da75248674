#!/usr/bin/env python3
"""Times linear-heavy TorchScript forwards (an MLP and a small ViT-style encoder) with whatever
BLAS the dynamic linker gives LibTorch, to compare implementations (BENCHMARKS.md, "BLAS").

    /usr/bin/python3 tests/bench/bench_blas_forward.py [repeats]
    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/blas /usr/bin/python3 tests/bench/bench_blas_forward.py

Debian's python3-torch loads the same libtorch_cpu.so as calibscope, so the BLAS it binds is the
one calibscope binds under the same environment. Prints the median and best of the repeats.
"""
import os
import statistics
import sys
import time

import torch
from torch import nn


def blas_file():
    # The file that maps sgemm_: the resolved libblas.so.3 seen in this process's mappings.
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "libblas" in path or "blis" in path:
                return path
    return "?"


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(784, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(),
                                  nn.Linear(1024, 10))

    def forward(self, x):
        return self.body(x)


class TinyVit(nn.Module):
    """A ViT-style encoder: 64 patches of 48 values plus a class token, four pre-norm layers."""

    def __init__(self, width=256, depth=4):
        super().__init__()
        self.embed = nn.Linear(48, width)
        self.cls = nn.Parameter(torch.zeros(1, 1, width))
        layer = nn.TransformerEncoderLayer(width, 4, 4 * width, dropout=0.0, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.head = nn.Linear(width, 10)

    def forward(self, x):
        tokens = self.embed(x)
        tokens = torch.cat([self.cls.expand(x.shape[0], -1, -1), tokens], dim=1)
        return self.head(self.encoder(tokens)[:, 0])


def time_forward(model, example, repeats):
    times = []
    with torch.no_grad():
        # Traced as calibscope runs it (eval, no autograd): the encoder's fused fast path.
        scripted = torch.jit.trace(model.eval(), example, check_trace=False)
        scripted(example)  # warm-up: profiling executor, allocations
        for _ in range(repeats):
            start = time.perf_counter()
            scripted(example)
            times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    torch.manual_seed(0)
    print(f"BLAS file: {blas_file()}; LibTorch threads: {torch.get_num_threads()}; "
          f"load average: {os.getloadavg()[0]:.1f}")
    cases = [("MLP 784-1024-1024-10, batch 256", Mlp(), torch.randn(256, 784)),
             ("ViT-style encoder 4x256, 65 tokens, batch 32", TinyVit(), torch.randn(32, 64, 48))]
    for name, model, example in cases:
        median, best = time_forward(model, example, repeats)
        print(f"{name}: median {median * 1e3:.1f} ms, best {best * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
