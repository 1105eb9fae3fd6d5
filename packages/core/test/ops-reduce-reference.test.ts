import fc from 'fast-check';
import { type Tensor, argmax, argmin, logSumExp, max, mean, min, softmax, sum } from '@tapegrad/core';
import { arbTensor } from '@tapegrad/core/testing';

// Forward results of the reductions against a direct definition over multi-indices, on shapes
// larger than the gradient checks use (rank ≤ 4, extents ≤ 5).

type Reducer = (acc: number, v: number) => number;

/** Reduces `x` over `axes` by walking every element and dropping the reduced coordinates. */
function naiveReduce(x: Tensor, axes: number[], init: number, f: Reducer): number[] {
  const keep = x.shape.map((_, i) => !axes.includes(i));
  const outShape = x.shape.filter((_, i) => keep[i]);
  const out = new Array<number>(outShape.reduce((a, b) => a * b, 1)).fill(init);
  const idx = new Array<number>(x.ndim).fill(0);
  for (let flat = 0; flat < x.size; flat++) {
    let o = 0;
    for (let k = 0; k < x.ndim; k++) if (keep[k]) o = o * x.shape[k] + idx[k];
    out[o] = f(out[o], x.data[flat]);
    for (let k = x.ndim - 1; k >= 0; k--) {
      if (++idx[k] < x.shape[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

const arbCase = arbTensor({ maxRank: 4, maxDim: 5, min: -10, max: 10 }).chain((x) =>
  fc.tuple(
    fc.constant(x),
    fc.subarray(
      x.shape.map((_, i) => i),
      { minLength: x.ndim === 0 ? 0 : 1 },
    ),
  ),
);

function expectClose(got: Tensor, want: number[], digits = 10): void {
  expect(got.size).toBe(want.length);
  Array.from(got.data).forEach((v, i) => expect(v).toBeCloseTo(want[i], digits));
}

describe('reductions against their definition', () => {
  test('sum, mean, max, min over any set of axes', () => {
    fc.assert(
      fc.property(arbCase, ([x, axes]) => {
        const count = axes.reduce((n, a) => n * x.shape[a], 1);
        expectClose(
          sum(x, axes),
          naiveReduce(x, axes, 0, (a, v) => a + v),
        );
        expectClose(
          mean(x, axes),
          naiveReduce(x, axes, 0, (a, v) => a + v).map((s) => s / count),
        );
        expectClose(max(x, axes), naiveReduce(x, axes, -Infinity, Math.max));
        expectClose(min(x, axes), naiveReduce(x, axes, Infinity, Math.min));
        const lse = naiveReduce(x, axes, 0, (a, v) => a + Math.exp(v)).map(Math.log);
        expectClose(logSumExp(x, axes), lse, 8);
      }),
      { numRuns: 150 },
    );
  });

  test('argmax/argmin along one axis give the position of the first extreme', () => {
    const arb = arbTensor({ maxRank: 4, minRank: 1, maxDim: 5, dtype: 'int32', min: -3, max: 3 }).chain((x) =>
      fc.tuple(fc.constant(x), fc.integer({ min: 0, max: x.ndim - 1 })),
    );
    fc.assert(
      fc.property(arb, ([x, axis]) => {
        // Encode (value, position) so that a plain max/min finds the first extreme's position.
        const n = x.shape[axis];
        const stride = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
        const pos = (flat: number): number => Math.floor(flat / stride) % n;
        const enc = (sign: number): Tensor => {
          const e = x.astype('float64');
          for (let i = 0; i < e.size; i++) e.data[i] = sign * e.data[i] * 100 - pos(i);
          return e;
        };
        const decode = (v: number): number => ((-Math.round(v) % 100) + 100) % 100;
        const wantMax = naiveReduce(enc(1), [axis], -Infinity, Math.max).map(decode);
        const wantMin = naiveReduce(enc(-1), [axis], -Infinity, Math.max).map(decode);
        expect(Array.from(argmax(x, axis).data)).toEqual(wantMax);
        expect(Array.from(argmin(x, axis).data)).toEqual(wantMin);
      }),
      { numRuns: 150 },
    );
  });

  test('softmax along an axis is exp(x) normalised over that axis', () => {
    const arb = arbTensor({ maxRank: 4, minRank: 1, maxDim: 5, min: -10, max: 10 }).chain((x) =>
      fc.tuple(fc.constant(x), fc.integer({ min: 0, max: x.ndim - 1 })),
    );
    fc.assert(
      fc.property(arb, ([x, axis]) => {
        const z = naiveReduce(x, [axis], 0, (a, v) => a + Math.exp(v));
        const stride = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
        const n = x.shape[axis];
        const want = Array.from(x.data, (v, i) => {
          const outer = Math.floor(i / (stride * n));
          return Math.exp(v) / z[outer * stride + (i % stride)];
        });
        expectClose(softmax(x, axis), want, 12);
      }),
      { numRuns: 150 },
    );
  });
});
