"""Runs calibscope's fake-quantized TorchScript model in plain PyTorch (no calibscope).

check_fakequant.py FQ_MODEL CASE.pt MIN_FAKE_QUANT_NODES

CASE.pt is a dict written by the test with torch::pickle_save: "input" and "expected" (the
output of calibscope's QuantizedModel::forward on that input). The model must contain at
least MIN_FAKE_QUANT_NODES fake_quantize ops and reproduce "expected" to 1e-6.
Exit status: 0 both hold, 1 the outputs differ (or the model does not run), 3 only the count
of fake_quantize ops is short. verify() is shared with tests/python/check_fakequant_npy.py.
"""
import sys

import torch


def verify(model_path, x, expected, min_nodes, tolerance=1e-6, tolerance_text="1e-6", nodes_note=""):
    """Runs the model on x, compares with calibscope's expected output, counts the
    fake_quantize ops (inside branches too) and exits as the module doc says."""
    model = torch.jit.load(model_path)
    model.eval()
    graph = str(model.inlined_graph)
    nodes = graph.count("aten::fake_quantize_per_tensor_affine") + graph.count("aten::fake_quantize_per_channel_affine")
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
        print("FAIL: outputs differ by more than %s" % tolerance_text)
        sys.exit(1)
    if nodes < min_nodes:
        print("FAIL: %d fake_quantize ops in the graph, expected at least %d%s" % (nodes, min_nodes, nodes_note))
        sys.exit(3)
    print("PASS")


def main():
    model_path, case_path, min_nodes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    case = torch.load(case_path)
    verify(model_path, case["input"], case["expected"], min_nodes, nodes_note=" (one per quantized point)")


if __name__ == "__main__":
    main()
