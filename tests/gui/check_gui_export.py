"""Runs the GUI's fake-quantized export in plain PyTorch on the images the GUI evaluated.

check_gui_export.py FQ_MODEL INPUT.npy LABELS.npy EXPECTED.npy

INPUT.npy holds the preprocessed images [n, c, h, w] (float32), LABELS.npy their labels
(int64), EXPECTED.npy calibscope's quantized outputs on them. Prints "top1 CORRECT/N" and the
largest output difference; exit status 0 when the outputs agree to 1e-6, 1 otherwise.
"""
import sys

import numpy
import torch


def main():
    model_path, input_path, labels_path, expected_path = sys.argv[1:5]
    model = torch.jit.load(model_path)
    model.eval()
    images = torch.from_numpy(numpy.load(input_path))
    labels = torch.from_numpy(numpy.load(labels_path))
    expected = torch.from_numpy(numpy.load(expected_path))
    outputs = []
    with torch.no_grad():
        for start in range(0, images.shape[0], 100):
            out = model(images[start:start + 100])
            if isinstance(out, (tuple, list)):
                out = out[0]
            outputs.append(out)
    out = torch.cat(outputs)
    correct = int((out.argmax(dim=1) == labels).sum())
    diff = float((out - expected).abs().max())
    print("top1 %d/%d" % (correct, images.shape[0]))
    print("max |python - calibscope| = %.3g" % diff)
    sys.exit(0 if diff <= 1e-6 else 1)


if __name__ == "__main__":
    main()
