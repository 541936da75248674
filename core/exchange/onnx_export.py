"""calibscope's ONNX exporter: PyTorch's torch.onnx.export over the fake-quantized TorchScript.

onnx_export.py FAKEQUANT.pt POINTS.json OUT.onnx NAMES.json OPSET

POINTS.json (written by calibscope): the input shape, the activation points in the order their
fake_quantize ops appear in the graph, and the conv/linear weights in graph order, each with
its scale/zero point (null for a weight kept in float). The weights of the TorchScript file
are fake-quantized constants, which the exporter folds; a QuantizeLinear/DequantizeLinear pair
(per channel, axis 0 of the weight) is put back in front of each conv/linear weight in the ONNX
graph (re-quantizing a value that is on the grid is exact). Writes OUT.onnx and NAMES.json (point name -> ONNX tensor names).
Exit status: 0 written; 3 an op the exporter cannot convert (printed as "UNSUPPORTED <op>");
4 python3-onnx missing; 1 anything else (printed as "ERROR <message>").
"""
import json
import re
import sys
import warnings

warnings.filterwarnings("ignore")


def main():
    fq_path, points_path, out_path, names_path, opset = sys.argv[1:6]
    opset = int(opset)
    try:
        import torch
    except ImportError:
        print("MISSING python3-torch")
        sys.exit(4)
    try:
        import onnx
        from onnx import numpy_helper
    except ImportError:
        print("MISSING python3-onnx")
        sys.exit(4)
    with open(points_path) as f:
        points = json.load(f)
    model = torch.jit.load(fq_path)
    model.eval()
    weights = list(points["weights"])
    example = torch.zeros(points["input_shape"])
    try:
        torch.onnx.export(model, (example,), out_path, opset_version=opset, input_names=["input"],
                          output_names=["output"], do_constant_folding=True)
    except Exception as e:  # the exporter's own errors name the op
        text = str(e)
        op = re.search(r"operator '?([A-Za-z_]+::[A-Za-z0-9_.]+)", text) or re.search(r"([a-z]+::[A-Za-z0-9_.]+)", text)
        if op:
            print("UNSUPPORTED %s (%s)" % (op.group(1), text.strip().splitlines()[0][:300]))
            sys.exit(3)
        print("ERROR " + text.strip().splitlines()[0][:300] if text.strip() else "ERROR " + type(e).__name__)
        sys.exit(1)

    onnx_model = onnx.load(out_path)
    graph = onnx_model.graph
    constants = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    for n in graph.node:
        if n.op_type == "Constant":
            for a in n.attribute:
                if a.name == "value":
                    constants[n.output[0]] = numpy_helper.to_array(a.t)
    # The exporter folds a fake_quantize of a constant weight away, so the weight pairs go in
    # here: QuantizeLinear/DequantizeLinear in front of each conv/linear weight, per channel.
    layers = [n for n in graph.node if n.op_type in ("Conv", "Gemm", "MatMul") and len(n.input) > 1
              and n.input[1] in constants]
    if len(layers) != len(weights):
        print("ERROR the ONNX graph has %d conv/linear ops with a constant weight, calibscope %d weights"
              % (len(layers), len(weights)))
        sys.exit(1)
    import numpy as np
    nodes = list(graph.node)
    weight_names = {}

    def on_grid(values, w, axis):
        # The TorchScript weights are fake-quantized: value / scale is an integer in the grid.
        scale = np.array(w["scale"], dtype=np.float64)
        if len(scale) > 1:
            if values.shape[axis] != len(scale):
                return False
            shape = [1] * values.ndim
            shape[axis] = len(scale)
            scale = scale.reshape(shape)
        q = values.astype(np.float64) / scale + np.array(w["zero_point"], dtype=np.float64).reshape(scale.shape)
        return bool(np.all(np.abs(q - np.round(q)) < 1e-3) and q.min() >= w["quant_min"] - 0.5
                    and q.max() <= w["quant_max"] + 0.5)

    # Independent branches may come out in another order than calibscope's (a ResNet's
    # downsample), so each conv/linear takes the first unused weight whose grid its values sit on.
    unused = [w for w in weights if w is not None]
    for k, layer in enumerate(layers):
        weight = layer.input[1]
        transposed = layer.op_type == "Gemm" and not any(a.name == "transB" and a.i for a in layer.attribute)
        axis = 1 if layer.op_type == "MatMul" or transposed else 0
        w = next((c for c in unused if on_grid(constants[weight], c, axis)), None)
        if w is None:
            continue  # a weight kept in float
        unused.remove(w)
        channels = len(w["scale"])
        if channels > 1 and opset < 13:
            print("ERROR per-channel weights need --opset 13 or later")
            sys.exit(1)
        zp_type = np.int8 if w["quant_min"] < 0 else np.uint8
        prefix = "calibscope_weight_%d" % k
        scale = np.array(w["scale"], dtype=np.float32)
        zero_point = np.array(w["zero_point"], dtype=zp_type)
        if channels == 1:
            scale, zero_point = scale.reshape(()), zero_point.reshape(())
        graph.initializer.extend([numpy_helper.from_array(scale, prefix + "_scale"),
                                  numpy_helper.from_array(zero_point, prefix + "_zero_point")])
        constants[prefix + "_scale"] = scale
        constants[prefix + "_zero_point"] = zero_point
        attrs = {"axis": axis} if channels > 1 else {}
        q = onnx.helper.make_node("QuantizeLinear", [weight, prefix + "_scale", prefix + "_zero_point"],
                                  [prefix + "_quantized"], name=prefix + "_QuantizeLinear", **attrs)
        dq = onnx.helper.make_node("DequantizeLinear", [prefix + "_quantized", prefix + "_scale",
                                                        prefix + "_zero_point"],
                                   [prefix + "_dequantized"], name=prefix + "_DequantizeLinear", **attrs)
        layer.input[1] = prefix + "_dequantized"
        at = nodes.index(layer)
        nodes[at:at] = [q, dq]
    del graph.node[:]
    graph.node.extend(nodes)
    consumers = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    quantize = [n for n in graph.node if n.op_type == "QuantizeLinear"]
    act_q = [n for n in quantize if n.input[0] not in constants]
    weight_q = [n for n in quantize if n.input[0] in constants]
    activations = points["activations"]
    quantized_weights = [w for w in weights if w is not None]
    if len(act_q) != len(activations) or len(weight_q) != len(quantized_weights):
        print("ERROR the ONNX graph has %d activation and %d weight QuantizeLinear ops, calibscope plans %d and %d"
              % (len(act_q), len(weight_q), len(activations), len(quantized_weights)))
        sys.exit(1)
    names = {"activations": {}, "weights": {}}
    # The exporter may order independent branches differently from the TorchScript graph
    # (a ResNet's downsample beside its main path), so each point takes the first unused
    # QuantizeLinear with its own scale and zero point, in graph order.
    for kind, nodes, planned in [("activations", act_q, activations), ("weights", weight_q, quantized_weights)]:
        unused = list(nodes)
        for p in planned:
            want_scale = [float(torch.tensor(v, dtype=torch.float32)) for v in p["scale"]]
            want_zero = [int(v) for v in p["zero_point"]]
            match = None
            for n in unused:
                scale = constants[n.input[1]].astype("float32").reshape(-1).tolist()
                zero = constants[n.input[2]].astype("int64").reshape(-1).tolist() if len(n.input) > 2 else [0]
                if scale == want_scale and zero == want_zero:
                    match = n
                    break
            if match is None:
                print("ERROR no QuantizeLinear in the ONNX graph carries the scale %s of %s" % (p["scale"][:4],
                                                                                          p["name"]))
                sys.exit(1)
            unused.remove(match)
            dq = [c for c in consumers.get(match.output[0], []) if c.op_type == "DequantizeLinear"]
            names[kind][p["name"]] = {"tensor": match.input[0], "quantize_linear": match.name,
                                      "dequantized": dq[0].output[0] if dq else ""}
    onnx.checker.check_model(onnx_model)
    onnx.save(onnx_model, out_path)
    with open(names_path, "w") as f:
        json.dump(names, f, indent=1, sort_keys=True)
    print("OK %d %d" % (len(act_q), len(weight_q)))


if __name__ == "__main__":
    main()
