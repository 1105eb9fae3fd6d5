import fc from 'fast-check';
import {
  type Tensor,
  arange,
  broadcastShapes,
  broadcastTo,
  expandDims,
  flatten,
  ones,
  reshape,
  squeeze,
  sumTo,
  tensor,
  transpose,
  zeros,
} from '@tapegrad/core';
import { arbBroadcastableShapes, arbShape, arbTensor, gradcheck } from '@tapegrad/core/testing';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 100 };
const SMALL = { maxRank: 3, maxDim: 4 };

/** A tensor plus something derived from it (an axis, a permutation, a target shape). */
function withArg<T>(arg: (x: Tensor) => fc.Arbitrary<T>, opts = {}): fc.Arbitrary<[Tensor, T]> {
  return arbTensor({ ...SMALL, ...opts }).chain((x) => fc.tuple(fc.constant(x), arg(x)));
}

function check<T>(arb: fc.Arbitrary<[Tensor, T]>, f: (x: Tensor, arg: T) => Tensor): void {
  fc.assert(
    fc.property(arb, ([x, arg]) => {
      gradcheck((v) => f(v, arg), [x], TOL);
    }),
    RUNS,
  );
}

describe('gradients of the shape ops', () => {
  test('reshape (extents shuffled, 1s inserted, one −1 inferred)', () => {
    const target = (x: Tensor): fc.Arbitrary<number[]> =>
      fc
        .tuple(fc.shuffledSubarray([...x.shape], { minLength: x.ndim, maxLength: x.ndim }), fc.nat(2), fc.boolean())
        .map(([dims, ones_, infer]) => {
          const t = [...dims, ...Array<number>(ones_).fill(1)];
          if (infer && t.length > 0) t[0] = -1;
          return t;
        });
    check(withArg(target), (x, s) => reshape(x, s));
  });

  test('flatten (any startAxis ≤ endAxis)', () => {
    const range = (x: Tensor): fc.Arbitrary<[number, number]> =>
      x.ndim === 0
        ? fc.constant([0, -1] as [number, number])
        : fc
            .tuple(fc.nat(x.ndim - 1), fc.nat(x.ndim - 1))
            .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]);
    check(withArg(range), (x, [s, e]) => flatten(x, s, e));
  });

  test('transpose (random permutations and the default reversal)', () => {
    const perm = (x: Tensor): fc.Arbitrary<number[] | undefined> =>
      fc.option(
        fc.shuffledSubarray(
          x.shape.map((_, i) => i),
          { minLength: x.ndim, maxLength: x.ndim },
        ),
        { nil: undefined },
      );
    check(withArg(perm), (x, p) => transpose(x, p));
  });

  test('broadcastTo', () => {
    const arb = arbBroadcastableShapes(2, SMALL).chain(([a, b]) =>
      fc.tuple(arbTensor({ shape: a }), fc.constant(broadcastShapes('test', a, b))),
    );
    check(arb, (x, s) => broadcastTo(x, s));
  });

  test('sumTo', () => {
    const arb = arbBroadcastableShapes(2, SMALL).chain(([a, b]) =>
      fc.tuple(arbTensor({ shape: broadcastShapes('test', a, b) }), fc.constant(a)),
    );
    check(arb, (x, s) => sumTo(x, s));
  });

  test('expandDims (every position, negative included)', () => {
    check(
      withArg((x) => fc.integer({ min: -x.ndim - 1, max: x.ndim })),
      (x, a) => expandDims(x, a),
    );
  });

  test('squeeze (all size-1 axes, or one of them)', () => {
    const axis = (x: Tensor): fc.Arbitrary<number | undefined> => {
      const unit = x.shape.flatMap((d, i) => (d === 1 ? [i, i - x.ndim] : []));
      return unit.length === 0 ? fc.constant(undefined) : fc.option(fc.constantFrom(...unit), { nil: undefined });
    };
    check(withArg(axis, { minDim: 1, maxDim: 2 }), (x, a) => squeeze(x, a));
  });
});

describe('forward results', () => {
  const x = arange(6).reshape(2, 3);

  test('reshape shares storage and infers −1', () => {
    const y = reshape(x, [3, -1]);
    expect(y.shape).toEqual([3, 2]);
    expect(y.toArray()).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(y.data).toBe(x.data);
    expect(x.reshape([6]).shape).toEqual([6]);
    expect(reshape(tensor([5]), []).shape).toEqual([]);
    expect(reshape(zeros([0, 3]), [-1, 3]).shape).toEqual([0, 3]);
  });

  test('flatten', () => {
    expect(flatten(zeros([2, 3, 4])).shape).toEqual([24]);
    expect(flatten(zeros([2, 3, 4]), 1).shape).toEqual([2, 12]);
    expect(flatten(zeros([2, 3, 4]), 0, 1).shape).toEqual([6, 4]);
    expect(flatten(tensor(7)).shape).toEqual([1]);
  });

  test('transpose and .T', () => {
    expect(x.T.toArray()).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
    ]);
    const t = arange(24).reshape(2, 3, 4);
    const p = transpose(t, [1, 2, 0]);
    expect(p.shape).toEqual([3, 4, 2]);
    // p[i, j, k] = t[k, i, j]
    expect((p.toArray() as number[][][])[2][1]).toEqual([9, 21]);
    expect(t.transpose(0, -1, 1).shape).toEqual([2, 4, 3]);
    expect(transpose(tensor(3)).item()).toBe(3);
  });

  test('broadcastTo and sumTo', () => {
    expect(broadcastTo(tensor([1, 2]), [3, 2]).toArray()).toEqual([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(broadcastTo(tensor([[1], [2]]), [2, 2, 3]).toArray()).toEqual([
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
      [
        [1, 1, 1],
        [2, 2, 2],
      ],
    ]);
    expect(broadcastTo(tensor(4), [2]).toArray()).toEqual([4, 4]);
    expect(sumTo(ones([3, 2]), [1, 2]).toArray()).toEqual([[3, 3]]);
    expect(sumTo(ones([3, 2]), [2]).toArray()).toEqual([3, 3]);
    expect(sumTo(x, [3]).toArray()).toEqual([3, 5, 7]);
    expect(sumTo(x, [2, 1]).toArray()).toEqual([[3], [12]]);
    expect(sumTo(x, []).item()).toBe(15);
  });

  test('sumTo is the adjoint of broadcastTo: ⟨broadcastTo(u), v⟩ = ⟨u, sumTo(v)⟩', () => {
    fc.assert(
      fc.property(
        arbBroadcastableShapes(2, SMALL).chain(([a, b]) => {
          const full = broadcastShapes('test', a, b);
          return fc.tuple(arbTensor({ shape: a }), arbTensor({ shape: full }));
        }),
        ([u, v]) => {
          const lhs = broadcastTo(u, v.shape).mul(v).sum().item();
          const rhs = u.mul(sumTo(v, u.shape)).sum().item();
          expect(lhs).toBeCloseTo(rhs, 10);
        },
      ),
      RUNS,
    );
  });

  test('expandDims and squeeze', () => {
    expect(expandDims(zeros([3]), 0).shape).toEqual([1, 3]);
    expect(expandDims(zeros([3]), -1).shape).toEqual([3, 1]);
    expect(expandDims(zeros([2, 3]), 1).shape).toEqual([2, 1, 3]);
    expect(expandDims(tensor(1), 0).shape).toEqual([1]);
    expect(squeeze(zeros([1, 3, 1])).shape).toEqual([3]);
    expect(squeeze(zeros([1, 3, 1]), 0).shape).toEqual([3, 1]);
    expect(squeeze(zeros([1, 3, 1]), [0, -1]).shape).toEqual([3]);
    expect(squeeze(zeros([1, 1])).shape).toEqual([]);
  });

  test('shapes of random tensors survive a round trip through every shape op', () => {
    fc.assert(
      fc.property(arbShape(SMALL), (s) => {
        const t = zeros(s);
        expect(flatten(t).shape).toEqual([t.size]);
        expect(transpose(transpose(t)).shape).toEqual(s);
        expect(squeeze(expandDims(t, 0), 0).shape).toEqual(s);
      }),
      RUNS,
    );
  });
});

describe('rank-0 tensors (scalars) accept axis 0 and −1, as PyTorch', () => {
  const s = (): Tensor => tensor(3, { dtype: 'float64', requiresGrad: true });

  test('reductions and softmax over a scalar keep it a scalar', () => {
    for (const axis of [0, -1]) {
      expect(s().sum(axis).item()).toBe(3);
      expect(s().mean(axis, true).shape).toEqual([]);
      expect(s().max(axis).item()).toBe(3);
      expect(s().argmax(axis).item()).toBe(0);
      expect(s().logSumExp(axis).item()).toBe(3);
    }
    expect(s().softmax().item()).toBe(1);
    expect(s().logSoftmax().item()).toBe(0);
    expect(() => s().sum(1)).toThrow('sum: axis 1 is out of range for a tensor of rank 0');
  });

  test('repeat, squeeze and expandDims on a scalar', () => {
    const x = s();
    const r = x.repeat(3, 0);
    expect(r.toArray()).toEqual([3, 3, 3]);
    r.sum().backward();
    expect(x.grad!.item()).toBe(3);
    expect(s().repeat(2).toArray()).toEqual([3, 3]);
    expect(s().squeeze(0).shape).toEqual([]);
    expect(s().squeeze().shape).toEqual([]);
    expect(s().expandDims(-1).shape).toEqual([1]);
    expect(() => s().repeat(2, 1)).toThrow('repeat: axis 1 is out of range for a tensor of rank 0');
  });
});
