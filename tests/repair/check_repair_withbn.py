"""Repaired parameters in the QAT modes that keep the batch norm (Debian python3 + python3-torch).

check_repair_withbn.py MODELS_DIR DIR X.npy FLOAT_OUT.npy

DIR holds fuse_bn.pt, with_bn.pt, with_bn_reverse_fold.pt (checkpoints of one repaired session)
and with_bn_fq.pt, with_bn_reverse_fold_fq.pt (its fake-quantized models). For each mode:
1. folding the checkpoint's unfolded conv weight and batch norm (with the model's running
   statistics and the conv's own bias) gives fuse_bn's repaired folded weight and bias to a
   relative 1e-6;
2. the eager Chain of make_repair_models.py with the checkpoint's parameters loaded reproduces
   calibscope's repaired float output FLOAT_OUT.npy;
3. the fake-quantized model of the mode runs and stays close to the float output.
Prints what it measured; exits 1 on the first failure.
"""
import os
import sys

import numpy as np
import torch


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def relative(a, b):
    return float((a - b).abs().max()) / max(float(b.abs().max()), 1e-30)


def main():
    models, folder, x_path, float_path = sys.argv[1:5]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import make_repair_models

    original = torch.load(os.path.join(models, "chain_float_state.pt"))
    fused = torch.load(os.path.join(folder, "fuse_bn.pt"))
    x = torch.from_numpy(np.load(x_path))
    want = torch.from_numpy(np.load(float_path))
    for mode in ("with_bn", "with_bn_reverse_fold"):
        ckpt = torch.load(os.path.join(folder, mode + ".pt"))
        folds = 0
        for conv, bn in (("conv1", "bn1"), ("conv2", "bn2"), ("conv3", "bn3")):
            # with_bn: every bn here is followed by a ReLU, so BNReLU2d holds it as child 0.
            prefix = bn + ".0" if mode == "with_bn" else conv + ".bn"
            if prefix + ".weight" not in ckpt:
                continue
            w = ckpt.get(conv + ".weight", original[conv + ".weight"])
            gamma, beta = ckpt[prefix + ".weight"], ckpt[prefix + ".bias"]
            mean, var = original[bn + ".running_mean"], original[bn + ".running_var"]
            inv = torch.rsqrt(var + 1e-5)
            own_bias = original.get(conv + ".bias", torch.zeros_like(mean))
            w_fold = w * (gamma * inv).reshape(-1, 1, 1, 1)
            b_fold = (own_bias - mean) * inv * gamma + beta
            if conv + ".weight" in fused:
                err = relative(w_fold, fused[conv + ".weight"])
                if err > 1e-6:
                    fail("%s %s: the folded unfolded weight is %.3g off the repaired one" % (mode, conv, err))
            if conv + ".bias" in fused:
                err = relative(b_fold, fused[conv + ".bias"])
                if err > 1e-6:
                    fail("%s %s: the folded unfolded bias is %.3g off the repaired one" % (mode, conv, err))
            folds += 1
        if folds == 0:
            fail("%s: no batch norm carries a repair" % mode)
        print("ok  %s: %d unfolded convs fold back into the repaired weights and biases (relative 1e-6)" % (mode, folds))

        model = make_repair_models.Chain().eval()
        model.load_state_dict(original)
        params = {}
        for k, v in ckpt.items():
            if mode == "with_bn_reverse_fold" and ".bn." in k:
                conv = k.split(".bn.")[0]
                k = "bn" + conv[len("conv"):] + "." + k.split(".bn.")[1]
            if mode == "with_bn":
                k = k.replace(".0.", ".")
            if k in original and k.endswith(("weight", "bias")):
                params[k] = v
        model.load_state_dict(params, strict=False)
        with torch.no_grad():
            out = model(x)
        diff = float((out - want).abs().max())
        print("    %s: eager float model with the checkpoint's parameters, max |diff| %.3g" % (mode, diff))
        if diff > 1e-4 * max(1.0, float(want.abs().max())):
            fail("%s: the eager model with the checkpoint's parameters is not the repaired float model" % mode)

        fq = torch.jit.load(os.path.join(folder, mode + "_fq.pt"))
        with torch.no_grad():
            fq_out = fq(x)
        gap = float((fq_out - want).abs().max())
        print("    %s: fake-quantized model vs repaired float output, max |diff| %.3g" % (mode, gap))
        if not torch.isfinite(fq_out).all() or gap > 0.2 * max(1.0, float(want.abs().max())):
            fail("%s: the fake-quantized model is far from the repaired float model" % mode)
    print("OK")


if __name__ == "__main__":
    main()
