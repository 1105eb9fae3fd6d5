"""Reads and writes safetensors files with numpy, writing them byte for byte as the reference
implementation does (huggingface/safetensors, safetensors/src/tensor.rs, the Rust code under
`safetensors.torch.save_file`); Debian has no python3-safetensors. The writer follows `prepare`
and `Metadata::serialize` there:

- tensors sorted by dtype alignment, largest first (the `Dtype` enum's order, reversed), then by
  name;
- the header is compact JSON as serde_json writes it: "__metadata__" first when there is
  metadata, then each tensor as {"dtype", "shape", "data_offsets"} in that order;
- the header is padded with spaces to a multiple of 8 bytes and preceded by its length as a
  little-endian u64;
- then the tensors' little-endian bytes, back to back, in the sorted order.

The reference keeps metadata in a HashMap, so with two or more metadata keys their order is not
defined; with one key, as `save_file(..., metadata={"format": "pt"})` writes, the bytes are exact.
`--self-test` checks the writer against the byte vectors of the reference's own unit tests.
"""
import json
import struct
import sys

import numpy as np

# The reference's Dtype enum in declared (increasing alignment) order, the ones numpy has.
ORDER = ["BOOL", "U8", "I8", "I16", "U16", "F16", "I32", "U32", "F32", "F64", "I64", "U64"]
NUMPY = {
    "BOOL": "?", "U8": "u1", "I8": "i1", "I16": "<i2", "U16": "<u2", "F16": "<f2",
    "I32": "<i4", "U32": "<u4", "F32": "<f4", "F64": "<f8", "I64": "<i8", "U64": "<u8",
}


def code_of(array):
    for code, dt in NUMPY.items():
        if np.dtype(dt) == array.dtype.newbyteorder("<"):
            return code
    raise ValueError(f"no safetensors dtype for {array.dtype}")


def serialize(tensors, metadata=None):
    items = sorted(tensors.items(), key=lambda kv: (-ORDER.index(code_of(kv[1])), kv[0]))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, array in items:
        code = code_of(array)
        data = np.ascontiguousarray(array, dtype=NUMPY[code]).tobytes()
        header[name] = {"dtype": code, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def write_file(path, tensors, metadata=None):
    with open(path, "wb") as f:
        f.write(serialize(tensors, metadata))


def read_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=NUMPY[info["dtype"]]).reshape(info["shape"])
        tensors[name] = array.astype(array.dtype.newbyteorder("="), copy=True)
    return tensors, metadata


def self_test():
    attn = {"attn.0": np.arange(6, dtype=np.float32).reshape(1, 2, 3)}
    # safetensors/src/tensor.rs: test_serialization, and test_empty without and with metadata.
    cases = [
        (attn, None, [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ]),
        ({}, None, [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]),
        ({}, {"framework": "pt"}, [
            40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
            95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
            116, 34, 125, 125, 32, 32, 32, 32, 32,
        ]),
    ]
    for tensors, metadata, expected in cases:
        got = list(serialize(tensors, metadata))
        assert got == expected, f"serialize({list(tensors)}, {metadata}) = {got}, expected {expected}"
    mixed = serialize({"b": np.zeros(1, np.float32), "a": np.zeros(1, np.float32), "n": np.zeros(1, np.int64)})
    order = list(json.loads(mixed[8 : 8 + struct.unpack("<Q", mixed[:8])[0]]))
    assert order == ["n", "a", "b"], order  # I64 (alignment 8) first, then by name
    print("ok")


if __name__ == "__main__" and sys.argv[1:] == ["--self-test"]:
    self_test()
