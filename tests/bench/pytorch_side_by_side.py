#!/usr/bin/python3
"""calibscope beside PyTorch on the same model and the same batches, in one run.

For each model (the demo CNN and scripted torchvision models with random weights), writes the
batches as one .npy file and times, in this order:
  eager      PyTorch's plain eager forward (nn.Module, inference_mode)
  fx_calib   PyTorch FX calibration: prepare_fx with the default qconfig mapping
             (HistogramObserver activations), then the forward of every batch
  cs_calib   calibscope-cli calibrate, one observer (min_max)
  cs_compare calibscope-cli calibrate --compare (every observer, as the GUI runs it)
  cs_eval    calibscope-cli evaluate: every per-point and end-to-end metric for the
             configured observer (--observers min_max --no-sensitivity --no-save)
and prints seconds per batch and the ratio to the eager forward. calibscope's "s/batch" is the
process's wall time over the batches (loading, freezing and graph building included);
"marginal" leaves that fixed cost out: (time for n batches - time for 1) / (n - 1), the
figure to set beside PyTorch's, whose model is built and warmed up before its clock starts.
Peak RSS is each calibscope process's own (wait4), for n batches and for one: it must not grow.

Usage (Debian's python3 with python3-torch and python3-torchvision):
  /usr/bin/python3 tests/bench/pytorch_side_by_side.py --cli build/app/calibscope-cli \\
      [--models demo,resnet18,mobilenet_v2,vit_b_16] [--batches 8] [--work DIR] \\
      [--demo build/test-cache/demo] [--repeat 1] [--rows eager,fx_calib,cs_calib,cs_compare,cs_eval]
OMP_WAIT_POLICY and friends are inherited by both sides (calibscope sets PASSIVE when unset).
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np


def batch_size(name):
    return {"demo": 100, "vit_b_16": 8, "resnet50": 32}.get(name, 16)


def make_model(name, demo_dir):
    torch.manual_seed(0)
    if name == "demo":
        scripted = torch.jit.load(os.path.join(demo_dir, "demo.pt")).eval()
        # The demo only exists as TorchScript: its eager reference is the scripted module.
        return scripted, scripted, (1, 28, 28)
    import torchvision
    model = getattr(torchvision.models, name)(weights=None).eval()
    return model, torch.jit.script(model), (3, 224, 224)


def make_batches(name, count, shape, demo_dir):
    rng = np.random.default_rng(0)
    if name == "demo":
        with open(os.path.join(demo_dir, "demo.json"), encoding="utf-8") as f:
            description = json.load(f)
        import gzip
        with gzip.open(description["validation"]["path"], "rb") as f:
            raw = f.read()
        images = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(-1, 1, 28, 28)[:count]
        pre = description["preprocess"]
        return ((images.astype(np.float32) / 255.0) - float(pre["mean"][0])) / float(pre["std"][0])
    return rng.standard_normal((count,) + shape, dtype=np.float32)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# A child's peak RSS (ru_maxrss) starts at its parent's RSS at fork time, which exec keeps:
# calibscope-cli is therefore started by a small launcher made before torch is imported.
_LAUNCHER = r"""
import json, os, subprocess, sys, time
for line in sys.stdin:
    args = json.loads(line)
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    text = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    print(json.dumps([time.perf_counter() - start, usage.ru_maxrss / 1024.0,
                      os.waitstatus_to_exitcode(status), text]), flush=True)
"""
_launcher = None


def start_launcher():
    global _launcher
    _launcher = subprocess.Popen([sys.executable, "-c", _LAUNCHER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True)


def run_cli(args):
    """Wall time and peak RSS (MiB) of one calibscope-cli process."""
    _launcher.stdin.write(json.dumps(args) + "\n")
    _launcher.stdin.flush()
    wall, peak, rc, text = json.loads(_launcher.stdout.readline())
    if rc != 0:
        sys.stderr.write(text)
        raise SystemExit(f"{' '.join(args)} failed with exit status {rc}")
    return wall, peak


def bench_model(name, opts):
    bs = batch_size(name)
    eager, scripted, shape = make_model(name, opts.demo)
    data = make_batches(name, bs * opts.batches, shape, opts.demo)
    batches = [torch.from_numpy(data[i:i + bs]) for i in range(0, len(data), bs)]
    model_path = os.path.join(opts.work, f"{name}.pt")
    data_path = os.path.join(opts.work, f"{name}_input.npy")
    torch.jit.save(scripted, model_path)
    np.save(data_path, data)

    rows = {}
    with torch.inference_mode():
        eager(batches[0])  # warm-up: allocator, one-time packing
        rows["eager"] = min(timed(lambda: [eager(b) for b in batches]) for _ in range(opts.repeat)), None

    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import prepare_fx
    if name != "demo" and "fx_calib" in opts.rows:
        def fx_once():
            prepared = prepare_fx(eager, get_default_qconfig_mapping("fbgemm"), (batches[0],))
            with torch.no_grad():
                return timed(lambda: [prepared(b) for b in batches])
        try:
            rows["fx_calib"] = min(fx_once() for _ in range(opts.repeat)), None
        except Exception as e:  # FX cannot trace every model
            print(f"  fx_calib: {type(e).__name__}: {e}", file=sys.stderr)
    session = os.path.join(opts.work, f"{name}.cscope")
    n = len(batches)

    def calibrate(batches_run, extra, out):
        return run_cli([opts.cli, "calibrate", "--model", model_path, "--data", data_path, "--batch-size", str(bs),
                        "--num-batches", str(batches_run), "--quiet", "--session", out] + extra)

    def evaluate(batches_run):
        return run_cli([opts.cli, "evaluate", "--session", session, "--data", data_path, "--batch-size", str(bs),
                        "--max-batches", str(batches_run), "--observers", "min_max", "--no-sensitivity",
                        "--no-save", "--quiet"])

    # Each calibscope job runs over all batches and over one: the difference is the cost of
    # the other n - 1 batches without the fixed cost (loading, freezing, graph building).
    jobs = (("cs_calib", lambda k: calibrate(k, [], session)),
            ("cs_compare", lambda k: calibrate(k, ["--compare"], os.path.join(opts.work, f"{name}_compare.cscope"))),
            ("cs_eval", evaluate))
    peaks = {}
    for row, job in jobs:
        if row not in opts.rows:
            continue
        full = [job(n) for _ in range(opts.repeat)]
        one = [job(1) for _ in range(opts.repeat)] if n > 1 else full
        wall = min(r[0] for r in full)
        rows[row] = wall, (wall - min(r[0] for r in one)) / (n - 1) * n if n > 1 else None
        peaks[row] = max(r[1] for r in full), max(r[1] for r in one)

    ref = rows["eager"][0] / n
    print(f"\n{name}: {n} batches of {bs}, input {'x'.join(map(str, shape))}")
    print(f"  {'run':12s} {'s/batch':>9s} {'x eager':>8s} {'marginal':>9s} {'x eager':>8s} {'peak RSS MiB (n, 1 batch)':>26s}")
    for row, (wall, job) in rows.items():
        line = f"  {row:12s} {wall / n:9.3f} {wall / n / ref:7.2f}x"
        if job is not None:
            line += f" {job / n:9.3f} {job / n / ref:7.2f}x"
        if row in peaks:
            line += f"   {peaks[row][0]:8.0f} {peaks[row][1]:8.0f}"
        print(line, flush=True)
    return rows


def main():
    global torch
    import torch  # after start_launcher(): see run_cli
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cli", required=True)
    p.add_argument("--models", default="demo,resnet18,mobilenet_v2,vit_b_16")
    p.add_argument("--batches", type=int, default=8)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--work", default=None)
    p.add_argument("--demo", default=os.path.join("build", "test-cache", "demo"))
    p.add_argument("--rows", default="eager,fx_calib,cs_calib,cs_compare,cs_eval",
                   help="what to run (eager always runs: it is the reference)")
    opts = p.parse_args()
    opts.rows = set(opts.rows.split(","))
    torch.set_num_threads(os.cpu_count() or 1)
    work = tempfile.TemporaryDirectory(prefix="cs-side-by-side-") if opts.work is None else None
    opts.work = opts.work or work.name
    os.makedirs(opts.work, exist_ok=True)
    load = os.getloadavg()
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', '(unset)')}, "
          f"GOMP_SPINCOUNT={os.environ.get('GOMP_SPINCOUNT', '(unset)')}, "
          f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, best of {opts.repeat}")
    for name in opts.models.split(","):
        bench_model(name, opts)
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
          f"this process's peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    start_launcher()
    main()
