import fc from 'fast-check';
import { Rng, Tensor, ValueError, tensor } from '@tapegrad/core';
import { arbTensor, gradcheck } from '@tapegrad/core/testing';
import { Dropout, LeakyReLU, Linear, MatMul, ReLU, Sequential, Sigmoid, Softmax, Tanh, init, mlp } from '@tapegrad/nn';
import { asFunction } from './helpers';

const dims = fc.record({
  n: fc.integer({ min: 1, max: 4 }),
  fin: fc.integer({ min: 1, max: 4 }),
  fout: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 0, max: 1000 }),
});
const tol = { atol: 1e-7, rtol: 1e-5 };

test('Linear passes gradcheck (input, weight, bias; with and without bias) in float64', () => {
  fc.assert(
    fc.property(dims, fc.boolean(), ({ n, fin, fout, seed }, bias) => {
      const layer = new Linear(fin, fout, { bias, rng: new Rng(seed), dtype: 'float64' });
      const x = tensor(
        Float64Array.from({ length: n * fin }, (_, i) => Math.sin(seed + i)),
        { shape: [n, fin] },
      );
      const { f, params } = asFunction(layer);
      gradcheck(f, [x, ...params], tol);
    }),
    { numRuns: 30 },
  );
});

test('MatMul (the book layer) passes gradcheck', () => {
  fc.assert(
    fc.property(
      dims.chain(({ n, fin, fout }) => fc.tuple(arbTensor({ shape: [n, fin] }), arbTensor({ shape: [fin, fout] }))),
      ([x, w]) => {
        const { f, params } = asFunction(new MatMul(w));
        gradcheck(f, [x, ...params], tol);
      },
    ),
    { numRuns: 25 },
  );
});

test('activation layers pass gradcheck', () => {
  const layers = [new Sigmoid(), new Tanh(), new ReLU(), new LeakyReLU(0.1), new Softmax(), new Softmax(0)];
  fc.assert(
    fc.property(
      dims.chain(({ n, fin }) => arbTensor({ shape: [n, fin], avoid: [0], margin: 1e-3 })),
      fc.integer({ min: 0, max: layers.length - 1 }),
      (x, k) => {
        gradcheck((t) => layers[k].forward(t), [x], tol);
      },
    ),
    { numRuns: 60 },
  );
});

test('Dropout passes gradcheck with a fixed mask, scales by 1/(1−p) and is the identity in eval', () => {
  fc.assert(
    fc.property(
      dims.chain(({ n, fin }) => arbTensor({ shape: [n, fin] })),
      fc.double({ min: 0, max: 0.9, noNaN: true }),
      fc.integer({ min: 0, max: 1000 }),
      (x, p, seed) => {
        const drop = new Dropout(p, { rng: new Rng(seed) });
        gradcheck(
          (t) => {
            drop.rng.seed(seed);
            return drop.forward(t);
          },
          [x],
          tol,
        );
        drop.rng.seed(seed);
        const y = drop.forward(x);
        for (let i = 0; i < x.size; i++) {
          const v = y.data[i];
          expect(v === 0 || Math.abs(v - x.data[i] / (1 - p)) < 1e-12).toBe(true);
        }
        expect(drop.eval().forward(x)).toBe(x);
      },
    ),
    { numRuns: 30 },
  );
  const big = new Dropout(0.3, { rng: new Rng(1) }).forward(tensor(new Float64Array(20000).fill(1)));
  const kept = Array.from(big.data).filter((v) => v !== 0).length / 20000;
  expect(Math.abs(kept - 0.7)).toBeLessThan(0.02);
  expect(() => new Dropout(1)).toThrow(ValueError);
});

test('Sequential and mlp (every activation) pass gradcheck through all parameters', () => {
  fc.assert(
    fc.property(
      dims,
      fc.constantFrom('relu', 'sigmoid', 'tanh') as fc.Arbitrary<'relu' | 'sigmoid' | 'tanh'>,
      ({ n, fin, fout, seed }, activation) => {
        const net = mlp([fin, 3, fout], { activation, rng: new Rng(seed), dtype: 'float64' });
        const x = tensor(
          Float64Array.from({ length: n * fin }, (_, i) => Math.cos(seed * 7 + i)),
          { shape: [n, fin] },
        );
        const { f, params } = asFunction(net);
        gradcheck(f, [x, ...params], tol);
      },
    ),
    { numRuns: 30 },
  );
});

test('Linear computes x·Wᵀ + b with W stored [out, in]', () => {
  const fcl = new Linear(2, 3, { init: init.zeros });
  fcl.weight.data.set([1, 0, 0, 1, 1, 1]);
  fcl.bias!.data.set([0.5, 0, -1]);
  expect(fcl.forward(tensor([[1, 2]])).toArray()).toEqual([[1.5, 2, 2]]);
  expect(fcl.forward(tensor([1, 2])).shape).toEqual([3]);
  expect(fcl.forward(tensor([[[1, 2]], [[3, 4]]])).shape).toEqual([2, 1, 3]);
  expect(() => fcl.forward(tensor([[1, 2, 3]]))).toThrow(/must end in 2 features, got shape \[1,3\]/);
  // The book's MatMul layer: W stored [in, out].
  const mm = new MatMul(
    tensor([
      [1, 0, 1],
      [0, 1, 1],
    ]),
  );
  expect(mm.forward(tensor([[1, 2]])).toArray()).toEqual([[1, 2, 3]]);
});

test("Linear's default init is PyTorch's U(±1/√in) for weight and bias; init options apply", () => {
  const fcl = new Linear(400, 50, { rng: new Rng(0) });
  const bound = 1 / 20;
  const w = Array.from(fcl.weight.data);
  expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
  expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(bound * 0.99);
  expect(Math.max(...Array.from(fcl.bias!.data).map(Math.abs))).toBeLessThanOrEqual(bound);
  expect(fcl.weight.shape).toEqual([50, 400]);
  const book = new Linear(400, 50, { init: init.normal(0.01), rng: new Rng(0) });
  expect(Array.from(book.bias!.data).every((v) => v === 0)).toBe(true);
  const same = new Linear(400, 50, { init: init.normal(0.01), rng: new Rng(0) });
  expect(Array.from(same.weight.data)).toEqual(Array.from(book.weight.data));
  expect(new Linear(3, 2, { bias: false }).bias).toBeNull();
  expect(() => new Linear(0, 2)).toThrow(ValueError);
});

test('Sequential chains layers; mlp builds Linear/activation stacks', () => {
  const net = new Sequential(new Linear(2, 4), new ReLU()).add(new Linear(4, 3));
  expect(net.forward(tensor([[1, 2]])).shape).toEqual([1, 3]);
  const m = mlp([784, 100, 10], { activation: 'relu' });
  expect(m.layers.map((l) => l.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear']);
  expect(m.numParameters()).toBe(784 * 100 + 100 + 100 * 10 + 10);
  expect(() => mlp([3])).toThrow(ValueError);
  const y: Tensor = mlp([2, 8, 1], { activation: () => new LeakyReLU(0.2) }).forward(tensor([[1, 1]]));
  expect(y.shape).toEqual([1, 1]);
});
