import fc from 'fast-check';
import {
  type Tensor,
  argmax,
  argmin,
  logSoftmax,
  logSumExp,
  max,
  mean,
  min,
  randn,
  repeat,
  Rng,
  softmax,
  sum,
  tensor,
} from '@tapegrad/core';
import { arbShape, arbTensor, gradcheck } from '@tapegrad/core/testing';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 100 };
const SMALL = { maxRank: 3, maxDim: 4 };

type Axis = number | number[] | undefined;

/** A tensor plus a valid axis argument for it: one axis (maybe negative), a list, or all. */
function arbWithAxis(t: fc.Arbitrary<Tensor>): fc.Arbitrary<[Tensor, Axis, boolean]> {
  return t.chain((x) => {
    const r = x.ndim;
    if (r === 0) return fc.tuple(fc.constant(x), fc.constant(undefined), fc.boolean());
    const one: fc.Arbitrary<Axis> = fc.integer({ min: -r, max: r - 1 });
    const list: fc.Arbitrary<Axis> = fc.subarray(
      Array.from({ length: r }, (_, i) => i),
      { minLength: 1 },
    );
    return fc.tuple(fc.constant(x), fc.oneof(one, list, fc.constant(undefined)), fc.boolean());
  });
}

/** A tensor with distinct values at least 0.09 apart, so max/min have no ties near eps. */
function arbDistinct(): fc.Arbitrary<Tensor> {
  return arbShape({ ...SMALL, minRank: 0 }).chain((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const ranks = Array.from({ length: n }, (_, i) => i);
    return fc
      .tuple(
        fc.shuffledSubarray(ranks, { minLength: n, maxLength: n }),
        fc.array(fc.double({ min: 0, max: 0.01, noNaN: true }), { minLength: n, maxLength: n }),
      )
      .map(([perm, jitter]) =>
        tensor(
          Float64Array.from(perm, (p, i) => (p - n / 2) * 0.1 + jitter[i]),
          { shape },
        ),
      );
  });
}

function checkReduction(f: (x: Tensor, axis: Axis, keepdims: boolean) => Tensor, t: fc.Arbitrary<Tensor>): void {
  fc.assert(
    fc.property(arbWithAxis(t), ([x, axis, keepdims]) => {
      gradcheck((v) => f(v, axis, keepdims), [x], TOL);
    }),
    RUNS,
  );
}

function checkAlongAxis(f: (x: Tensor, axis: number) => Tensor, opts = {}): void {
  const arb = arbTensor({ ...SMALL, minRank: 1, ...opts }).chain((x) =>
    fc.tuple(fc.constant(x), fc.integer({ min: -x.ndim, max: x.ndim - 1 })),
  );
  fc.assert(
    fc.property(arb, ([x, axis]) => {
      gradcheck((v) => f(v, axis), [x], TOL);
    }),
    RUNS,
  );
}

describe('gradients of the reductions', () => {
  test('sum', () => checkReduction((x, a, k) => sum(x, a, k), arbTensor(SMALL)));
  test('mean', () => checkReduction((x, a, k) => mean(x, a, k), arbTensor(SMALL)));
  test('max (distinct values)', () => checkReduction((x, a, k) => max(x, a, k), arbDistinct()));
  test('min (distinct values)', () => checkReduction((x, a, k) => min(x, a, k), arbDistinct()));
  test('logSumExp', () => checkReduction((x, a, k) => logSumExp(x, a, k), arbTensor({ ...SMALL, min: -5, max: 5 })));
  test('softmax', () => checkAlongAxis((x, a) => softmax(x, a), { min: -5, max: 5 }));
  test('logSoftmax', () => checkAlongAxis((x, a) => logSoftmax(x, a), { min: -5, max: 5 }));
  test('repeat', () => {
    const arb = arbTensor(SMALL).chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.integer({ min: 0, max: 3 }),
        x.ndim === 0
          ? fc.constant(undefined)
          : fc.option(fc.integer({ min: -x.ndim, max: x.ndim - 1 }), { nil: undefined }),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, reps, axis]) => {
        gradcheck((v) => repeat(v, reps, axis), [x], TOL);
      }),
      RUNS,
    );
  });
});

describe('the book: Repeat and Sum are each other’s backward (D = 8, N = 7)', () => {
  const rng = new Rng(3);
  const D = 8;
  const N = 7;

  test('Repeat node: backward of repeat(x, N, axis 0) is sum(dy, axis 0, keepdims)', () => {
    const x = randn([1, D], { rng, dtype: 'float64', requiresGrad: true });
    const y = repeat(x, N, 0);
    expect(y.shape).toEqual([N, D]);
    for (let i = 0; i < N; i++) expect(Array.from(y.data.subarray(i * D, (i + 1) * D))).toEqual(Array.from(x.data));
    const dy = randn([N, D], { rng, dtype: 'float64' });
    y.backward(dy);
    expect(x.grad!.shape).toEqual([1, D]);
    expect(x.grad!.toArray()).toEqual(sum(dy, 0, true).toArray());
  });

  test('Sum node: backward of sum(x, axis 0, keepdims) is repeat(dy, N, axis 0)', () => {
    const x = randn([N, D], { rng, dtype: 'float64', requiresGrad: true });
    const y = sum(x, 0, true);
    expect(y.shape).toEqual([1, D]);
    const dy = randn([1, D], { rng, dtype: 'float64' });
    y.backward(dy);
    expect(x.grad!.toArray()).toEqual(repeat(dy, N, 0).toArray());
  });
});

describe('forward results', () => {
  const A = tensor([
    [1, 5, 2],
    [7, 0, 3],
  ]);

  test('sum and mean over axes, lists and all, with keepdims', () => {
    expect(sum(A).item()).toBe(18);
    expect(sum(A, 0).toArray()).toEqual([8, 5, 5]);
    expect(sum(A, -1, true).toArray()).toEqual([[8], [10]]);
    expect(sum(A, [0, 1], true).toArray()).toEqual([[18]]);
    expect(mean(A).item()).toBe(3);
    expect(mean(A, 1).toArray()).toEqual([8 / 3, 10 / 3].map(Math.fround));
    expect(A.mean(0, true).toArray()).toEqual([[4, 2.5, 2.5]]);
  });

  test('mean of an int32 tensor is float32, not truncated', () => {
    const m = mean(tensor([1, 2, 3, 4], { dtype: 'int32' }));
    expect(m.dtype).toBe('float32');
    expect(m.item()).toBe(2.5);
  });

  test('max, min, argmax, argmin', () => {
    expect(max(A).item()).toBe(7);
    expect(min(A).item()).toBe(0);
    expect(max(A, 1).toArray()).toEqual([5, 7]);
    expect(min(A, 0, true).toArray()).toEqual([[1, 0, 2]]);
    expect(argmax(A).item()).toBe(3);
    expect(argmin(A).item()).toBe(4);
    expect(argmax(A, 1).toArray()).toEqual([1, 0]);
    expect(argmin(A, 0).toArray()).toEqual([0, 1, 0]);
    expect(argmax(A, -1, true).toArray()).toEqual([[1], [0]]);
    expect(argmax(A, 1).dtype).toBe('int32');
    expect(
      argmax(
        tensor([
          [1, 9],
          [8, 2],
        ]),
        1,
      ).toArray(),
    ).toEqual([1, 0]);
  });

  test('argmax/argmin pick the first of tied entries and never require grad', () => {
    const x = tensor([3, 1, 3, 1], { requiresGrad: true });
    expect(argmax(x).item()).toBe(0);
    expect(argmin(x).item()).toBe(1);
    expect(argmax(x).requiresGrad).toBe(false);
  });

  test('max/min ties share the gradient equally (documented in ops/extremum.ts)', () => {
    const x = tensor([1, 3, 3, 2], { requiresGrad: true });
    max(x).backward();
    expect(x.grad!.toArray()).toEqual([0, 0.5, 0.5, 0]);
    const y = tensor(
      [
        [2, 2, 2],
        [0, 1, 0],
      ],
      { requiresGrad: true },
    );
    min(y, 1).backward(tensor([3, 4]));
    expect(y.grad!.toArray()).toEqual([
      [1, 1, 1],
      [2, 0, 2],
    ]);
  });

  test('repeat follows np.repeat', () => {
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    expect(repeat(x, 2, 1).toArray()).toEqual([
      [1, 1, 2, 2],
      [3, 3, 4, 4],
    ]);
    expect(repeat(x, 2, 0).toArray()).toEqual([
      [1, 2],
      [1, 2],
      [3, 4],
      [3, 4],
    ]);
    expect(repeat(x, 2).toArray()).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(repeat(x, 0, 0).shape).toEqual([0, 2]);
  });

  test('softmax and logSoftmax by hand', () => {
    const p = softmax(tensor([[0, Math.log(3)]], { dtype: 'float64' }));
    expect(p.data[0]).toBeCloseTo(0.25, 15);
    expect(p.data[1]).toBeCloseTo(0.75, 15);
    const s = 1 / (1 + Math.E);
    expect(
      softmax(
        tensor(
          [
            [1, 1],
            [2, 2],
          ],
          { dtype: 'float64' },
        ),
        0,
      ).toArray(),
    ).toEqual([
      [expect.closeTo(s, 15), expect.closeTo(s, 15)],
      [expect.closeTo(1 - s, 15), expect.closeTo(1 - s, 15)],
    ]);
    expect(
      softmax(
        tensor([
          [1, 1],
          [2, 2],
        ]),
        1,
      ).toArray(),
    ).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    expect(logSoftmax(tensor([0, 0], { dtype: 'float64' })).toArray()).toEqual([-Math.LN2, -Math.LN2]);
    expect(logSumExp(tensor([0, 0], { dtype: 'float64' })).item()).toBe(Math.LN2);
  });

  test('softmax, logSoftmax and logSumExp are stable for logits ±1000', () => {
    const z = tensor(
      [
        [1000, -1000, 0],
        [1000, 1000, 1000],
      ],
      { dtype: 'float64', requiresGrad: true },
    );
    expect(softmax(z).toArray()).toEqual([
      [1, 0, 0],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
    expect(logSoftmax(z).toArray()).toEqual(
      [
        [0, -2000, -1000],
        [-Math.log(3), -Math.log(3), -Math.log(3)],
      ].map((r) => r.map((v) => expect.closeTo(v, 9))),
    );
    expect(logSumExp(z, 1).toArray()).toEqual([1000, expect.closeTo(1000 + Math.log(3), 9)]);
    expect(logSumExp(tensor([1000, 1000])).item()).toBeCloseTo(1000.6931, 3);
    expect(logSumExp(tensor([-1000, -1000])).item()).toBeCloseTo(-999.3069, 3);
    for (const f of [softmax, logSoftmax, (t: Tensor) => logSumExp(t, 1)]) {
      z.zeroGrad();
      f(z)
        .mul(tensor([1, 2, 3], { dtype: 'float64' }).sum())
        .sum()
        .backward();
      expect(Array.from(z.grad!.data).every(Number.isFinite)).toBe(true);
    }
  });

  test('softmax rows sum to 1 (property)', () => {
    fc.assert(
      fc.property(arbTensor({ ...SMALL, minRank: 1, min: -50, max: 50 }), (x) => {
        const s = sum(softmax(x, -1), -1);
        return Array.from(s.data).every((v) => Math.abs(v - 1) < 1e-12);
      }),
      RUNS,
    );
  });
});
