"""Reference values for tapegrad's windowed ops from PyTorch (float64).

Reads a JSON list of cases on stdin: {"op", "inputs": [{"shape", "data"}], "options", "gy": {"shape", "data"}}.
Writes a JSON list: {"y": [...], "shape": [...], "grads": [[...] per input]}, where grads are the
gradients of sum(y * gy) w.r.t. each input.
"""
import json
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)


def run(case):
    xs = [torch.tensor(i["data"], dtype=torch.float64).reshape(i["shape"]).requires_grad_() for i in case["inputs"]]
    o = case["options"]
    op = case["op"]
    if op == "conv1d":
        y = F.conv1d(*xs, **o)
    elif op == "conv2d":
        y = F.conv2d(*xs, **o)
    elif op == "conv_transpose2d":
        y = F.conv_transpose2d(*xs, **o)
    elif op == "max_pool2d":
        y = F.max_pool2d(xs[0], **o)
    elif op == "avg_pool2d":
        y = F.avg_pool2d(xs[0], **o)
    elif op == "adaptive_avg_pool2d":
        y = F.adaptive_avg_pool2d(xs[0], **o)
    elif op == "pad":
        y = F.pad(xs[0], **o)
    elif op == "unfold":
        y = F.unfold(xs[0], **o)
    elif op == "fold":
        y = F.fold(xs[0], **o)
    else:
        raise ValueError(f"unknown op {op}")
    gy = torch.tensor(case["gy"]["data"], dtype=torch.float64).reshape(y.shape)
    (y * gy).sum().backward()
    return {"y": y.detach().reshape(-1).tolist(), "shape": list(y.shape), "grads": [x.grad.reshape(-1).tolist() for x in xs]}


print(json.dumps([run(c) for c in json.load(sys.stdin)]))
