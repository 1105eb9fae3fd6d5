import fc from 'fast-check';
import {
  type SliceSpec,
  type Tensor,
  arange,
  concat,
  eq,
  gather,
  ge,
  gt,
  le,
  lt,
  slice,
  stack,
  take,
  tensor,
  where,
} from '@tapegrad/core';
import { arbBroadcastableShapes, arbShape, arbTensor, gradcheck } from '@tapegrad/core/testing';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 100 };
const SMALL = { maxRank: 3, maxDim: 4 };

/** One spec per axis (maybe fewer): an integer index, null, or start:stop:step with any signs. */
function arbSpecs(shape: readonly number[]): fc.Arbitrary<SliceSpec[]> {
  const bound = (n: number): fc.Arbitrary<number | null> =>
    fc.option(fc.integer({ min: -n - 2, max: n + 2 }), { nil: null });
  const step = fc.option(fc.constantFrom(-3, -2, -1, 1, 2, 3), { nil: null });
  const specs = shape.map((n) =>
    fc.oneof(
      fc.integer({ min: -n, max: n - 1 }),
      fc.constant(null),
      fc.tuple(bound(n), bound(n), step).map((s) => s as SliceSpec),
    ),
  );
  return fc.tuple(...specs, fc.nat(shape.length)).map((all) => {
    const drop = all.pop() as number;
    return (all as SliceSpec[]).slice(0, shape.length - drop);
  });
}

/** Python's `range(*slice(start, stop, step).indices(n))`, written out independently. */
function pyRange(n: number, spec: SliceSpec | undefined): number[] | number {
  if (typeof spec === 'number') return spec < 0 ? spec + n : spec;
  const [s0 = null, e0 = null, st0 = null] = spec ?? [];
  const step = st0 ?? 1;
  const [lower, upper] = step < 0 ? [-1, n - 1] : [0, n];
  const fix = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(v + n, lower);
    return Math.min(v, upper);
  };
  const start = fix(s0, step < 0 ? upper : lower);
  const stop = fix(e0, step < 0 ? lower : upper);
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

/** x[specs] by explicit index lists, as nested arrays. */
function naiveSlice(x: Tensor, specs: readonly SliceSpec[]): unknown {
  const pick = (v: unknown, axis: number): unknown => {
    if (axis === x.ndim) return v;
    const r = pyRange(x.shape[axis], specs[axis]);
    const arr = v as unknown[];
    return typeof r === 'number' ? pick(arr[r], axis + 1) : r.map((i) => pick(arr[i], axis + 1));
  };
  return pick(x.toArray(), 0);
}

describe('slice', () => {
  const arb = arbTensor(SMALL).chain((x) => fc.tuple(fc.constant(x), arbSpecs(x.shape)));

  test('gradient, with integer indices and negative steps', () => {
    fc.assert(
      fc.property(arb, ([x, specs]) => {
        gradcheck((v) => slice(v, specs), [x], TOL);
      }),
      RUNS,
    );
  });

  test('forward equals Python/NumPy basic indexing', () => {
    fc.assert(
      fc.property(arb, ([x, specs]) => {
        expect(slice(x, specs).toArray()).toEqual(naiveSlice(x, specs));
      }),
      { numRuns: 300 },
    );
  });

  test('by hand', () => {
    const x = arange(12).reshape(3, 4);
    expect(slice(x, [null, [1]]).toArray()).toEqual([
      [1, 2, 3],
      [5, 6, 7],
      [9, 10, 11],
    ]);
    expect(slice(x, [1]).toArray()).toEqual([4, 5, 6, 7]);
    expect(slice(x, [-1, -1]).item()).toBe(11);
    expect(
      slice(x, [
        [null, null, -1],
        [null, null, -2],
      ]).toArray(),
    ).toEqual([
      [11, 9],
      [7, 5],
      [3, 1],
    ]);
    expect(x.slice([0, 2], [3, 0, -1]).toArray()).toEqual([
      [3, 2, 1],
      [7, 6, 5],
    ]);
    expect(slice(x, [[5, 9]]).shape).toEqual([0, 4]);
  });

  test('backward scatters into zeros', () => {
    const x = arange(5, undefined, undefined, { requiresGrad: true });
    slice(x, [[null, null, -2]]).backward(tensor([1, 2, 3]));
    expect(x.grad!.toArray()).toEqual([3, 0, 2, 0, 1]);
  });
});

describe('concat and stack', () => {
  test('concat gradient (1–3 parts along a random axis)', () => {
    const arb = arbShape({ ...SMALL, minRank: 1 }).chain((shape) =>
      fc.integer({ min: 0, max: shape.length - 1 }).chain((axis) =>
        fc
          .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 })
          .chain((ext) => fc.tuple(...ext.map((e) => arbTensor({ shape: shape.map((d, i) => (i === axis ? e : d)) }))))
          .map((parts) => [parts, axis - shape.length * (axis % 2)] as [Tensor[], number]),
      ),
    );
    fc.assert(
      fc.property(arb, ([parts, axis]) => {
        gradcheck((...vs) => concat(vs, axis), parts, TOL);
      }),
      RUNS,
    );
  });

  test('stack gradient (1–3 equal shapes, new axis anywhere)', () => {
    const arb = arbShape(SMALL).chain((shape) =>
      fc.tuple(
        fc.array(arbTensor({ shape }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: -shape.length - 1, max: shape.length }),
      ),
    );
    fc.assert(
      fc.property(arb, ([parts, axis]) => {
        gradcheck((...vs) => stack(vs, axis), parts, TOL);
      }),
      RUNS,
    );
  });

  test('by hand', () => {
    expect(
      concat([
        tensor([[1, 2]]),
        tensor([
          [3, 4],
          [5, 6],
        ]),
      ]).toArray(),
    ).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(
      concat(
        [
          tensor([[1], [2]]),
          tensor([
            [3, 4],
            [5, 6],
          ]),
        ],
        -1,
      ).toArray(),
    ).toEqual([
      [1, 3, 4],
      [2, 5, 6],
    ]);
    expect(concat([tensor([1], { dtype: 'int32' }), tensor([0.5])]).dtype).toBe('float32');
    expect(stack([tensor([1, 2]), tensor([3, 4])]).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(stack([tensor([1, 2]), tensor([3, 4])], 1).toArray()).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });
});

describe('concat with long blocks (the kernel copies blocks over 32 elements with TypedArray.set)', () => {
  test('values and gradients land in the right places', () => {
    const a = arange(80).reshape(2, 40);
    const b = arange(80, 200).reshape(2, 60);
    const c = concat([a, b], 1);
    expect(c.shape).toEqual([2, 100]);
    expect(Array.from(c.data.subarray(0, 100))).toEqual([
      ...Array.from({ length: 40 }, (_, i) => i),
      ...Array.from({ length: 60 }, (_, i) => 80 + i),
    ]);
    expect(Array.from(c.data.subarray(100))).toEqual([
      ...Array.from({ length: 40 }, (_, i) => 40 + i),
      ...Array.from({ length: 60 }, (_, i) => 140 + i),
    ]);
    expect(concat([a, a], 0).toArray()).toEqual([...(a.toArray() as number[][]), ...(a.toArray() as number[][])]);
    const x = tensor(arange(80).reshape(2, 40), { requiresGrad: true });
    const w = arange(160).reshape(2, 80);
    concat([x, x.mul(2)], 1)
      .mul(w)
      .sum()
      .backward();
    // ∂/∂x[i, j] = w[i, j] + 2·w[i, 40 + j]
    expect(x.grad!.toArray()).toEqual(
      [0, 1].map((i) => Array.from({ length: 40 }, (_, j) => 80 * i + j + 2 * (80 * i + 40 + j))),
    );
  });
});

describe('gather / take', () => {
  test('gradient, with repeated and negative indices of any shape', () => {
    const arb = arbTensor({ ...SMALL, minRank: 1 }).chain((x) =>
      fc.integer({ min: -x.ndim, max: x.ndim - 1 }).chain((axis) => {
        const n = x.shape[axis < 0 ? axis + x.ndim : axis];
        const idx = arbTensor({ maxRank: 2, maxDim: 4, dtype: 'int32', min: -n, max: n - 1 });
        return fc.tuple(fc.constant(x), idx, fc.constant(axis));
      }),
    );
    fc.assert(
      fc.property(arb, ([x, idx, axis]) => {
        gradcheck((v) => gather(v, idx, axis), [x], TOL);
      }),
      RUNS,
    );
  });

  test('by hand: rows, columns, repeated indices accumulate in backward', () => {
    const x = tensor(
      [
        [1, 2],
        [3, 4],
      ],
      { requiresGrad: true },
    );
    const i = tensor([1, 1, 0], { dtype: 'int32' });
    expect(gather(x, i, 0).toArray()).toEqual([
      [3, 4],
      [3, 4],
      [1, 2],
    ]);
    expect(take(x, [-1], 1).toArray()).toEqual([[2], [4]]);
    expect(x.gather(tensor([[0, 1]], { dtype: 'int32' }), 1).shape).toEqual([2, 1, 2]);
    gather(x, i, 0).sum().backward();
    expect(x.grad!.toArray()).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  test('picking each row’s label probability, as a loss does', () => {
    const p = tensor([
      [0.1, 0.9],
      [0.8, 0.2],
      [0.3, 0.7],
    ]);
    const labels = tensor([1, 0, 1], { dtype: 'int32' });
    const rows = arange(3, undefined, undefined, { dtype: 'int32' });
    const flat = rows.mul(2).add(labels);
    expect(gather(p.reshape([-1]), flat).toArray()).toEqual([0.9, 0.8, 0.7].map(Math.fround));
  });
});

describe('where', () => {
  test('gradient with cond, a and b broadcasting together', () => {
    const arb = arbBroadcastableShapes(3, SMALL).chain(([c, a, b]) =>
      fc.tuple(
        arbTensor({ shape: c, dtype: 'int32', min: 0, max: 1 }),
        arbTensor({ shape: a }),
        arbTensor({ shape: b }),
      ),
    );
    fc.assert(
      fc.property(arb, ([c, a, b]) => {
        gradcheck((x, y) => where(c, x, y), [a, b], TOL);
      }),
      RUNS,
    );
  });

  test('by hand', () => {
    expect(where(tensor([1, 0]), tensor([1, 2]), tensor([10, 20])).toArray()).toEqual([1, 20]);
    expect(where(tensor([[1], [0]]), tensor([1, 2]), 0).toArray()).toEqual([
      [1, 2],
      [0, 0],
    ]);
    const x = tensor([-1, 2, -3], { requiresGrad: true });
    const r = where(gt(x, 0), x, x.mul(0.1));
    expect(r.toArray()).toEqual([-0.1, 2, -0.3].map(Math.fround));
    r.sum().backward();
    expect(x.grad!.toArray()).toEqual([0.1, 1, 0.1].map(Math.fround));
  });
});

describe('comparisons', () => {
  const a = tensor([1, 2, 3]);

  test('1/0 in the common dtype, broadcasting, never recorded', () => {
    expect(eq(a, 2).toArray()).toEqual([0, 1, 0]);
    expect(gt(a, 2).toArray()).toEqual([0, 0, 1]);
    expect(lt(a, 2).toArray()).toEqual([1, 0, 0]);
    expect(ge(a, 2).toArray()).toEqual([0, 1, 1]);
    expect(le(a, 2).toArray()).toEqual([1, 1, 0]);
    expect(a.eq(tensor([[1], [3]])).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(gt(tensor([1], { dtype: 'int32' }), tensor([0.5], { dtype: 'float64' })).dtype).toBe('float64');
    const x = tensor([1, 2], { requiresGrad: true });
    const m = gt(x, 1);
    expect(m.requiresGrad).toBe(false);
    expect(m.dtype).toBe('float32');
  });

  test('a number is compared in the tensor’s dtype, and a fraction next to int32 is not truncated', () => {
    expect(eq(tensor([0.1]), 0.1).item()).toBe(1);
    expect(lt(tensor([0, 1], { dtype: 'int32' }), 0.5).toArray()).toEqual([1, 0]);
    expect(ge(tensor([0, 1], { dtype: 'int32' }), 0.5).toArray()).toEqual([0, 1]);
  });

  test('NaN compares false everywhere, as IEEE', () => {
    const n = tensor([NaN]);
    for (const f of [eq, gt, lt, ge, le]) expect(f(n, n).item()).toBe(0);
  });
});
