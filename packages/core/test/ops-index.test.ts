import fc from 'fast-check';
import { type SliceSpec, type Tensor, arange, gather, slice, take, tensor } from '@tapegrad/core';
import { arbTensor, gradcheck } from '@tapegrad/core/testing';

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

  test('long rows (block-copied) match an element-by-element gather, in every dtype', () => {
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      for (const inner of [15, 16, 17, 40]) {
        const x = arange(6 * inner, undefined, undefined, { dtype }).reshape([2, 3, inner]);
        const idx = tensor([2, 0, 2, -1], { dtype: 'int32' });
        const got = gather(x, idx, 1).toArray() as number[][][];
        const rows = x.toArray() as number[][][];
        expect(got).toEqual(rows.map((r) => [r[2], r[0], r[2], r[2]]));
      }
    }
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
