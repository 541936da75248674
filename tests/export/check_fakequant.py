"""Runs calibscope's fake-quantized TorchScript model in plain PyTorch (no calibscope).

check_fakequant.py FQ_MODEL CASE.pt MIN_FAKE_QUANT_NODES

CASE.pt is a dict written by the test with torch::pickle_save: "input" and "expected" (the
output of calibscope's QuantizedModel::forward on that input). The model must contain at
least MIN_FAKE_QUANT_NODES fake_quantize ops and reproduce "expected" to 1e-6.
Exit status: 0 both hold, 1 the outputs differ (or the model does not run), 3 only the count
of fake_quantize ops is short.
"""
import sys

import torch


def main():
    model_path, case_path, min_nodes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    model = torch.jit.load(model_path)
    model.eval()
    case = torch.load(case_path)
    graph = str(model.inlined_graph)
    nodes = graph.count("aten::fake_quantize_per_tensor_affine") + graph.count("aten::fake_quantize_per_channel_affine")
    with torch.no_grad():
        out = model(case["input"])
    if isinstance(out, (tuple, list)):
        out = out[0]
    expected = case["expected"]
    if out.shape != expected.shape:
        print("FAIL: output shape %s, calibscope's %s" % (list(out.shape), list(expected.shape)))
        sys.exit(1)
    diff = float((out - expected).abs().max())
    print("fake_quantize ops: %d, output %s, max |python - calibscope| = %.3g" % (nodes, list(out.shape), diff))
    if not diff <= 1e-6:
        print("FAIL: outputs differ by more than 1e-6")
        sys.exit(1)
    if nodes < min_nodes:
        print("FAIL: %d fake_quantize ops in the graph, expected at least %d (one per quantized point)" % (nodes, min_nodes))
        sys.exit(3)
    print("PASS")


if __name__ == "__main__":
    main()
