"""Checks calibscope's ONNX export with python3-onnx.

check_onnx.py M.onnx QCONFIG.json

1. onnx.checker passes;
2. M.onnx.names.json names, for every quantized point of the qconfig, a QuantizeLinear whose
   scale/zero point are the qconfig's (weights per channel on axis 0) and whose
   DequantizeLinear uses the same ones;
3. op counts match the qconfig: one QuantizeLinear and one DequantizeLinear per quantized
   point, one Conv per conv op, one Gemm/MatMul per linear op.
Prints what it checked; exits 1 on the first mismatch.
"""
import json
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    path, qconfig_path = sys.argv[1], sys.argv[2]
    model = onnx.load(path)
    onnx.checker.check_model(model)
    print("ok  onnx.checker: opset %d, %d nodes" % (model.opset_import[0].version, len(model.graph.node)))
    with open(qconfig_path) as f:
        qconfig = json.load(f)
    with open(path + ".names.json") as f:
        names = json.load(f)
    graph = model.graph
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant":
            constants[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    nodes = {n.name: n for n in graph.node}
    tensors = {o for n in graph.node for o in n.output} | {i.name for i in graph.input} | set(constants)
    consumers = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)

    points = 0
    for op in qconfig["ops"]:
        for kind, table in [("activation", "activations"), ("weight", "weights")]:
            block = op.get(kind)
            if not block or block.get("keep_float") or (kind == "activation" and not op["quantize"]):
                continue
            entry = names[table].get(op["name"])
            if entry is None:
                fail("names.json has no %s %s" % (kind, op["name"]))
            if entry["tensor"] not in tensors:
                fail("%s %s: tensor %s is not in the graph" % (kind, op["name"], entry["tensor"]))
            q = nodes.get(entry["quantize_linear"])
            if q is None or q.op_type != "QuantizeLinear" or q.input[0] != entry["tensor"]:
                fail("%s %s: no QuantizeLinear of %s" % (kind, op["name"], entry["tensor"]))
            scale = constants[q.input[1]].astype(np.float32).reshape(-1)
            zero_point = constants[q.input[2]].astype(np.int64).reshape(-1)
            if not np.array_equal(scale, np.array(block["scale"], dtype=np.float32)) \
                    or not np.array_equal(zero_point, np.array(block["zero_point"], dtype=np.int64)):
                fail("%s %s: Q/DQ scale %s zero point %s, the qconfig's %s %s" % (
                    kind, op["name"], scale[:4], zero_point[:4], block["scale"][:4], block["zero_point"][:4]))
            if len(block["scale"]) > 1:
                axis = [a.i for a in q.attribute if a.name == "axis"]
                if axis != [0]:
                    fail("%s %s: per-channel QuantizeLinear without axis 0 (%s)" % (kind, op["name"], axis))
            dq = [c for c in consumers.get(q.output[0], []) if c.op_type == "DequantizeLinear"]
            if len(dq) != 1 or dq[0].input[1:] != q.input[1:] or dq[0].output[0] != entry["dequantized"]:
                fail("%s %s: its DequantizeLinear does not pair with the QuantizeLinear" % (kind, op["name"]))
            points += 1
    counts = {}
    for n in graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    convs = sum(op["kind"] in ("aten::conv2d", "aten::conv1d", "aten::conv3d", "aten::_convolution")
                for op in qconfig["ops"])
    linears = sum(op["kind"] == "aten::linear" for op in qconfig["ops"])
    expected = {"QuantizeLinear": points, "DequantizeLinear": points, "Conv": convs}
    for op_type, n in expected.items():
        if counts.get(op_type, 0) != n:
            fail("%d %s ops, expected %d" % (counts.get(op_type, 0), op_type, n))
    if counts.get("Gemm", 0) + counts.get("MatMul", 0) != linears:
        fail("%d Gemm/MatMul ops, expected %d linear" % (counts.get("Gemm", 0) + counts.get("MatMul", 0), linears))
    print("ok  %d points carry the qconfig's scale/zero point; %d Q/DQ pairs, %d Conv, %d Gemm/MatMul"
          % (points, points, convs, linears))
    print("PASS")


if __name__ == "__main__":
    main()
