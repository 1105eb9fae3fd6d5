# NumPy peer of bench/run.ts: the same A/B/C work written by hand, the way the book writes it
# (float32; A: np.matmul into a preallocated output; B/C: sigmoid or ReLU, softmax with loss,
# manual backward, SGD). A child process with OPENBLAS_NUM_THREADS=1 that stays up for the whole
# bench, so its runs take turns with the other frameworks' runs: it reads one JSON command per
# line on stdin and answers each with one JSON line on stdout.
#
#   {"cmd": "init", "B": {...}, "C": {...}}        -> {"numpy": version}
#   {"cmd": "A", "shape": [m, n, k, ta, tb], "sampleMs": ms}
#                                                  -> {"seconds": per call, over one sample}
#   {"cmd": "B", "activation": a, "steps": s}      -> {"seconds": s steps of B}
#   {"cmd": "C", "steps": s}                       -> {"seconds": s steps of C}
#   {"cmd": "E", "steps": s}                       -> {"seconds": s steps of E, the book's
#                                                     SimpleConvNet with its im2col (convnet.py)}
#   {"cmd": "F", "steps": s}                       -> {"seconds": s steps of F (numpy_seq2seq.py)}
#
# An error answers {"error": message}; stdin closing ends the process.
import json
import sys
from bench_clock import clock

import numpy as np

from convnet import SimpleConvNet
from numpy_seq2seq import Figure as Seq2seqFigure


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


class TwoLayerNet:
    def __init__(self, i, h, o, rng, activation="sigmoid"):
        self.relu = activation == "relu"

        def u(fan_in, shape):
            b = 1 / np.sqrt(fan_in)
            return rng.uniform(-b, b, shape).astype(np.float32)

        self.params = {"W1": u(i, (i, h)), "b1": u(i, (h,)), "W2": u(h, (h, o)), "b2": u(h, (o,))}

    def step(self, x, t, lr):
        p = self.params
        W1, b1, W2, b2 = p["W1"], p["b1"], p["W2"], p["b2"]
        # forward
        a1 = x @ W1 + b1
        z1 = np.maximum(a1, 0) if self.relu else sigmoid(a1)
        y = softmax(z1 @ W2 + b2)
        n = x.shape[0]
        rows = np.arange(n)
        loss = -np.sum(np.log(y[rows, t] + 1e-7)) / n
        # backward
        dy = y.copy()
        dy[rows, t] -= 1
        dy /= n
        grads = {"W2": z1.T @ dy, "b2": dy.sum(axis=0)}
        dz1 = dy @ W2.T
        da1 = dz1 * (a1 > 0) if self.relu else (1 - z1) * z1 * dz1
        grads["W1"] = x.T @ da1
        grads["b1"] = da1.sum(axis=0)
        for k in p:
            p[k] -= lr * grads[k]
        return loss


class Trainer:
    """SGD on index batches of `size` rows of x in the order of `perm`; continues across calls."""

    def __init__(self, x, labels, perm, size, lr, net):
        self.x, self.labels, self.perm, self.size, self.lr, self.net = x, labels, perm, size, lr, net
        self.batches = len(perm) // size
        if self.batches == 0:
            raise ValueError(f"a batch is {size} rows, the permutation has {len(perm)}")
        self.pos = 0

    def run(self, steps):
        t0 = clock()
        for _ in range(steps):
            i = self.pos % self.batches
            self.pos += 1
            idx = self.perm[i * self.size : (i + 1) * self.size]
            self.net.step(self.x[idx], self.labels[idx], self.lr)
        return clock() - t0


class Peer:
    def __init__(self):
        self.rng = np.random.default_rng(0)
        self.gemms = {}
        self.trainers = {}

    def init(self, cfg):
        b = cfg["B"]
        x = np.fromfile(b["xPath"], dtype=np.float32).reshape(b["n"], b["d"])
        labels = np.fromfile(b["labelsPath"], dtype=np.int32)
        perm = np.array(b["perm"], dtype=np.int64)
        for activation in b["activations"]:
            net = TwoLayerNet(b["d"], 100, 10, self.rng, activation)
            self.trainers["B " + activation] = Trainer(x, labels, perm, 100, 0.1, net)
        c = cfg["C"]
        sx = np.array(c["x"], dtype=np.float32).reshape(-1, 2)
        st = np.array(c["labels"], dtype=np.int32)
        cperm = np.array(c["perm"], dtype=np.int64)
        self.trainers["C"] = Trainer(sx, st, cperm, 30, 1.0, TwoLayerNet(2, 10, 3, self.rng))
        # E: the same images as [N, 1, 28, 28], the same batch order; Adam keeps its own lr.
        self.trainers["E"] = Trainer(x.reshape(-1, 1, 28, 28), labels, perm, 100, 0.001, SimpleConvNet(self.rng))
        if "F" in cfg:
            self.trainers["F"] = Seq2seqFigure(cfg["F"], self.rng)
        return {"numpy": np.__version__}

    def gemm(self, shape):
        key = tuple(shape)
        if key not in self.gemms:
            m, n, k, ta, tb = shape
            a = self.rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
            b = self.rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
            oa = a.T if ta else a
            ob = b.T if tb else b
            c = np.empty((m, n), dtype=np.float32)
            self.gemms[key] = lambda: np.matmul(oa, ob, out=c)
            self.gemms[key]()
            self.gemms[key]()
        return self.gemms[key]

    def sample(self, fn, sample_ms):
        reps = 0
        t0 = clock()
        while True:
            fn()
            reps += 1
            dt = clock() - t0
            if dt * 1000 >= sample_ms:
                return dt / reps

    def handle(self, cmd):
        kind = cmd["cmd"]
        if kind == "init":
            return self.init(cmd)
        if kind == "A":
            return {"seconds": self.sample(self.gemm(cmd["shape"]), cmd["sampleMs"])}
        if kind == "B":
            return {"seconds": self.trainers["B " + cmd["activation"]].run(cmd["steps"])}
        if kind in ("C", "E", "F"):
            return {"seconds": self.trainers[kind].run(cmd["steps"])}
        raise ValueError(f"unknown command {kind!r}")


def main():
    peer = Peer()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            out = peer.handle(json.loads(line))
        except Exception as e:  # answered, so the bench can report it and go on
            out = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


main()
