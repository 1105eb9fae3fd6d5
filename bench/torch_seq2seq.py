# The PyTorch side of figure F of bench/run.ts (served by bench/torch_peer.py): the addition
# seq2seq (Embedding 16, an nn.LSTM encoder and decoder of 128 units with batch_first, a Linear
# over the characters, cross-entropy, Adam lr 0.001), in the thread settings of the peer.
from bench_clock import clock

import numpy as np
import torch


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
        t0 = clock()
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
        return clock() - t0
