# Figure F of the NumPy peer (bench/numpy_peer.py): the addition seq2seq written the book's way
# ("Deep Learning from Scratch 2", ch. 7: common/time_layers.py, seq2seq.py, common/optimizer.py):
# TimeEmbedding, TimeLSTM (one LSTM object a step, gates f, g, i, o), TimeAffine,
# TimeSoftmaxWithLoss, an Encoder and a Decoder, Adam; float32, no gradient clipping (as the
# other peers of figure F).
from bench_clock import clock

import numpy as np


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    x = np.exp(x)
    return x / x.sum(axis=1, keepdims=True)


class Embedding:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.idx = None

    def forward(self, idx):
        (W,) = self.params
        self.idx = idx
        return W[idx]

    def backward(self, dout):
        (dW,) = self.grads
        dW[...] = 0
        np.add.at(dW, self.idx, dout)


class TimeEmbedding:
    def __init__(self, W):
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.layers = None
        self.W = W

    def forward(self, xs):
        N, T = xs.shape
        V, D = self.W.shape
        out = np.empty((N, T, D), dtype="f")
        self.layers = []
        for t in range(T):
            layer = Embedding(self.W)
            out[:, t, :] = layer.forward(xs[:, t])
            self.layers.append(layer)
        return out

    def backward(self, dout):
        N, T, D = dout.shape
        grad = 0
        for t in range(T):
            layer = self.layers[t]
            layer.backward(dout[:, t, :])
            grad += layer.grads[0]
        self.grads[0][...] = grad


class LSTM:
    def __init__(self, Wx, Wh, b):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.cache = None

    def forward(self, x, h_prev, c_prev):
        Wx, Wh, b = self.params
        N, H = h_prev.shape
        A = np.dot(x, Wx) + np.dot(h_prev, Wh) + b
        f = sigmoid(A[:, :H])
        g = np.tanh(A[:, H : 2 * H])
        i = sigmoid(A[:, 2 * H : 3 * H])
        o = sigmoid(A[:, 3 * H :])
        c_next = f * c_prev + g * i
        h_next = o * np.tanh(c_next)
        self.cache = (x, h_prev, c_prev, i, f, g, o, c_next)
        return h_next, c_next

    def backward(self, dh_next, dc_next):
        Wx, Wh, b = self.params
        x, h_prev, c_prev, i, f, g, o, c_next = self.cache
        tanh_c_next = np.tanh(c_next)
        ds = dc_next + (dh_next * o) * (1 - tanh_c_next**2)
        dc_prev = ds * f
        di = ds * g
        df = ds * c_prev
        do = dh_next * tanh_c_next
        dg = ds * i
        di *= i * (1 - i)
        df *= f * (1 - f)
        do *= o * (1 - o)
        dg *= 1 - g**2
        dA = np.hstack((df, dg, di, do))
        self.grads[0][...] = np.dot(x.T, dA)
        self.grads[1][...] = np.dot(h_prev.T, dA)
        self.grads[2][...] = dA.sum(axis=0)
        return np.dot(dA, Wx.T), np.dot(dA, Wh.T), dc_prev


class TimeLSTM:
    def __init__(self, Wx, Wh, b, stateful=False):
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.layers = None
        self.h, self.c = None, None
        self.dh = None
        self.stateful = stateful

    def forward(self, xs):
        Wx, Wh, b = self.params
        N, T, D = xs.shape
        H = Wh.shape[0]
        self.layers = []
        hs = np.empty((N, T, H), dtype="f")
        if not self.stateful or self.h is None:
            self.h = np.zeros((N, H), dtype="f")
        if not self.stateful or self.c is None:
            self.c = np.zeros((N, H), dtype="f")
        for t in range(T):
            layer = LSTM(*self.params)
            self.h, self.c = layer.forward(xs[:, t, :], self.h, self.c)
            hs[:, t, :] = self.h
            self.layers.append(layer)
        return hs

    def backward(self, dhs):
        Wx, Wh, b = self.params
        N, T, H = dhs.shape
        D = Wx.shape[0]
        dxs = np.empty((N, T, D), dtype="f")
        dh, dc = 0, 0
        grads = [0, 0, 0]
        for t in reversed(range(T)):
            layer = self.layers[t]
            dx, dh, dc = layer.backward(dhs[:, t, :] + dh, dc)
            dxs[:, t, :] = dx
            for i, grad in enumerate(layer.grads):
                grads[i] += grad
        for i, grad in enumerate(grads):
            self.grads[i][...] = grad
        self.dh = dh
        return dxs

    def set_state(self, h, c=None):
        self.h, self.c = h, c


class TimeAffine:
    def __init__(self, W, b):
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x = None

    def forward(self, x):
        N, T, D = x.shape
        W, b = self.params
        self.x = x
        return (np.dot(x.reshape(N * T, -1), W) + b).reshape(N, T, -1)

    def backward(self, dout):
        x = self.x
        N, T, D = x.shape
        W, b = self.params
        dout = dout.reshape(N * T, -1)
        self.grads[0][...] = np.dot(x.reshape(N * T, -1).T, dout)
        self.grads[1][...] = np.sum(dout, axis=0)
        return np.dot(dout, W.T).reshape(*x.shape)


class TimeSoftmaxWithLoss:
    def __init__(self):
        self.cache = None
        self.ignore_label = -1

    def forward(self, xs, ts):
        N, T, V = xs.shape
        mask = ts != self.ignore_label
        xs = xs.reshape(N * T, V)
        ts = ts.reshape(N * T)
        mask = mask.reshape(N * T)
        ys = softmax(xs)
        ls = np.log(ys[np.arange(N * T), ts]) * mask
        self.cache = (ts, ys, mask, (N, T, V))
        return -np.sum(ls) / mask.sum()

    def backward(self, dout=1):
        ts, ys, mask, (N, T, V) = self.cache
        dx = ys
        dx[np.arange(N * T), ts] -= 1
        dx *= dout
        dx /= mask.sum()
        dx *= mask[:, np.newaxis]
        return dx.reshape((N, T, V))


class Encoder:
    def __init__(self, V, D, H, rn):
        self.embed = TimeEmbedding((rn(V, D) / 100).astype("f"))
        self.lstm = TimeLSTM(
            (rn(D, 4 * H) / np.sqrt(D)).astype("f"), (rn(H, 4 * H) / np.sqrt(H)).astype("f"), np.zeros(4 * H, "f")
        )
        self.params = self.embed.params + self.lstm.params
        self.grads = self.embed.grads + self.lstm.grads
        self.hs = None

    def forward(self, xs):
        self.hs = self.lstm.forward(self.embed.forward(xs))
        return self.hs[:, -1, :]

    def backward(self, dh):
        dhs = np.zeros_like(self.hs)
        dhs[:, -1, :] = dh
        self.embed.backward(self.lstm.backward(dhs))


class Decoder:
    def __init__(self, V, D, H, rn):
        self.embed = TimeEmbedding((rn(V, D) / 100).astype("f"))
        self.lstm = TimeLSTM(
            (rn(D, 4 * H) / np.sqrt(D)).astype("f"),
            (rn(H, 4 * H) / np.sqrt(H)).astype("f"),
            np.zeros(4 * H, "f"),
            stateful=True,
        )
        self.affine = TimeAffine((rn(H, V) / np.sqrt(H)).astype("f"), np.zeros(V, "f"))
        self.params = self.embed.params + self.lstm.params + self.affine.params
        self.grads = self.embed.grads + self.lstm.grads + self.affine.grads

    def forward(self, xs, h):
        self.lstm.set_state(h)
        return self.affine.forward(self.lstm.forward(self.embed.forward(xs)))

    def backward(self, dscore):
        self.embed.backward(self.lstm.backward(self.affine.backward(dscore)))
        return self.lstm.dh


class Seq2seq:
    def __init__(self, V, D, H, rng):
        rn = lambda *shape: rng.standard_normal(shape)
        self.encoder = Encoder(V, D, H, rn)
        self.decoder = Decoder(V, D, H, rn)
        self.softmax = TimeSoftmaxWithLoss()
        self.params = self.encoder.params + self.decoder.params
        self.grads = self.encoder.grads + self.decoder.grads

    def forward(self, xs, ts):
        h = self.encoder.forward(xs)
        score = self.decoder.forward(ts[:, :-1], h)
        return self.softmax.forward(score, ts[:, 1:])

    def backward(self):
        self.encoder.backward(self.decoder.backward(self.softmax.backward()))


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter = 0
        self.m, self.v = None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = [np.zeros_like(p) for p in params]
            self.v = [np.zeros_like(p) for p in params]
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for i in range(len(params)):
            self.m[i] += (1 - self.beta1) * (grads[i] - self.m[i])
            self.v[i] += (1 - self.beta2) * (grads[i] ** 2 - self.v[i])
            params[i] -= lr_t * self.m[i] / (np.sqrt(self.v[i]) + 1e-7)


class Figure:
    """Trains the model on batches of the problems in the given order; continues across calls."""

    def __init__(self, cfg, rng):
        n = cfg["n"]
        self.q = np.fromfile(cfg["questionsPath"], dtype=np.int32).reshape(n, 7)
        self.a = np.fromfile(cfg["answersPath"], dtype=np.int32).reshape(n, 5)
        self.perm = np.array(cfg["perm"], dtype=np.int64)
        self.batch = cfg["batch"]
        self.steps = len(self.perm) // self.batch
        self.model = Seq2seq(cfg["vocab"], cfg["embed"], cfg["hidden"], rng)
        self.opt = Adam(lr=0.001)
        self.pos = 0

    def run(self, steps):
        t0 = clock()
        for _ in range(steps):
            i = self.pos % self.steps
            self.pos += 1
            idx = self.perm[i * self.batch : (i + 1) * self.batch]
            self.model.forward(self.q[idx], self.a[idx])
            self.model.backward()
            self.opt.update(self.model.params, self.model.grads)
        return clock() - t0
