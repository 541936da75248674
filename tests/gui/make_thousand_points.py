"""A deep residual MLP with more than a thousand quantization points, and its data.

make_thousand_points.py OUT_DIR BLOCKS SAMPLES
  writes OUT_DIR/deep_mlp.pt (scripted, random weights, seeded): BLOCKS blocks of
  x = x + relu(linear(x)), width 32 (per block a weight point, the linear+relu point and the
  add point), and OUT_DIR/deep_mlp_input.npy: SAMPLES x 32 float32 normal values.
make_thousand_points.py --max-rss CMD ARGS...
  runs CMD and prints "max_rss_kib N" (the child's peak resident set, from wait4), then exits
  with the child's exit code.
"""
import os
import resource
import subprocess
import sys


def write(out, blocks, samples):
    import numpy as np
    import torch
    import torch.nn as nn

    class Block(nn.Module):
        def __init__(self, width):
            super().__init__()
            self.fc = nn.Linear(width, width)
            self.relu = nn.ReLU()

        def forward(self, x):
            return x + self.relu(self.fc(x))

    class DeepMlp(nn.Module):
        def __init__(self, width, blocks):
            super().__init__()
            self.blocks = nn.Sequential(*[Block(width) for _ in range(blocks)])
            self.head = nn.Linear(width, 10)

        def forward(self, x):
            return self.head(self.blocks(x))

    torch.manual_seed(0)
    model = DeepMlp(32, blocks).eval()
    # Small weights keep the residual sum bounded over hundreds of blocks.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Linear):
                m.weight.mul_(0.05)
                m.bias.mul_(0.05)
    torch.jit.script(model).save(os.path.join(out, "deep_mlp.pt"))
    rng = np.random.default_rng(0)
    np.save(os.path.join(out, "deep_mlp_input.npy"), rng.standard_normal((samples, 32)).astype(np.float32))


def main():
    if sys.argv[1] == "--max-rss":
        code = subprocess.call(sys.argv[2:])
        print("max_rss_kib %d" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, flush=True)
        sys.exit(code)
    write(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))


if __name__ == "__main__":
    main()
