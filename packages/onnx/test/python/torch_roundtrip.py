"""The PyTorch side of the checkpoint round trips. For each case folder given (written by
pytorch.test.ts: spec.json, tapegrad.safetensors, io.safetensors with the input `x`), it builds
the same architecture from torch.nn, loads tapegrad's weights (and buffers) with strict=True, runs
`x` through it, then builds a fresh, differently seeded model (whose BatchNorm statistics a few
training passes move), runs `x` through that, and writes its weights
as PyTorch's safetensors writer would (torch.safetensors, metadata {"format": "pt"}) and both
outputs (torch-out.safetensors) for tapegrad to load and compare. Prints a JSON report."""
import json
import os
import sys
from collections import OrderedDict

import torch

from safetensors_io import read_file, write_file

torch.set_num_threads(1)


class LSTMLastStep(torch.nn.LSTM):
    """nn.LSTM whose output is the last layer's final hidden state, [N, H]: what the sine-rnn
    model feeds its Linear. Its state dict is nn.LSTM's (weight_ih_l0 …)."""

    def forward(self, x):
        _, (h, _) = super().forward(x)
        return h[-1]

# One entry per layer type the specs may use (the architectures in test/zoo.ts).
LAYERS = {
    "Linear": lambda s: torch.nn.Linear(s["in"], s["out"], bias=s.get("bias", True)),
    "ReLU": lambda s: torch.nn.ReLU(),
    "Sigmoid": lambda s: torch.nn.Sigmoid(),
    "Tanh": lambda s: torch.nn.Tanh(),
    "LeakyReLU": lambda s: torch.nn.LeakyReLU(s["slope"]),
    "Dropout": lambda s: torch.nn.Dropout(s["p"]),
    "Softmax": lambda s: torch.nn.Softmax(dim=s.get("dim", -1)),
    "LogSoftmax": lambda s: torch.nn.LogSoftmax(dim=s.get("dim", -1)),
    "Embedding": lambda s: torch.nn.Embedding(s["num"], s["dim"]),
    "LSTMLastStep": lambda s: LSTMLastStep(s["in"], s["hidden"], num_layers=s.get("layers", 1), batch_first=True),
    "TransformerEncoderLayer": lambda s: torch.nn.TransformerEncoderLayer(
        s["d_model"],
        s["nhead"],
        dim_feedforward=s["dim_feedforward"],
        dropout=s.get("dropout", 0.1),
        activation=s.get("activation", "relu"),
        batch_first=True,
        norm_first=s.get("norm_first", False),
    ),
    "Conv2d": lambda s: torch.nn.Conv2d(s["in"], s["out"], s["kernel"], padding=s.get("padding", 0), bias=s.get("bias", True)),
    "MaxPool2d": lambda s: torch.nn.MaxPool2d(s["kernel"]),
    "Flatten": lambda s: torch.nn.Flatten(),
    "BatchNorm1d": lambda s: torch.nn.BatchNorm1d(s["n"]),
    "BatchNorm2d": lambda s: torch.nn.BatchNorm2d(s["n"]),
}


def move_running_stats(model, shape):
    """A few training-mode passes over random batches, so that BatchNorm's running statistics
    and batch count leave their initial values (and the round trip can tell them apart)."""
    if not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in model.modules()):
        return
    model.train()
    with torch.no_grad():
        for i in range(3):
            model(torch.randn([8] + shape[1:]) * (1 + i) + i / 2)
    model.eval()


def counters(model):
    return {k: int(v) for k, v in model.state_dict().items() if v.dtype == torch.int64}


def build(spec):
    layers = [LAYERS[s["type"]](s) for s in spec["layers"]]
    names = spec.get("names")
    return torch.nn.Sequential(OrderedDict(zip(names, layers)) if names else OrderedDict((str(i), m) for i, m in enumerate(layers)))


def run(case):
    with open(os.path.join(case, "spec.json")) as f:
        spec = json.load(f)
    weights, _ = read_file(os.path.join(case, "tapegrad.safetensors"))
    io, _ = read_file(os.path.join(case, "io.safetensors"))
    x = torch.from_numpy(io["x"])
    if x.dtype == torch.int32:
        x = x.long()  # token ids: torch.nn.Embedding takes int64
    model = build(spec).eval()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
    torch.manual_seed(spec["seed"])
    fresh = build(spec).eval()
    move_running_stats(fresh, spec["input"])
    with torch.no_grad():
        outputs = {"with_tapegrad_weights": model(x).numpy(), "fresh": fresh(x).numpy()}
    state = {k: v.detach().contiguous().numpy() for k, v in fresh.state_dict().items()}
    write_file(os.path.join(case, "torch.safetensors"), state, {"format": "pt"})
    write_file(os.path.join(case, "torch-out.safetensors"), outputs)
    return {
        "state_dict": [[k, list(v.shape)] for k, v in model.state_dict().items()],
        "int64": counters(model),
        "fresh_int64": counters(fresh),
    }


if __name__ == "__main__":
    print(json.dumps({"torch": torch.__version__, "cases": {case: run(case) for case in sys.argv[1:]}}))
