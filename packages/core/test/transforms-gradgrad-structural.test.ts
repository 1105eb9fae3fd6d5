import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { arbMatmulShapes, arbShape, arbTensor, gradgradcheck } from '@tapegrad/core/testing';

const RUNS = { numRuns: 50 };
const small = { maxRank: 3, maxDim: 3 };

/** Linear ops have a zero second derivative: square their output so that gradgradcheck sees one. */
const squared =
  (op: (...xs: tg.Tensor[]) => tg.Tensor) =>
  (...xs: tg.Tensor[]) => {
    const y = op(...xs);
    return y.mul(y);
  };

const check = (f: (...xs: tg.Tensor[]) => tg.Tensor, xs: tg.Tensor[]): void => {
  // Both the op itself (checks its rule's own backward, ∂G/∂gy) and a non-linear use of it.
  expect(gradgradcheck(f, xs).ok).toBe(true);
  expect(gradgradcheck(squared(f), xs).ok).toBe(true);
};

/** A tensor with at least one axis, and a valid axis of it. */
const withAxis = arbShape({ ...small, minRank: 1 }).chain((s) =>
  fc.tuple(arbTensor({ shape: s }), fc.integer({ min: -s.length, max: s.length - 1 })),
);

/** A random subset of a tensor's axes (possibly empty = all, as `null`), and keepdims. */
const withAxes = arbShape(small).chain((s) =>
  fc.tuple(arbTensor({ shape: s }), fc.option(fc.subarray([...s.keys()]), { nil: null }), fc.boolean()),
);

describe('gradgradcheck: softmax family', () => {
  test.each([
    ['softmax', tg.softmax],
    ['logSoftmax', tg.logSoftmax],
  ])('%s along a random axis', (_name, op) => {
    fc.assert(
      fc.property(withAxis, ([x, axis]) => {
        expect(gradgradcheck((t) => op(t, axis), [x]).ok).toBe(true);
      }),
      RUNS,
    );
  });

  test('logSumExp over random axes', () => {
    fc.assert(
      fc.property(withAxes, ([x, axes, keep]) => {
        expect(gradgradcheck((t) => tg.logSumExp(t, axes, keep), [x]).ok).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('gradgradcheck: matmul and reductions', () => {
  test('matmul (1-D, 2-D, batched with broadcasting)', () => {
    fc.assert(
      fc.property(
        arbMatmulShapes({ maxDim: 3, maxBatchRank: 1 }).chain(([a, b]) =>
          fc.tuple(arbTensor({ shape: a }), arbTensor({ shape: b })),
        ),
        ([a, b]) => {
          // matmul is bilinear: its mixed second derivative ∂²/∂a∂b is not zero on its own.
          expect(gradgradcheck(tg.matmul, [a, b]).ok).toBe(true);
          expect(gradgradcheck(squared(tg.matmul), [a, b]).ok).toBe(true);
        },
      ),
      RUNS,
    );
  });

  test.each([
    ['sum', tg.sum],
    ['mean', tg.mean],
  ])('%s over random axes', (_name, op) => {
    fc.assert(
      fc.property(withAxes, ([x, axes, keep]) => check((t) => op(t, axes, keep), [x])),
      RUNS,
    );
  });
});

describe('gradgradcheck: shape ops', () => {
  test('repeat', () => {
    fc.assert(
      fc.property(withAxis, fc.integer({ min: 1, max: 3 }), ([x, axis], r) => check((t) => tg.repeat(t, r, axis), [x])),
      RUNS,
    );
  });

  test('broadcastTo', () => {
    const arb = arbShape({ maxRank: 2, maxDim: 3 }).chain((s) =>
      fc
        .tuple(
          fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
          fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }),
        )
        .chain(([lead, ones]) => {
          const from = s.map((d, i) => (ones[i] ? 1 : d));
          return fc.tuple(arbTensor({ shape: from }), fc.constant([...lead, ...s]));
        }),
    );
    fc.assert(
      fc.property(arb, ([x, shape]) => check((t) => tg.broadcastTo(t, shape), [x])),
      RUNS,
    );
  });

  test('reshape (to the reversed shape, and flat)', () => {
    fc.assert(
      fc.property(
        arbShape(small).chain((s) => arbTensor({ shape: s })),
        (x) => {
          check((t) => tg.reshape(t, [...x.shape].reverse()), [x]);
          check((t) => tg.reshape(t, [-1]), [x]);
        },
      ),
      RUNS,
    );
  });

  test('transpose (random permutation)', () => {
    const arb = arbShape(small).chain((s) =>
      fc.tuple(
        arbTensor({ shape: s }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: s.length, maxLength: s.length }),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, keys]) => {
        const perm = [...keys.keys()].sort((i, j) => keys[i] - keys[j]);
        check((t) => tg.transpose(t, perm), [x]);
      }),
      RUNS,
    );
  });

  test('slice (indices, ranges, negative steps)', () => {
    const spec = (n: number): fc.Arbitrary<tg.SliceSpec> =>
      fc.oneof(
        fc.constant(null),
        fc.integer({ min: -n, max: n - 1 }),
        fc.tuple(
          fc.option(fc.integer({ min: -n, max: n }), { nil: null }),
          fc.option(fc.integer({ min: -n, max: n }), { nil: null }),
          fc.constantFrom(1, 2, -1),
        ),
      );
    const arb = arbShape({ ...small, minRank: 1 }).chain((s) =>
      fc.tuple(arbTensor({ shape: s }), fc.tuple(...s.map(spec))),
    );
    fc.assert(
      fc.property(arb, ([x, specs]) => check((t) => tg.slice(t, specs), [x])),
      RUNS,
    );
  });

  test('concat (2–3 tensors along a random axis)', () => {
    const arb = arbShape({ ...small, minRank: 1 }).chain((s) =>
      fc
        .integer({ min: 0, max: s.length - 1 })
        .chain((axis) =>
          fc
            .array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 })
            .chain((lens) =>
              fc.tuple(
                fc.tuple(...lens.map((n) => arbTensor({ shape: s.map((d, i) => (i === axis ? n : d)) }))),
                fc.constant(axis),
              ),
            ),
        ),
    );
    fc.assert(
      fc.property(arb, ([xs, axis]) => check((...ts) => tg.concat(ts, axis), xs)),
      RUNS,
    );
  });

  test('gather (repeated and negative indices)', () => {
    const arb = withAxis.chain(([x, axis]) => {
      const n = x.shape[axis < 0 ? axis + x.ndim : axis];
      return fc.tuple(
        fc.constant(x),
        fc.constant(axis),
        fc.array(fc.integer({ min: -n, max: n - 1 }), { minLength: 1, maxLength: 4 }),
      );
    });
    fc.assert(
      fc.property(arb, ([x, axis, idx]) => {
        const indices = tg.tensor(idx, { dtype: 'int32' });
        check((t, i) => tg.gather(t, i, axis), [x, indices]);
      }),
      RUNS,
    );
  });
});

describe('gradgradcheck: ops whose rules multiply by a constant mask', () => {
  // Their own second derivative is zero away from the kinks; composed with a product it is not.
  test.each([
    ['abs', (t: tg.Tensor) => t.abs().mul(t)],
    ['relu', (t: tg.Tensor) => t.relu().mul(t)],
    ['leakyRelu', (t: tg.Tensor) => t.leakyRelu(0.1).mul(t)],
    ['clip', (t: tg.Tensor) => t.clip(-1, 1).mul(t)],
    ['max', (t: tg.Tensor) => t.max(-1).square()],
    ['min', (t: tg.Tensor) => t.min(0).square()],
    ['where', (t: tg.Tensor) => tg.where(t.gt(0), t.square(), t.exp())],
  ])('%s', (_name, f) => {
    // Values kept away from the kinks (0, ±1) and distinct, so no tie or kink is crossed by ±eps.
    const x = tg.tensor(
      [
        [0.5, -1.2, 2],
        [1.1, -0.3, 0.7],
      ],
      { dtype: 'float64' },
    );
    expect(gradgradcheck(f, [x]).ok).toBe(true);
  });
});
