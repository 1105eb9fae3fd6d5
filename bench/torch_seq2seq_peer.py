# PyTorch peer of figure F of bench/run.ts: the addition seq2seq (Embedding 16, an nn.LSTM encoder
# and decoder of 128 units with batch_first, a Linear over the characters, cross-entropy, Adam
# lr 0.001) on one thread (torch.set_num_threads(1); started with OPENBLAS_NUM_THREADS=1). A child
# process that stays up, as bench/numpy_peer.py: one JSON command a line on stdin, one JSON
# answer a line on stdout.
#
#   {"cmd": "init", "F": {...}}   -> {"torch": version, "threads": 1}
#   {"cmd": "F", "steps": s}      -> {"seconds": s steps of F}
#
# An error answers {"error": message}; stdin closing ends the process.
import json
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)


class Encoder(torch.nn.Module):
    def __init__(self, V, D, H):
        super().__init__()
        self.embed = torch.nn.Embedding(V, D)
        self.lstm = torch.nn.LSTM(D, H, batch_first=True)

    def forward(self, xs):
        _, (h, _) = self.lstm(self.embed(xs))
        return h


class Decoder(torch.nn.Module):
    def __init__(self, V, D, H):
        super().__init__()
        self.embed = torch.nn.Embedding(V, D)
        self.lstm = torch.nn.LSTM(D, H, batch_first=True)
        self.affine = torch.nn.Linear(H, V)

    def forward(self, xs, h):
        # As the book's decoder: h from the encoder, c from zero.
        out, _ = self.lstm(self.embed(xs), (h, torch.zeros_like(h)))
        return self.affine(out.reshape(-1, out.shape[-1]))


class Figure:
    def __init__(self, cfg):
        torch.manual_seed(0)
        n = cfg["n"]
        self.q = torch.from_numpy(np.fromfile(cfg["questionsPath"], dtype=np.int32).reshape(n, 7).astype(np.int64))
        self.a = torch.from_numpy(np.fromfile(cfg["answersPath"], dtype=np.int32).reshape(n, 5).astype(np.int64))
        self.perm = torch.tensor(cfg["perm"], dtype=torch.int64)
        self.batch = cfg["batch"]
        self.steps = len(self.perm) // self.batch
        V, D, H = cfg["vocab"], cfg["embed"], cfg["hidden"]
        self.encoder, self.decoder = Encoder(V, D, H), Decoder(V, D, H)
        params = list(self.encoder.parameters()) + list(self.decoder.parameters())
        self.opt = torch.optim.Adam(params, lr=0.001)
        self.pos = 0

    def run(self, steps):
        t0 = time.perf_counter()
        for _ in range(steps):
            i = self.pos % self.steps
            self.pos += 1
            idx = self.perm[i * self.batch : (i + 1) * self.batch]
            q, a = self.q[idx], self.a[idx]
            scores = self.decoder(a[:, :-1], self.encoder(q))
            loss = torch.nn.functional.cross_entropy(scores, a[:, 1:].reshape(-1))
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
        return time.perf_counter() - t0


def main():
    figure = None
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            cmd = json.loads(line)
            if cmd["cmd"] == "init":
                figure = Figure(cmd["F"])
                out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
            elif cmd["cmd"] == "F":
                out = {"seconds": figure.run(cmd["steps"])}
            else:
                raise ValueError(f"unknown command {cmd['cmd']!r}")
        except Exception as e:  # answered, so the bench can report it and go on
            out = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


main()
