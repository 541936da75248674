"""Runs calibscope's fake-quantized TorchScript export in plain PyTorch (no calibscope).

check_fakequant_npy.py FQ_MODEL INPUT.npy EXPECTED.npy MIN_FAKE_QUANT_NODES TOLERANCE

EXPECTED.npy is calibscope's QuantizedModel::forward on INPUT.npy. The model must contain at
least MIN_FAKE_QUANT_NODES fake_quantize ops (inside branches too) and reproduce EXPECTED to
TOLERANCE. Exit status: 0 both hold, 1 the outputs differ (or the model does not run), 3 only
the count of fake_quantize ops is short. The check itself is tests/export/check_fakequant.py's.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "export"))
from check_fakequant import verify  # noqa: E402  (found through the path above)


def main():
    model_path, input_path, expected_path = sys.argv[1:4]
    min_nodes, tolerance = int(sys.argv[4]), float(sys.argv[5])
    x = torch.from_numpy(np.load(input_path))
    expected = torch.from_numpy(np.load(expected_path))
    verify(model_path, x, expected, min_nodes, tolerance, "%g" % tolerance)


if __name__ == "__main__":
    main()
