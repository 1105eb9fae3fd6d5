import fc from 'fast-check';
import { type Tensor, arange, concat, stack, tensor } from '@tapegrad/core';
import { arbShape, arbTensor, gradcheck } from '@tapegrad/core/testing';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 100 };
const SMALL = { maxRank: 3, maxDim: 4 };
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
