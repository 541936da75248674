"""Runs calibscope's fake-quantized TorchScript export in plain PyTorch (no calibscope).

check_fakequant_npy.py FQ_MODEL INPUT.npy EXPECTED.npy MIN_FAKE_QUANT_NODES TOLERANCE

EXPECTED.npy is calibscope's QuantizedModel::forward on INPUT.npy. The model must contain at
least MIN_FAKE_QUANT_NODES fake_quantize ops (inside branches too) and reproduce EXPECTED to
TOLERANCE. Exit status: 0 both hold, 1 the outputs differ (or the model does not run), 3 only
the count of fake_quantize ops is short.
"""
import sys

import numpy as np
import torch


def main():
    model_path, input_path, expected_path = sys.argv[1:4]
    min_nodes, tolerance = int(sys.argv[4]), float(sys.argv[5])
    model = torch.jit.load(model_path)
    model.eval()
    graph = str(model.inlined_graph)
    nodes = graph.count("aten::fake_quantize_per_tensor_affine") + graph.count("aten::fake_quantize_per_channel_affine")
    x = torch.from_numpy(np.load(input_path))
    expected = torch.from_numpy(np.load(expected_path))
    with torch.no_grad():
        out = model(x)
    if isinstance(out, (tuple, list)):
        out = out[0]
    if list(out.shape) != list(expected.shape):
        print("FAIL: output shape %s, calibscope's %s" % (list(out.shape), list(expected.shape)))
        sys.exit(1)
    diff = float((out - expected).abs().max())
    print("fake_quantize ops: %d, output %s, max |python - calibscope| = %.3g" % (nodes, list(out.shape), diff))
    if not diff <= tolerance:
        print("FAIL: outputs differ by more than %g" % tolerance)
        sys.exit(1)
    if nodes < min_nodes:
        print("FAIL: %d fake_quantize ops in the graph, expected at least %d" % (nodes, min_nodes))
        sys.exit(3)
    print("PASS")


if __name__ == "__main__":
    main()
