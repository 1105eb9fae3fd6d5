# PyTorch peer of bench/run.ts, figures E and F. E: the book's SimpleConvNet (conv 30x5x5 -> ReLU -> max-pool
# 2 -> Linear 4320-100 -> ReLU -> Linear 100-10), cross-entropy, Adam lr 0.001, batch 100, on the
# MNIST training set in the bench's batch order, on ONE thread: torch.set_num_threads(1) here and
# OPENBLAS_NUM_THREADS=1 (and OMP/MKL) in the environment the bench gives it. A child process that
# stays up for the whole bench, one JSON command a line on stdin, one JSON answer a line on stdout.
# F: the addition seq2seq of torch_seq2seq.py, on the same thread.
#
#   {"cmd": "init", "E": {xPath, labelsPath, n, d, perm}, "F": {...}}  -> {"torch", "threads", "blas"}
#   {"cmd": "E", "steps": s}                                           -> {"seconds": s training steps}
#   {"cmd": "F", "steps": s}                                           -> {"seconds": s steps of F}
#
# "blas" names the BLAS library the process has loaded (Debian's torch calls the system libblas.so.3,
# which is OpenBLAS when libopenblas0 is installed and the reference BLAS otherwise).
import json
import os
import sys
from bench_clock import clock

import numpy as np
import torch
from torch_seq2seq import Figure as Seq2seqFigure

torch.set_num_threads(1)


def loaded_blas():
    torch.ones(64, 64) @ torch.ones(64, 64)  # make sure the BLAS is loaded
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            if "blas" in os.path.basename(path).lower() or "mkl" in os.path.basename(path).lower():
                libs.add(os.path.realpath(path))
    return ", ".join(sorted(libs)) or "none found in /proc/self/maps"


class Trainer:
    def __init__(self, cfg):
        x = np.fromfile(cfg["xPath"], dtype=np.float32).reshape(cfg["n"], 1, 28, 28)
        self.x = torch.from_numpy(x)
        self.labels = torch.from_numpy(np.fromfile(cfg["labelsPath"], dtype=np.int32).astype(np.int64))
        self.perm = torch.tensor(cfg["perm"], dtype=torch.int64)
        self.batches = len(cfg["perm"]) // 100
        torch.manual_seed(0)
        self.model = torch.nn.Sequential(
            torch.nn.Conv2d(1, 30, 5),
            torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
            torch.nn.Flatten(),
            torch.nn.Linear(4320, 100),
            torch.nn.ReLU(),
            torch.nn.Linear(100, 10),
        )
        self.opt = torch.optim.Adam(self.model.parameters(), lr=0.001)
        self.loss = torch.nn.CrossEntropyLoss()
        self.pos = 0

    def run(self, steps):
        t0 = clock()
        for _ in range(steps):
            i = self.pos % self.batches
            self.pos += 1
            idx = self.perm[i * 100 : (i + 1) * 100]
            self.opt.zero_grad()
            self.loss(self.model(self.x[idx]), self.labels[idx]).backward()
            self.opt.step()
        return clock() - t0


def main():
    trainers = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            cmd = json.loads(line)
            if cmd["cmd"] == "init":
                if "E" in cmd:
                    trainers["E"] = Trainer(cmd["E"])
                if "F" in cmd:
                    trainers["F"] = Seq2seqFigure(cmd["F"])
                out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": loaded_blas()}
            elif cmd["cmd"] in trainers:
                out = {"seconds": trainers[cmd["cmd"]].run(cmd["steps"])}
            else:
                raise ValueError(f"unknown command {cmd['cmd']!r}")
        except Exception as e:  # answered, so the bench can report it and go on
            out = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


main()
