#!/usr/bin/python3
"""The plain float forward a quantization engineer runs without calibscope: PyTorch itself
(Debian's python3-torch, the same LibTorch 1.13) on the demo model over the whole
Fashion-MNIST t10k split, batches of 100, on every core, data decoded beforehand.

Prints the best of N runs, to set beside bench_evaluation's figures (BENCHMARKS.md).
Usage: bench_pytorch_forward.py DEMO_DIR [REPEATS]
"""
import gzip
import json
import os
import sys
import time

import numpy as np
import torch


def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    count, rows, cols = (int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(3))
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, 1, rows, cols)


def main():
    demo = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with open(os.path.join(demo, "demo.json"), encoding="utf-8") as f:
        description = json.load(f)
    pre = description["preprocess"]
    mean, std = float(pre["mean"][0]), float(pre["std"][0])
    images = read_idx_images(description["validation"]["path"])
    batches = [torch.from_numpy(((images[i:i + 100].astype(np.float32) / 255.0) - mean) / std)
               for i in range(0, len(images), 100)]

    torch.set_num_threads(os.cpu_count() or 1)
    model = torch.jit.load(os.path.join(demo, "demo.pt")).eval()
    best = {}
    variants = {"as loaded": model, "frozen (torch.jit.freeze)": torch.jit.freeze(model)}
    with torch.inference_mode():
        for _ in range(repeats):
            for name, m in variants.items():
                start = time.perf_counter()
                for b in batches:
                    m(b)
                best[name] = min(best.get(name, 1e300), time.perf_counter() - start)
    policy = os.environ.get("OMP_WAIT_POLICY", "(unset: libgomp spins before sleeping)")
    print(f"PyTorch {torch.__version__} plain float forward, {len(images)} images in batches of 100, "
          f"{torch.get_num_threads()} threads, best of {repeats}; OMP_WAIT_POLICY={policy}:")
    for name, seconds in best.items():
        print(f"  {name:40s} {seconds:.3f} s")


if __name__ == "__main__":
    main()
