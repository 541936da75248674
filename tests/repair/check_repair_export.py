"""The repaired parameters in plain PyTorch (Debian python3 + python3-torch).

check_repair_export.py MODELS_DIR F.pt X.npy FLOAT_OUT.npy FQ.pt FQ_OUT.npy

1. The eager Chain model of make_repair_models.py loads F.pt with load_state_dict (strict) and
   reproduces calibscope's repaired float output FLOAT_OUT.npy on X.npy (to float rounding);
   the equalization scales went into the batch norms (bn1.weight differs from the original).
2. The fake-quantized TorchScript FQ.pt reproduces calibscope's quantized output FQ_OUT.npy.
Prints what it measured; exits 1 on the first failure.
"""
import os
import sys

import numpy as np
import torch


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    models, state_path, x_path, float_path, fq_path, fq_out_path = sys.argv[1:7]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_repair_models

    x = torch.from_numpy(np.load(x_path))
    model = make_repair_models.Chain().eval()
    original = torch.load(os.path.join(models, "chain_float_state.pt"))
    state = torch.load(state_path)
    missing, unexpected = model.load_state_dict(state, strict=True), None
    with torch.no_grad():
        out = model(x).numpy()
    want = np.load(float_path)
    diff = float(np.abs(out - want).max())
    scale = float(np.abs(want).max())
    print("float state dict: max |diff| %.3g (output max %.3g)" % (diff, scale))
    if diff > 1e-4 * max(1.0, scale):
        fail("the loaded state dict does not reproduce the repaired float output")
    if torch.equal(state["bn1.weight"], original["bn1.weight"]):
        fail("bn1.weight is unchanged: the equalization scales did not go into the batch norm")

    fq = torch.jit.load(fq_path)
    with torch.no_grad():
        fq_out = fq(x).numpy()
    fq_want = np.load(fq_out_path)
    fq_diff = float(np.abs(fq_out - fq_want).max())
    print("fake-quantized model: max |diff| %.3g" % fq_diff)
    if fq_diff > 1e-5 * max(1.0, float(np.abs(fq_want).max())):
        fail("the fake-quantized TorchScript does not reproduce calibscope's repaired quantized output")
    print("OK")


if __name__ == "__main__":
    main()
