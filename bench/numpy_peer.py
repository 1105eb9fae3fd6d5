# NumPy peer of bench/run.ts: the same A/B/C work written by hand, the way the book writes it
# (float32; A: np.matmul into a preallocated output; B/C: sigmoid or ReLU, softmax with loss,
# manual backward, SGD). Run as a child process with OPENBLAS_NUM_THREADS=1; reads a JSON
# config on stdin, prints JSON seconds (per call for A, per run for B and C).
import json
import sys
import time

import numpy as np


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


def timed(fn, warm, runs):
    fn(warm)
    out = []
    for steps in runs:
        t0 = time.perf_counter()
        fn(steps)
        out.append(time.perf_counter() - t0)
    return out


def sample_calls(fn, samples, sample_ms):
    fn()
    fn()
    out = []
    for _ in range(samples):
        reps = 0
        t0 = time.perf_counter()
        while True:
            fn()
            reps += 1
            dt = time.perf_counter() - t0
            if dt * 1000 >= sample_ms:
                break
        out.append(dt / reps)
    return out


def run_a(cfg, rng):
    res = []
    for m, n, k, ta, tb in cfg["shapes"]:
        a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
        oa = a.T if ta else a
        ob = b.T if tb else b
        c = np.empty((m, n), dtype=np.float32)
        res.append(sample_calls(lambda: np.matmul(oa, ob, out=c), cfg["samples"], cfg["sampleMs"]))
    return res


def main():
    cfg = json.loads(sys.stdin.read())
    rng = np.random.default_rng(0)
    res = {"numpy": np.__version__}
    res["A"] = run_a(cfg["A"], rng)
    # B: MNIST-shaped 784-100-10
    b = cfg["B"]
    x = np.fromfile(b["xPath"], dtype=np.float32).reshape(b["n"], b["d"])
    labels = np.fromfile(b["labelsPath"], dtype=np.int32)
    perm = np.array(b["perm"], dtype=np.int64)
    res["B"] = {}
    for activation in b["activations"]:
        net = TwoLayerNet(b["d"], 100, 10, rng, activation)
        pos = [0]

        def run_b(steps):
            for _ in range(steps):
                i = pos[0] % (len(perm) // 100)
                pos[0] += 1
                idx = perm[i * 100 : (i + 1) * 100]
                net.step(x[idx], labels[idx], 0.1)

        res["B"][activation] = timed(run_b, b["warm"], [b["steps"]] * b["runs"])
    # C: spiral 2-10-3, batch 30
    c = cfg["C"]
    sx = np.array(c["x"], dtype=np.float32).reshape(-1, 2)
    st = np.array(c["labels"], dtype=np.int32)
    cperm = np.array(c["perm"], dtype=np.int64)
    snet = TwoLayerNet(2, 10, 3, rng)
    nb = len(cperm) // 30
    cpos = [0]

    def run_c(steps):
        for _ in range(steps):
            i = cpos[0] % nb
            cpos[0] += 1
            idx = cperm[i * 30 : (i + 1) * 30]
            snet.step(sx[idx], st[idx], 1.0)

    res["C"] = timed(run_c, c["warm"], [c["steps"]] * c["runs"])
    print(json.dumps(res))


main()
