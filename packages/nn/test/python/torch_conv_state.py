"""State dicts of a conv net with BatchNorm between tapegrad and PyTorch, strictly, both ways.

Usage: torch_conv_state.py DIR. DIR holds tapegrad.safetensors (tapegrad's state dict after some
training steps) and io.safetensors (an input "x"). This script:
- loads tapegrad's state dict into the same torch.nn architecture with strict=True and writes
  the eval-mode output on x as "with_tapegrad_weights" to torch-out.safetensors, with the
  dtypes PyTorch ended up with (num_batches_tracked must stay int64);
- trains its own copy three steps (new running statistics), writes that state dict, as
  PyTorch's safetensors writer would, to torch.safetensors, and its eval output as "fresh".
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "onnx", "test", "python"))
from safetensors_io import read_file, write_file  # noqa: E402

torch.set_num_threads(1)


def build():
    return torch.nn.Sequential(
        torch.nn.Conv2d(2, 4, 3, padding=1),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(64, 5),
        torch.nn.BatchNorm1d(5),
    )


def main(d):
    ours, _ = read_file(os.path.join(d, "tapegrad.safetensors"))
    x = torch.from_numpy(read_file(os.path.join(d, "io.safetensors"))[0]["x"])
    model = build()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in ours.items()}, strict=True)
    model.eval()
    with torch.no_grad():
        y = model(x)
    dtypes = {k: str(v.dtype) for k, v in model.state_dict().items()}
    counts = {k: int(v) for k, v in model.state_dict().items() if k.endswith("num_batches_tracked")}
    torch.manual_seed(0)
    fresh = build()
    fresh.train()
    for _ in range(3):
        fresh(torch.randn(6, 2, 8, 8))
    fresh.eval()
    with torch.no_grad():
        z = fresh(x)
    write_file(os.path.join(d, "torch.safetensors"), {k: v.numpy() for k, v in fresh.state_dict().items()}, {"format": "pt"})
    write_file(os.path.join(d, "torch-out.safetensors"), {"with_tapegrad_weights": y.numpy(), "fresh": z.numpy()})
    print(json.dumps({"keys": list(model.state_dict().keys()), "dtypes": dtypes, "counts": counts}))


main(sys.argv[1])
