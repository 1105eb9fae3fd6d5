"""The PyTorch side of the training parity test (pytorch-training.test.ts). For each case folder
given: spec.json (the torch.nn layers, as torch_roundtrip.py builds them, the mode, the Dropout
layers kept in eval mode, the torch.optim optimizer and its arguments), init.safetensors
(tapegrad's initial state dict, float64) and data.safetensors (`x` and `target`, one batch per
step along axis 0). It loads the initial state strictly into the float64 model and takes one
optimizer step per batch on the mean squared error, then writes the final state dict
(final.safetensors). Prints a JSON report with the loss before each step."""
import json
import os
import sys

import torch

from safetensors_io import read_file, write_file
from torch_roundtrip import build

torch.set_num_threads(1)

OPTIMIZERS = {
    "SGD": torch.optim.SGD,
    "Adam": torch.optim.Adam,
    "AdamW": torch.optim.AdamW,
    "RMSprop": torch.optim.RMSprop,
    "Adagrad": torch.optim.Adagrad,
}


def run(case):
    with open(os.path.join(case, "spec.json")) as f:
        spec = json.load(f)
    state, _ = read_file(os.path.join(case, "init.safetensors"))
    data, _ = read_file(os.path.join(case, "data.safetensors"))
    model = build(spec).double()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()}, strict=True)
    model.train(spec["train"])
    for i in spec["evalLayers"]:
        model[i].eval()  # Dropout: the two sides would draw different masks
    x, target = torch.from_numpy(data["x"]), torch.from_numpy(data["target"])
    if x.dtype == torch.int32:
        x = x.long()  # token ids: torch.nn.Embedding takes int64
    optimizer = OPTIMIZERS[spec["optimizer"]](model.parameters(), **spec["arguments"])
    losses = []
    for step in range(x.shape[0]):
        optimizer.zero_grad()
        loss = torch.mean((model(x[step]) - target[step]) ** 2)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    final = {k: v.detach().contiguous().numpy() for k, v in model.state_dict().items()}
    write_file(os.path.join(case, "final.safetensors"), final)
    return losses


if __name__ == "__main__":
    print(json.dumps({"torch": torch.__version__, "losses": {case: run(case) for case in sys.argv[1:]}}))
