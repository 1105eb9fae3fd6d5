import { type Tensor, Rng, bufferPoolStats, clearBufferPool, randn, tensor } from '@tapegrad/core';
import {
  Adam,
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  Sigmoid,
  softmaxCrossEntropy,
} from '@tapegrad/nn';

// Sequential marks the results passed between two built-in layers as the tape's alone, so a
// backward reuses their buffers (autograd/intermediates.ts in core). Training must give exactly
// what calling the layers one by one gives, and nothing a user can reach may be overwritten.

beforeEach(() => clearBufferPool());

/** A small ConvNet whose activations are above the pool's minimum size (2^16 elements). */
function convNet(seed: number): Sequential {
  const rng = new Rng(seed);
  return new Sequential(
    new Conv2d(1, 8, 3, { rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(8 * 31 * 31, 10, { rng }),
  );
}

const batch = (s: number): Tensor => randn([10, 1, 64, 64], { rng: new Rng(100 + s) });
const labels = tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { dtype: 'int32' });

/** `steps` Adam steps of `forward` over `net`'s parameters; the final parameters. */
function train(net: Sequential, forward: (x: Tensor) => Tensor, steps: number): number[][] {
  const opt = new Adam(net.parameters(), { lr: 0.01 });
  for (let s = 0; s < steps; s++) {
    opt.zeroGrad();
    softmaxCrossEntropy(forward(batch(s)), labels).backward();
    opt.step();
  }
  return net.parameters().map((p) => Array.from(p.data));
}

test('training through Sequential equals calling the layers one by one, and reuses the activations', () => {
  const a = convNet(1);
  const before = bufferPoolStats().reused;
  const viaSequential = train(a, (x) => a.forward(x), 4);
  const reusedBySequential = bufferPoolStats().reused - before;
  clearBufferPool();
  const b = convNet(1);
  const byHand = train(b, (x) => b.layers.reduce((h, layer) => layer.forward(h), x), 4);
  // Equal bit for bit: the kernels' sums do not depend on how a call was split across threads.
  expect(viaSequential).toEqual(byHand);
  // Each later step takes the conv output, the ReLU output and the argmax from the pool.
  expect(reusedBySequential).toBeGreaterThanOrEqual(3 * 3);
});

test("a forward hook's captured output is never overwritten", () => {
  const net = convNet(2);
  const seen: Tensor[] = [];
  const copies: number[][] = [];
  net[1].registerForwardHook((_m, _in, y) => {
    seen.push(y as Tensor);
    copies.push(Array.from((y as Tensor).data.subarray(0, 4096)));
  });
  const opt = new Adam(net.parameters());
  for (let s = 0; s < 3; s++) {
    opt.zeroGrad();
    softmaxCrossEntropy(net.forward(batch(s)), labels).backward();
    opt.step();
  }
  // The ReLU outputs of all three steps still hold what they held when the hook saw them.
  seen.forEach((y, s) => expect(Array.from(y.data.subarray(0, 4096))).toEqual(copies[s]));
});

/** A layer nn knows nothing about, which keeps its input. */
class Keeper extends Module {
  kept: Tensor[] = [];
  forward(x: Tensor): Tensor {
    this.kept.push(x);
    return x.mul(1);
  }
}

/** A built-in layer's subclass that keeps its output. */
class KeepingReLU extends ReLU {
  kept: Tensor[] = [];
  override forward(x: Tensor): Tensor {
    const y = super.forward(x);
    this.kept.push(y);
    return y;
  }
}

/**
 * Trains `net` three steps, copying what `keeper` kept in each right after it; at the end each
 * kept tensor must still hold its copy (no later step reused its buffer).
 */
function expectKeptIntact(net: Sequential, keeper: { kept: Tensor[] }): void {
  const opt = new Adam(net.parameters());
  const copies: number[][] = [];
  for (let s = 0; s < 3; s++) {
    opt.zeroGrad();
    softmaxCrossEntropy(net.forward(batch(s)), labels).backward();
    opt.step();
    copies.push(Array.from(keeper.kept[s].data.subarray(0, 512)));
  }
  keeper.kept.forEach((t, s) => expect(Array.from(t.data.subarray(0, 512))).toEqual(copies[s]));
}

test.each([
  ['an unknown layer', (): Module & { kept: Tensor[] } => new Keeper()],
  ['a subclass of a built-in layer', (): Module & { kept: Tensor[] } => new KeepingReLU()],
])('what %s keeps is never overwritten, nor views of it', (_name, make) => {
  const rng = new Rng(3);
  const keeper = make();
  const net = new Sequential(
    new Conv2d(1, 8, 3, { rng }),
    new Sigmoid(),
    new Flatten(),
    keeper as unknown as Linear,
    new Linear(8 * 62 * 62, 10, { rng }),
  );
  expectKeptIntact(net, keeper);
});

test('an output that is a view of an intermediate (a last Flatten) is never overwritten', () => {
  const rng = new Rng(4);
  const net = new Sequential(new Conv2d(1, 8, 3, { rng }), new ReLU(), new Flatten());
  const outs: Tensor[] = [];
  const copies: number[][] = [];
  for (let s = 0; s < 3; s++) {
    const y = net.forward(batch(s));
    y.sum().backward();
    outs.push(y);
    copies.push(Array.from(y.data.subarray(0, 512)));
  }
  outs.forEach((y, s) => expect(Array.from(y.data.subarray(0, 512))).toEqual(copies[s]));
});

test('the input is never reused, even behind a view', () => {
  const rng = new Rng(5);
  const net = new Sequential(new Flatten(), new ReLU(), new Linear(64 * 64, 3, { rng }));
  const x = batch(0);
  const copy = Array.from(x.data);
  net.forward(x).sum().backward();
  randn([10, 64 * 64], { rng });
  expect(Array.from(x.data)).toEqual(copy);
});

describe('a ReLU before a MaxPool2d runs after it', () => {
  /** Values in {−2, …, 2} (many ties, windows all ≤ 0), float64, as a leaf. */
  function tied(shape: number[], seed: number): Tensor {
    const rng = new Rng(seed);
    const n = shape.reduce((a, b) => a * b, 1);
    const x = tensor(
      Array.from({ length: n }, () => Math.floor(rng.uniform() * 5) - 2),
      { dtype: 'float64' },
    ).reshape(shape);
    x.requiresGrad = true;
    return x;
  }

  test.each([
    [{ kernelSize: 2 }],
    [{ kernelSize: 3, stride: 2, padding: 1 }],
    [{ kernelSize: 2, stride: 1, dilation: 2, ceilMode: true }],
    [{ kernelSize: 3, stride: 2, ceilMode: true }],
  ])('with the same values and gradients as relu then max-pool, ties and NaN included (%j)', (options) => {
    for (const seed of [1, 2, 3]) {
      const x = tied([2, 3, 7, 7], seed);
      if (seed === 3) x.data[5] = Number.NaN;
      const { kernelSize, ...rest } = options;
      const net = new Sequential(new ReLU(), new MaxPool2d(kernelSize, rest));
      const w = randn(net.forward(x).shape, { rng: new Rng(seed), dtype: 'float64' });
      const y = net.forward(x);
      expect(y.creator!.op.name).toBe('relu'); // the pooling ran first
      y.mul(w).sum().backward();
      const got = Array.from(x.grad!.data);
      x.grad = null;
      const want = x.relu().maxPool2d(options);
      want.mul(w).sum().backward();
      expect(Array.from(y.data)).toEqual(Array.from(want.data));
      expect(got).toEqual(Array.from(x.grad!.data));
    }
  });

  test('not when a hook watches either layer', () => {
    const relu = new ReLU();
    const shapes: number[][] = [];
    relu.registerForwardHook((_m, inputs) => void shapes.push([...(inputs[0] as Tensor).shape]));
    new Sequential(relu, new MaxPool2d(2)).forward(randn([1, 2, 8, 8]));
    expect(shapes).toEqual([[1, 2, 8, 8]]);
  });
});

test('a nested Sequential counts as keeping nothing only if all its layers do', () => {
  const rng = new Rng(6);
  const keeper = new KeepingReLU();
  const net = new Sequential(
    new Sequential(new Conv2d(1, 8, 3, { rng }), keeper),
    new Flatten(),
    new Linear(8 * 62 * 62, 10, { rng }),
  );
  expectKeptIntact(net, keeper);
});
