"""The book's SimpleConvNet ("Deep Learning from Scratch", ch. 7) in NumPy for figure E of
bench/run.ts: conv 30x5x5 -> ReLU -> max-pool 2 -> Affine 4320-100 -> ReLU -> Affine 100-10 ->
softmax with loss, trained by the book's Adam. The layers are the book's (common/util.py im2col
and col2im, common/layers.py Convolution, Pooling, Affine, Relu, SoftmaxWithLoss), in float32
throughout (the book's im2col makes float64 columns; here they take the input's dtype, so both
sides multiply float32), and the first convolution does not compute the gradient of the images,
which nothing uses (PyTorch and tapegrad skip it too).
"""
import numpy as np


def im2col(x, fh, fw, stride=1, pad=0):
    n, c, h, w = x.shape
    oh = (h + 2 * pad - fh) // stride + 1
    ow = (w + 2 * pad - fw) // stride + 1
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)], "constant")
    col = np.zeros((n, c, fh, fw, oh, ow), dtype=x.dtype)
    for y in range(fh):
        y_max = y + stride * oh
        for xx in range(fw):
            x_max = xx + stride * ow
            col[:, :, y, xx, :, :] = img[:, :, y:y_max:stride, xx:x_max:stride]
    return col.transpose(0, 4, 5, 1, 2, 3).reshape(n * oh * ow, -1)


def col2im(col, shape, fh, fw, stride=1, pad=0):
    n, c, h, w = shape
    oh = (h + 2 * pad - fh) // stride + 1
    ow = (w + 2 * pad - fw) // stride + 1
    col = col.reshape(n, oh, ow, c, fh, fw).transpose(0, 3, 4, 5, 1, 2)
    img = np.zeros((n, c, h + 2 * pad + stride - 1, w + 2 * pad + stride - 1), dtype=col.dtype)
    for y in range(fh):
        y_max = y + stride * oh
        for xx in range(fw):
            x_max = xx + stride * ow
            img[:, :, y:y_max:stride, xx:x_max:stride] += col[:, :, y, xx, :, :]
    return img[:, :, pad : h + pad, pad : w + pad]


class Convolution:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        fn, c, fh, fw = self.W.shape
        n, c, h, w = x.shape
        oh, ow = h - fh + 1, w - fw + 1
        self.x_shape = x.shape
        self.col = im2col(x, fh, fw)
        self.col_W = self.W.reshape(fn, -1).T
        out = self.col @ self.col_W + self.b
        return out.reshape(n, oh, ow, -1).transpose(0, 3, 1, 2)

    def backward(self, dout):
        fn, c, fh, fw = self.W.shape
        dout = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        self.db = np.sum(dout, axis=0)
        self.dW = (self.col.T @ dout).transpose(1, 0).reshape(fn, c, fh, fw)
        return None  # the images' gradient: unused (see the module comment)


class Pooling:
    def __init__(self, ph, pw, stride):
        self.ph, self.pw, self.stride = ph, pw, stride

    def forward(self, x):
        n, c, h, w = x.shape
        oh = (h - self.ph) // self.stride + 1
        ow = (w - self.pw) // self.stride + 1
        col = im2col(x, self.ph, self.pw, self.stride).reshape(-1, self.ph * self.pw)
        self.x_shape = x.shape
        self.arg_max = np.argmax(col, axis=1)
        return np.max(col, axis=1).reshape(n, oh, ow, c).transpose(0, 3, 1, 2)

    def backward(self, dout):
        dout = dout.transpose(0, 2, 3, 1)
        size = self.ph * self.pw
        dmax = np.zeros((dout.size, size), dtype=dout.dtype)
        dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()
        dcol = dmax.reshape(dout.shape + (size,)).reshape(dout.shape[0] * dout.shape[1] * dout.shape[2], -1)
        return col2im(dcol, self.x_shape, self.ph, self.pw, self.stride)


class Relu:
    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, x):
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        dx = dout @ self.W.T
        self.dW = self.x.T @ dout
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)


def softmax(x):
    x = x - x.max(axis=1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


class Adam:
    """The book's Adam (common/optimizer.py)."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2, self.iter, self.m, self.v = lr, beta1, beta2, 0, None, None

    def update(self, params, grads):
        if self.m is None:
            self.m = {k: np.zeros_like(v) for k, v in params.items()}
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2**self.iter) / (1.0 - self.beta1**self.iter)
        for k in params:
            self.m[k] += (1 - self.beta1) * (grads[k] - self.m[k])
            self.v[k] += (1 - self.beta2) * (grads[k] ** 2 - self.v[k])
            params[k] -= (lr_t * self.m[k] / (np.sqrt(self.v[k]) + 1e-7)).astype(params[k].dtype)


class SimpleConvNet:
    def __init__(self, rng):
        def u(fan_in, shape):
            b = 1 / np.sqrt(fan_in)
            return rng.uniform(-b, b, shape).astype(np.float32)

        self.params = {
            "W1": u(25, (30, 1, 5, 5)),
            "b1": u(25, (30,)),
            "W2": u(4320, (4320, 100)),
            "b2": u(4320, (100,)),
            "W3": u(100, (100, 10)),
            "b3": u(100, (10,)),
        }
        p = self.params
        self.conv = Convolution(p["W1"], p["b1"])
        self.relu1, self.pool = Relu(), Pooling(2, 2, 2)
        self.fc1, self.relu2, self.fc2 = Affine(p["W2"], p["b2"]), Relu(), Affine(p["W3"], p["b3"])
        self.opt = None

    def step(self, x, t, lr):
        if self.opt is None:
            self.opt = Adam(lr)
        h = self.pool.forward(self.relu1.forward(self.conv.forward(x)))
        y = softmax(self.fc2.forward(self.relu2.forward(self.fc1.forward(h))))
        n = x.shape[0]
        rows = np.arange(n)
        loss = -np.sum(np.log(y[rows, t] + 1e-7)) / n
        dy = y.copy()
        dy[rows, t] -= 1
        dy /= n
        d = self.fc1.backward(self.relu2.backward(self.fc2.backward(dy)))
        self.conv.backward(self.relu1.backward(self.pool.backward(d)))
        grads = {
            "W1": self.conv.dW,
            "b1": self.conv.db,
            "W2": self.fc1.dW,
            "b2": self.fc1.db,
            "W3": self.fc2.dW,
            "b3": self.fc2.db,
        }
        self.opt.update(self.params, grads)
        return loss
