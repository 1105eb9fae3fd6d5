import fc from 'fast-check';
import { eq, ge, gt, le, lt, tensor, where } from '@tapegrad/core';
import { arbBroadcastableShapes, arbTensor, gradcheck } from '@tapegrad/core/testing';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 100 };
const SMALL = { maxRank: 3, maxDim: 4 };
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
    // cond is tested in its own dtype: 1e-50 is non-zero in float64 although it is 0 in float32.
    expect(where(tensor([1e-50, 0], { dtype: 'float64' }), tensor([1, 2]), tensor([10, 20])).toArray()).toEqual([
      1, 20,
    ]);
    expect(where(tensor([NaN]), 1, 2).item()).toBe(1);
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
