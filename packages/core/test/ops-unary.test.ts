import fc from 'fast-check';
import { type Tensor, abs, astype, clip, exp, leakyRelu, log, relu, sigmoid, sqrt, tanh, tensor } from '@tapegrad/core';
import { type ArbTensorOptions, arbTensor, gradcheck } from '@tapegrad/core/testing';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 100 };
const SMALL = { maxRank: 3, maxDim: 4 };

function checkUnary(f: (x: Tensor) => Tensor, opts: ArbTensorOptions = {}): void {
  fc.assert(
    fc.property(arbTensor({ ...SMALL, ...opts }), (x) => {
      gradcheck(f, [x], TOL);
    }),
    RUNS,
  );
}

describe('gradients of the elementwise ops', () => {
  test('exp', () => checkUnary(exp));
  test('log (x in [0.2, 3])', () => checkUnary(log, { min: 0.2, max: 3 }));
  test('sqrt (x in [0.2, 3])', () => checkUnary(sqrt, { min: 0.2, max: 3 }));
  // The kinks are kept 1e-2 away: a central difference with eps 1e-6 never straddles them.
  test('abs away from 0', () => checkUnary(abs, { avoid: [0], margin: 1e-2 }));
  test('relu away from 0', () => checkUnary(relu, { avoid: [0], margin: 1e-2 }));
  test('leakyRelu away from 0, default and custom slope', () => {
    checkUnary((x) => leakyRelu(x), { avoid: [0], margin: 1e-2 });
    fc.assert(
      fc.property(
        arbTensor({ ...SMALL, avoid: [0], margin: 1e-2 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (x, s) => {
          gradcheck((t) => leakyRelu(t, s), [x], TOL);
        },
      ),
      RUNS,
    );
  });
  test('sigmoid, over a wide range', () => checkUnary(sigmoid, { min: -8, max: 8 }));
  test('tanh', () => checkUnary(tanh, { min: -3, max: 3 }));
  test('clip away from its bounds', () => {
    const bounds = fc.tuple(
      fc.double({ min: -1.5, max: 0, noNaN: true }),
      fc.double({ min: 0.1, max: 1.5, noNaN: true }),
    );
    fc.assert(
      fc.property(
        bounds.chain(([lo, hi]) =>
          fc.tuple(fc.constant([lo, hi]), arbTensor({ ...SMALL, avoid: [lo, hi], margin: 1e-2 })),
        ),
        ([[lo, hi], x]) => {
          gradcheck((t) => clip(t, lo, hi), [x], TOL);
        },
      ),
      RUNS,
    );
  });
  test('astype float64 → float32 → float64', () => {
    // A cast to float32 rounds, so at eps 1e-6 its central difference measures rounding, not the
    // derivative. On a grid of multiples of 2⁻⁸ in [−2, 2] with eps = 2⁻¹⁰, x and x ± eps are
    // exact in float32: the cast is then the identity and both gradients must match exactly.
    const grid = arbTensor({ ...SMALL, dtype: 'int32', min: -512, max: 512 }).map((t) => astype(t, 'float64').div(256));
    fc.assert(
      fc.property(grid, (x) => {
        gradcheck((t) => astype(astype(t, 'float32'), 'float64').mul(t), [x], { ...TOL, eps: 2 ** -10 });
      }),
      RUNS,
    );
  });
  test('astype float32 → float64 (gradient returns as float32)', () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const y = astype(x, 'float64');
    expect(y.dtype).toBe('float64');
    y.mul(tensor([0.5, 2, -1], { dtype: 'float64' }))
      .sum()
      .backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(x.grad!.toArray()).toEqual([0.5, 2, -1]);
  });
  test('compositions', () => checkUnary((x) => exp(tanh(x)).mul(sigmoid(x)).sqrt(), { min: -2, max: 2 }));
});

describe('forward results', () => {
  test('by hand', () => {
    expect(exp(tensor([0, 1], { dtype: 'float64' })).toArray()).toEqual([1, Math.E]);
    expect(log(tensor([1, Math.E], { dtype: 'float64' })).toArray()).toEqual([0, 1]);
    expect(sqrt(tensor([4, 9, 0])).toArray()).toEqual([2, 3, 0]);
    expect(abs(tensor([-2, 3, 0])).toArray()).toEqual([2, 3, 0]);
    expect(relu(tensor([-1, 0, 2])).toArray()).toEqual([0, 0, 2]);
    // NaN propagates (as PyTorch), on both backends and on both sides of the WASM size threshold.
    for (const n of [3, 1000]) {
      const y = relu(tensor(Array.from({ length: n }, (_, i) => (i === 1 ? Number.NaN : -1)))).data;
      expect(Number.isNaN(y[1])).toBe(true);
      expect(y[0]).toBe(0);
    }
    expect(leakyRelu(tensor([-10, 2]), 0.1).toArray()).toEqual([-1, 2]);
    expect(leakyRelu(tensor([-100, 3], { dtype: 'float64' })).toArray()).toEqual([-1, 3]);
    expect(sigmoid(tensor([0])).toArray()).toEqual([0.5]);
    expect(sigmoid(tensor([Math.log(3)], { dtype: 'float64' })).item()).toBeCloseTo(0.75, 15);
    expect(tanh(tensor([0, 1], { dtype: 'float64' })).toArray()).toEqual([0, Math.tanh(1)]);
    expect(clip(tensor([-2, 0.5, 2]), 0, 1).toArray()).toEqual([0, 0.5, 1]);
    expect(clip(tensor([-2, 5]), -Infinity, 1).toArray()).toEqual([-2, 1]);
  });

  test('IEEE edge values: log 0 = −∞, sqrt of a negative = NaN', () => {
    expect(log(tensor([0])).item()).toBe(-Infinity);
    expect(Number.isNaN(sqrt(tensor([-1])).item())).toBe(true);
  });

  test('sigmoid is stable for large |x| (no NaN, no overflow)', () => {
    const y = sigmoid(tensor([-1000, -50, 50, 1000]));
    expect(y.toArray()).toEqual([0, expect.closeTo(1.9287e-22, 25), 1, 1]);
    const x = tensor([-1000, 1000], { dtype: 'float64', requiresGrad: true });
    sigmoid(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0]);
  });

  test('gradients at the kinks follow PyTorch: relu′(0) = 0, abs′(0) = 0, leakyRelu′(0) = slope', () => {
    const x = tensor([0, 0, 0], { requiresGrad: true });
    relu(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
    x.zeroGrad();
    abs(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
    x.zeroGrad();
    leakyRelu(x, 0.25).sum().backward();
    expect(x.grad!.toArray()).toEqual([0.25, 0.25, 0.25]);
  });

  test('clip passes the gradient on its bounds (inclusive) and blocks it outside', () => {
    const x = tensor([-2, 0, 0.5, 1, 3], { requiresGrad: true });
    clip(x, 0, 1).sum().backward();
    expect(x.grad!.toArray()).toEqual([0, 1, 1, 1, 0]);
  });

  test('astype converts and truncates toward zero to int32', () => {
    const x = tensor([1.7, -1.7, 2.5]);
    const i = astype(x, 'int32');
    expect(i.dtype).toBe('int32');
    expect(i.toArray()).toEqual([1, -1, 2]);
    expect(astype(i, 'float64').dtype).toBe('float64');
    const y = x.astype('float64');
    expect(y.dtype).toBe('float64');
    expect(y.data[0]).toBe(Math.fround(1.7));
    expect(x.astype('float32')).toBe(x);
  });

  test('astype to int32 cuts the graph: an int32 result never requires grad', () => {
    const x = tensor([1.5, 2.5], { requiresGrad: true });
    const i = astype(x, 'int32');
    expect(i.requiresGrad).toBe(false);
    expect(i.creator).toBeNull();
  });

  test('float64 stays float64 through every op', () => {
    const x = tensor([0.5, 1.5], { dtype: 'float64' });
    for (const f of [
      exp,
      log,
      sqrt,
      abs,
      relu,
      sigmoid,
      tanh,
      (t: Tensor) => leakyRelu(t),
      (t: Tensor) => clip(t, 0, 1),
    ]) {
      expect(f(x).dtype).toBe('float64');
    }
  });
});
