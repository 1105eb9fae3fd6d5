import fc from 'fast-check';
import { DTypeError, IndexError, Rng, ShapeError, Tensor, sigmoid, tensor } from '@tapegrad/core';
import { arbTensor, gradcheck } from '@tapegrad/core/testing';
import {
  BCELoss,
  BCEWithLogitsLoss,
  MSELoss,
  SoftmaxCrossEntropyLoss,
  bceWithLogits,
  binaryCrossEntropy,
  mseLoss,
  softmaxCrossEntropy,
} from '@tapegrad/nn';

const tol = { atol: 1e-7, rtol: 1e-5 };
const nc = fc.record({ n: fc.integer({ min: 1, max: 5 }), c: fc.integer({ min: 1, max: 5 }) });

function labelsFor(n: number, c: number, seed: number): { idx: Tensor; onehot: Tensor } {
  const rng = new Rng(seed);
  const idx = tensor(Int32Array.from({ length: n }, () => rng.randint(0, c)));
  const onehot = tensor(new Float64Array(n * c), { shape: [n, c] });
  for (let i = 0; i < n; i++) onehot.data[i * c + idx.data[i]] = 1;
  return { idx, onehot };
}

test('softmaxCrossEntropy passes gradcheck with index labels, one-hot and probability targets', () => {
  fc.assert(
    fc.property(
      nc.chain(({ n, c }) =>
        fc.tuple(
          arbTensor({ shape: [n, c], min: -5, max: 5 }),
          arbTensor({ shape: [n, c], min: 0, max: 1 }),
          fc.integer({ min: 0, max: 1000 }),
        ),
      ),
      ([x, soft, seed]) => {
        const { idx, onehot } = labelsFor(x.shape[0], x.shape[1], seed);
        gradcheck((z) => softmaxCrossEntropy(z, idx), [x], tol);
        gradcheck((z) => softmaxCrossEntropy(z, onehot), [x], tol);
        gradcheck((z) => new SoftmaxCrossEntropyLoss().forward(z, idx), [x], tol);
        // Probability targets: the gradient w.r.t. the targets (−log softmax / N) is checked too.
        gradcheck((z, t) => softmaxCrossEntropy(z, t), [x, soft], tol);
      },
    ),
    { numRuns: 40 },
  );
});

test('softmaxCrossEntropy: identical loss and gradient for one-hot and index labels', () => {
  fc.assert(
    fc.property(
      nc.chain(({ n, c }) => fc.tuple(arbTensor({ shape: [n, c], min: -50, max: 50 }), fc.integer())),
      fc.constantFrom('float32', 'float64') as fc.Arbitrary<'float32' | 'float64'>,
      ([x64, seed], dtype) => {
        const { idx, onehot } = labelsFor(x64.shape[0], x64.shape[1], seed);
        const run = (labels: Tensor): [number, number[]] => {
          const x = tensor(x64.astype(dtype).data.slice(), { shape: x64.shape, requiresGrad: true });
          const loss = softmaxCrossEntropy(x, labels);
          loss.backward();
          return [loss.item(), Array.from(x.grad!.data)];
        };
        const [lossIdx, gIdx] = run(idx);
        const [lossHot, gHot] = run(onehot.astype(dtype));
        expect(lossHot).toBe(lossIdx);
        expect(gHot).toEqual(gIdx);
      },
    ),
    { numRuns: 100 },
  );
});

test('softmaxCrossEntropy: hand-computed values, (softmax − onehot)/N gradient, finite at ±1000', () => {
  const x = tensor([[2, 1, 0]], { dtype: 'float64', requiresGrad: true });
  const loss = softmaxCrossEntropy(x, tensor([0], { dtype: 'int32' }));
  expect(loss.item()).toBeCloseTo(Math.log(1 + Math.exp(-1) + Math.exp(-2)), 12);
  loss.backward();
  const s = [Math.exp(2), Math.exp(1), 1].map((v, _, a) => v / (a[0] + a[1] + a[2]));
  Array.from(x.grad!.data).forEach((g, j) => expect(g).toBeCloseTo(s[j] - (j === 0 ? 1 : 0), 12));
  for (const dtype of ['float32', 'float64'] as const) {
    const big = tensor(
      [
        [1000, -1000, 0],
        [-1000, -1000, -1000],
      ],
      { dtype, requiresGrad: true },
    );
    const l = softmaxCrossEntropy(big, tensor([1, 2], { dtype: 'int32' }));
    expect(l.item()).toBeCloseTo((2000 + Math.log(3)) / 2, dtype === 'float32' ? 2 : 9);
    l.backward();
    expect(Array.from(big.grad!.data).every(Number.isFinite)).toBe(true);
    expect(big.grad!.data[1]).toBeCloseTo(-0.5, 6);
  }
  expect(softmaxCrossEntropy(tensor([[1000, 0]]), tensor([[1, 0]])).item()).toBe(0);
});

test('softmaxCrossEntropy: the plain backward (one loop) equals the recorded backward exactly', () => {
  // Up to 12×12: float32 batches of ≥ 32 logits take the WASM softmax kernel (the softmax op too).
  fc.assert(
    fc.property(
      fc.record({ n: fc.integer({ min: 1, max: 12 }), c: fc.integer({ min: 1, max: 12 }) }),
      fc.constantFrom('float32' as const, 'float64' as const),
      fc.boolean(),
      fc.integer({ min: 0, max: 1e6 }),
      ({ n, c }, dtype, soft, seed) => {
        const rng = new Rng(seed);
        const data = Array.from({ length: n * c }, () => (rng.random() - 0.5) * 60);
        // Infinite logits: the softmax and the log-sum-exp shift rows with an infinite max apart.
        if (seed % 5 === 0) data[0] = -Infinity;
        if (seed % 7 === 0) data[n * c - 1] = Infinity;
        const { idx } = labelsFor(n, c, seed);
        const t = soft
          ? tensor(
              Array.from({ length: n * c }, () => rng.random()),
              { shape: [n, c], dtype },
            )
          : idx;
        const grads = [false, true].map((createGraph) => {
          const x = tensor(data, { shape: [n, c], dtype, requiresGrad: true });
          softmaxCrossEntropy(x, t).mul(3).backward(null, { createGraph });
          return Array.from(x.grad!.data);
        });
        expect(grads[0]).toEqual(grads[1]);
      },
    ),
    { numRuns: 200 },
  );
});

test('softmaxCrossEntropy rejects labels of the wrong shape, dtype or range with clear errors', () => {
  const x = tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  expect(() => softmaxCrossEntropy(x, tensor([0, 1]))).toThrow(DTypeError);
  expect(() => softmaxCrossEntropy(x, tensor([0, 1, 2], { dtype: 'int32' }))).toThrow(
    /labels must be int32 class indices of shape \[2\] or one-hot targets of shape \[2,3\].*got \[3\]/,
  );
  expect(() =>
    softmaxCrossEntropy(
      x,
      tensor([
        [1, 0, 0, 0],
        [0, 1, 0, 0],
      ]),
    ),
  ).toThrow(ShapeError);
  expect(() => softmaxCrossEntropy(x, tensor([0, 3], { dtype: 'int32' }))).toThrow(IndexError);
  expect(() => softmaxCrossEntropy(tensor([1, 2]), tensor([0], { dtype: 'int32' }))).toThrow(ShapeError);
});

test('mseLoss: mean, sum and the book’s halfSum pass gradcheck and match hand values', () => {
  fc.assert(
    fc.property(
      nc.chain(({ n, c }) => fc.tuple(arbTensor({ shape: [n, c] }), arbTensor({ shape: [n, c] }))),
      fc.constantFrom('mean', 'sum', 'halfSum') as fc.Arbitrary<'mean' | 'sum' | 'halfSum'>,
      ([y, t], reduction) => {
        gradcheck((a, b) => mseLoss(a, b, { reduction }), [y, t], tol);
        gradcheck((a) => new MSELoss({ reduction }).forward(a, t), [y], tol);
      },
    ),
    { numRuns: 40 },
  );
  // The book's example: y = [0.1, 0.05, 0.6, 0, 0.05, 0.1, 0, 0.1, 0, 0], t = class 2 → 0.0975.
  const y = tensor([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0], { dtype: 'float64' });
  const t = tensor([0, 0, 1, 0, 0, 0, 0, 0, 0, 0], { dtype: 'float64' });
  expect(mseLoss(y, t, { reduction: 'halfSum' }).item()).toBeCloseTo(0.0975, 12);
  expect(mseLoss(y, t, { reduction: 'sum' }).item()).toBeCloseTo(0.195, 12);
  expect(mseLoss(y, t).item()).toBeCloseTo(0.0195, 12);
  expect(() => mseLoss(y, t.reshape([2, 5]))).toThrow(ShapeError);
});

test('bceWithLogits passes gradcheck (logits and targets) and is stable for large logits', () => {
  fc.assert(
    fc.property(
      nc.chain(({ n, c }) =>
        fc.tuple(arbTensor({ shape: [n, c], min: -6, max: 6 }), arbTensor({ shape: [n, c], min: 0, max: 1 })),
      ),
      ([x, t]) => {
        gradcheck((a, b) => bceWithLogits(a, b), [x, t], tol);
        gradcheck((a) => new BCEWithLogitsLoss().forward(a, t), [x], tol);
      },
    ),
    { numRuns: 40 },
  );
  expect(bceWithLogits(tensor([0]), tensor([1])).item()).toBeCloseTo(Math.LN2, 6);
  expect(bceWithLogits(tensor([1000, -1000]), tensor([1, 0])).item()).toBe(0);
  expect(bceWithLogits(tensor([-1000]), tensor([1])).item()).toBeCloseTo(1000, 3);
  // The gradient at exactly 0 is σ(0) − t, not a kink artefact.
  const z = tensor([0], { dtype: 'float64', requiresGrad: true });
  bceWithLogits(z, tensor([1], { dtype: 'float64' })).backward();
  expect(z.grad!.item()).toBe(-0.5);
});

test('binaryCrossEntropy clips probabilities at 1e-10 like the lecture, and passes gradcheck inside', () => {
  fc.assert(
    fc.property(
      nc.chain(({ n, c }) =>
        fc.tuple(arbTensor({ shape: [n, c], min: 0.02, max: 0.98 }), arbTensor({ shape: [n, c], min: 0, max: 1 })),
      ),
      ([p, t]) => {
        gradcheck((a, b) => binaryCrossEntropy(a, b), [p, t], tol);
        gradcheck((a) => new BCELoss().forward(a, t), [p], tol);
      },
    ),
    { numRuns: 40 },
  );
  const p = tensor([0.9, 0.2], { dtype: 'float64' });
  const t = tensor([1, 0], { dtype: 'float64' });
  expect(binaryCrossEntropy(p, t).item()).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
  expect(binaryCrossEntropy(tensor([0], { dtype: 'float64' }), tensor([1], { dtype: 'float64' })).item()).toBeCloseTo(
    -Math.log(1e-10),
    9,
  );
  // float32: 1 − 1e-10 rounds to 1, so the upper clip is the largest float32 below 1.
  const l32 = binaryCrossEntropy(tensor([1]), tensor([0])).item();
  expect(Number.isFinite(l32)).toBe(true);
  expect(l32).toBeCloseTo(-Math.log(2 ** -24), 3);
  // Agrees with bceWithLogits on sigmoid outputs.
  const x = tensor([0.3, -1.2, 2], { dtype: 'float64' });
  const tt = tensor([1, 0, 1], { dtype: 'float64' });
  expect(binaryCrossEntropy(sigmoid(x), tt).item()).toBeCloseTo(bceWithLogits(x, tt).item(), 12);
});

test('SoftmaxCrossEntropyLoss is the module form', () => {
  const x = tensor([[2, 1, 0]]);
  const labels = tensor([0], { dtype: 'int32' });
  expect(new SoftmaxCrossEntropyLoss().forward(x, labels).item()).toBe(softmaxCrossEntropy(x, labels).item());
});
