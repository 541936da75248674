#!/usr/bin/python3
"""Writes the fuzz targets' seed corpus: tiny valid files of every format and the bad ones
each loader must refuse (the fuzz sweep's findings among them). Deterministic; run it again
after changing it and commit the result:

    /usr/bin/python3 tests/fuzz/make_corpus.py tests/fuzz/corpus

The session seed (corpus/session/valid.cscope) comes from calibscope-cli; see
docs/FUZZING.md. Crashes found later are added by hand under a name saying what they hit.
"""
import gzip
import io
import json
import os
import struct
import sys
import zlib

import numpy as np
import torch


def write(root, target, name, data):
    os.makedirs(os.path.join(root, target), exist_ok=True)
    with open(os.path.join(root, target, name), 'wb') as f:
        f.write(data)


def idx(type_code, shape, payload=b''):
    return bytes([0, 0, type_code, len(shape)]) + b''.join(struct.pack('>I', d) for d in shape) + payload


def npy(array):
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def npy_header(header, version=1, payload=b''):
    text = header.encode('latin1')
    pad = 64 - (10 + len(text) + 1) % 64
    text += b' ' * (pad % 64) + b'\n'
    length = struct.pack('<H', len(text)) if version == 1 else struct.pack('<I', len(text))
    return b'\x93NUMPY' + bytes([version, 0]) + length + text + payload


def torch_bytes(obj, **kwargs):
    buf = io.BytesIO()
    torch.save(obj, buf, **kwargs)
    return buf.getvalue()


def bad_tensor(field, value):
    """A tensor whose pickled size/stride point outside its storage: Python refuses to load
    such a file, so it is written through the pickler's reduce hook."""
    orig = torch.Tensor._reduce_ex_internal

    def reduce(self, proto):
        f, args = orig(self, proto)
        args = list(args)
        args[field] = value
        return (f, tuple(args))

    torch.Tensor._reduce_ex_internal = reduce
    try:
        return torch_bytes(torch.arange(6.).reshape(2, 3))
    finally:
        torch.Tensor._reduce_ex_internal = orig


def idx_corpus(root):
    images = idx(0x08, [2, 2, 2], bytes(range(8)))
    write(root, 'idx', 'images_u8.idx', images)
    write(root, 'idx', 'images_u8.idx.gz', gzip.compress(images, mtime=0))
    write(root, 'idx', 'labels_u8.idx', idx(0x08, [2], bytes([1, 0])))
    write(root, 'idx', 'float32_be.idx', idx(0x0D, [2, 2], struct.pack('>4f', 1.0, -2.0, 3.5, 0.0)))
    write(root, 'idx', 'int16.idx', idx(0x0B, [2, 1], struct.pack('>2h', -3, 7)))
    write(root, 'idx', 'truncated.idx', idx(0x08, [4, 2, 2], bytes(5)))
    write(root, 'idx', 'zero_dim.idx', idx(0x08, [2, 0, 3]))
    write(root, 'idx', 'bad_type.idx', idx(0x42, [1], b'\x00'))
    write(root, 'idx', 'bad_magic.idx', b'\x01\x02\x08\x01\x00\x00\x00\x01\x00')
    # The sweep's findings: a 116-byte header declaring 65535x65535x4 items, a labels file
    # declaring 2^32-1 entries.
    write(root, 'idx', 'huge_images.idx', idx(0x08, [65535, 65535, 4], bytes(100)))
    write(root, 'idx', 'huge_labels.idx', idx(0x08, [0xFFFFFFFF], bytes(8)))
    write(root, 'idx', 'empty.idx', b'')


def npy_corpus(root):
    write(root, 'npy', 'float32_2x3.npy', npy(np.arange(6, dtype='<f4').reshape(2, 3)))
    write(root, 'npy', 'uint8_2x1x2x2.npy', npy(np.arange(8, dtype='u1').reshape(2, 1, 2, 2)))
    write(root, 'npy', 'labels_int64.npy', npy(np.array([0, 2, 1], dtype='<i8')))
    write(root, 'npy', 'float16.npy', npy(np.array([[0.5, -1.0]], dtype='<f2')))
    write(root, 'npy', 'bool.npy', npy(np.array([[True, False]])))
    write(root, 'npy', 'v2_header.npy', npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
                                                  version=2, payload=struct.pack('<2f', 1, 2)))
    write(root, 'npy', 'fortran.npy', npy_header("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                                                payload=bytes(16)))
    write(root, 'npy', 'big_endian.npy', npy_header("{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }",
                                                   payload=bytes(4)))
    write(root, 'npy', 'object.npy', npy_header("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }",
                                               payload=bytes(8)))
    write(root, 'npy', 'huge_shape.npy', npy_header("{'descr': '<f8', 'fortran_order': False, "
                                                   "'shape': (4294967295, 4294967295, 65535), }"))
    write(root, 'npy', 'negative_shape.npy', npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 2), }"))
    write(root, 'npy', 'truncated_data.npy', npy(np.zeros((4, 4), dtype='<f4'))[:-7])
    write(root, 'npy', 'header_past_end.npy', b'\x93NUMPY\x01\x00\xff\xff{')
    write(root, 'npy', 'scalar.npy', npy(np.float32(3.0)))
    write(root, 'npy', 'nan_inf.npy', npy(np.array([[np.nan, np.inf, -np.inf]], dtype='<f4')))
    write(root, 'npy', 'empty.npy', b'')


def pt_corpus(root):
    write(root, 'pt', 'float_4x2.pt', torch_bytes(torch.arange(8, dtype=torch.float32).reshape(4, 2)))
    write(root, 'pt', 'uint8_2x1x2x2.pt', torch_bytes(torch.arange(8, dtype=torch.uint8).reshape(2, 1, 2, 2)))
    write(root, 'pt', 'labels_int64.pt', torch_bytes(torch.tensor([3, 0, 1, 2])))
    write(root, 'pt', 'view.pt', torch_bytes(torch.arange(24.).reshape(4, 6)[1:3, ::2]))
    write(root, 'pt', 'dict.pt', torch_bytes({'x': torch.zeros(2, 3)}))
    write(root, 'pt', 'legacy.pt', torch_bytes(torch.ones(2, 2), _use_new_zipfile_serialization=False))
    write(root, 'pt', 'scalar.pt', torch_bytes(torch.tensor(3.0)))
    # The sweep's finding: strides, sizes and offsets outside the saved storage.
    write(root, 'pt', 'bad_stride.pt', bad_tensor(3, (1000000, 1)))
    write(root, 'pt', 'bad_size.pt', bad_tensor(2, (2, 3000000)))
    write(root, 'pt', 'bad_overflow.pt', bad_tensor(3, (1 << 62, 1)))
    write(root, 'pt', 'not_zip.pt', b'PK\x03\x04not really a zip')
    write(root, 'pt', 'empty.pt', b'')


def json_bytes(obj):
    return json.dumps(obj, indent=1).encode()


def qconfig_corpus(root):
    op = {'name': 'conv1', 'kind': 'conv2d',
          'activation': {'observer': 'hist_percentile', 'params': {'percentile': 99.9},
                         'dtype': 'quint8', 'qscheme': 'per_tensor_affine'},
          'weight': {'observer': 'min_max', 'dtype': 'qint8', 'qscheme': 'per_channel_symmetric', 'ch_axis': 0}}
    write(root, 'qconfig', 'overrides.json', json_bytes({'format': 'calibscope-qconfig', 'version': 1, 'ops': [op]}))
    write(root, 'qconfig', 'values.json', json_bytes({'format': 'calibscope-qconfig', 'version': 1, 'ops': [
        {'name': 'relu', 'activation': {'min': [-1.0], 'max': [2.5], 'scale': [0.0137], 'zero_point': [0]}},
        {'name': 'fc', 'quantize': False}]}))
    write(root, 'qconfig', 'bad_values.json', json_bytes({'version': 1, 'ops': [
        {'name': 'conv1', 'weight': {'ch_axis': 7}},
        {'name': 'x', 'activation': {'scale': [0.0], 'zero_point': [-5], 'quant_min': 10, 'quant_max': 2}},
        {'activation': {'observer': 'no_such_observer'}}]}))
    write(root, 'qconfig', 'huge_version.json', b'{"version": 1e308, "ops": []}')
    write(root, 'qconfig', 'no_ops.json', b'{"version": 1}')
    write(root, 'qconfig', 'not_json.json', b'{"ops": [')
    write(root, 'qconfig', 'empty.json', b'')


def preprocess_corpus(root):
    write(root, 'preprocess', 'imagenet.json', json_bytes(
        {'resize_shorter': 256, 'center_crop': [224, 224], 'mean': [0.485, 0.456, 0.406], 'std': [0.229, 0.224, 0.225]}))
    write(root, 'preprocess', 'gray_flip.json', json_bytes(
        {'grayscale': True, 'scale': 1.0, 'flip_horizontal': 'random', 'flip_seed': 7, 'color_order': 'bgr'}))
    write(root, 'preprocess', 'dataset_spec.json', json_bytes(
        {'format': 'npy', 'path': 'x.npy', 'labels': 'y.npy', 'start': 2, 'count': 10, 'sample': 5, 'sample_seed': 3,
         'preprocess': {'mean': [0.5], 'std': [0.25]}}))
    write(root, 'preprocess', 'bad_values.json', json_bytes({'mean': [0.5, 0.5], 'std': [0.0, -1.0], 'center_crop': [-3, 1e308], 'resize': [0, 7]}))
    write(root, 'preprocess', 'typo.json', json_bytes({'means': [0.5]}))
    write(root, 'preprocess', 'empty.json', b'')


def png(width, height, channels):
    color = {1: 0, 3: 2}[channels]
    raw = b''.join(b'\x00' + bytes((x * 37 + y * 11 + c) % 256 for x in range(width) for c in range(channels))
                   for y in range(height))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', width, height, 8, color, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def bmp(width, height, declared=None):
    row = (width * 3 + 3) & ~3
    pixels = bytes((i * 7) % 256 for i in range(row * height))
    w, h = declared or (width, height)
    header = struct.pack('<2sIHHI', b'BM', 54 + len(pixels), 0, 0, 54)
    info = struct.pack('<IiiHHIIiiII', 40, w, h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


def images_corpus(root):
    write(root, 'image', 'rgb_5x4.png', png(5, 4, 3))
    write(root, 'image', 'gray_3x3.png', png(3, 3, 1))
    write(root, 'image', 'rgb_4x2.bmp', bmp(4, 2))
    # The sweep's finding: a BMP declaring a huge size (OpenCV asserted and named no image).
    write(root, 'image', 'huge_declared.bmp', bmp(4, 2, declared=(60000, 60000)))
    write(root, 'image', 'truncated.png', png(8, 8, 3)[:40])
    write(root, 'image', 'jpeg_header_only.jpg', b'\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9')
    write(root, 'image', 'empty.png', b'')


def main():
    root = sys.argv[1]
    idx_corpus(root)
    npy_corpus(root)
    pt_corpus(root)
    qconfig_corpus(root)
    preprocess_corpus(root)
    images_corpus(root)


if __name__ == '__main__':
    main()
