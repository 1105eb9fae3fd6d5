import fc from 'fast-check';
import {
  Rng,
  type Tensor,
  broadcastShapes,
  broadcastTo,
  dot,
  linear,
  matmul,
  matmulT,
  randn,
  tensor,
  transpose,
} from '@tapegrad/core';
import { arbMatmulShapes, arbTensor, gradcheck, gradgradcheck } from '@tapegrad/core/testing';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 100 };

const arbOperands = arbMatmulShapes({ maxDim: 4 }).chain(([a, b]) =>
  fc.tuple(arbTensor({ shape: a }), arbTensor({ shape: b })),
);

/** np.matmul by definition: promote 1-D operands, broadcast the batch, triple loop. */
function naiveMatmul(a: Tensor, b: Tensor): { shape: number[]; data: number[] } {
  const a2 = a.ndim === 1 ? [1, a.shape[0]] : [...a.shape];
  const b2 = b.ndim === 1 ? [b.shape[0], 1] : [...b.shape];
  const batch = broadcastShapes('naive', a2.slice(0, -2), b2.slice(0, -2));
  const [m, k] = a2.slice(-2);
  const n = b2[b2.length - 1];
  const ad = broadcastTo(tensor(a.data, { shape: a2 }), [...batch, m, k]).data;
  const bd = broadcastTo(tensor(b.data, { shape: b2 }), [...batch, k, n]).data;
  const count = batch.reduce((x, y) => x * y, 1);
  const data: number[] = [];
  for (let t = 0; t < count; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += ad[t * m * k + i * k + p] * bd[t * k * n + p * n + j];
        data.push(s);
      }
  const shape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  return { shape, data };
}

describe('matmul', () => {
  test('gradient over 1-D, 2-D and batched operands with broadcast batch dims', () => {
    fc.assert(
      fc.property(arbOperands, ([a, b]) => {
        gradcheck((x, y) => matmul(x, y), [a, b], TOL);
      }),
      RUNS,
    );
  });

  test('forward equals the definition of np.matmul', () => {
    fc.assert(
      fc.property(arbOperands, ([a, b]) => {
        const want = naiveMatmul(a, b);
        const got = matmul(a, b);
        expect(got.shape).toEqual(want.shape);
        Array.from(got.data).forEach((v, i) => expect(v).toBeCloseTo(want.data[i], 12));
      }),
      RUNS,
    );
  });

  test('matmulT reads transposed operands in place, for all four flag combinations', () => {
    const arb = fc
      .record({
        m: fc.integer({ min: 1, max: 4 }),
        k: fc.integer({ min: 1, max: 4 }),
        n: fc.integer({ min: 1, max: 4 }),
        batch: fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }),
        ta: fc.boolean(),
        tb: fc.boolean(),
      })
      .chain(({ m, k, n, batch, ta, tb }) =>
        fc.tuple(
          arbTensor({ shape: [...batch, ...(ta ? [k, m] : [m, k])] }),
          arbTensor({ shape: [...batch, ...(tb ? [n, k] : [k, n])] }),
          fc.constant(ta),
          fc.constant(tb),
        ),
      );
    const swapLast = (t: Tensor): Tensor => {
      const axes = t.shape.map((_, i) => i);
      axes.splice(-2, 2, t.ndim - 1, t.ndim - 2);
      return transpose(t, axes);
    };
    fc.assert(
      fc.property(arb, ([a, b, ta, tb]) => {
        const got = matmulT(a, b, ta, tb);
        const want = matmul(ta ? swapLast(a) : a, tb ? swapLast(b) : b);
        expect(got.shape).toEqual(want.shape);
        Array.from(got.data).forEach((v, i) => expect(v).toBeCloseTo(want.data[i], 12));
        gradcheck((x, y) => matmulT(x, y, ta, tb), [a, b], TOL);
      }),
      RUNS,
    );
  });

  test('the book: dot([1,2,3],[4,5,6]) = 32 and matmul([[1,2],[3,4]],[[5,6],[7,8]]) = [[19,22],[43,50]]', () => {
    const d = dot(tensor([1, 2, 3]), tensor([4, 5, 6]));
    expect(d.shape).toEqual([]);
    expect(d.item()).toBe(32);
    const m = matmul(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      tensor([
        [5, 6],
        [7, 8],
      ]),
    );
    expect(m.toArray()).toEqual([
      [19, 22],
      [43, 50],
    ]);
  });

  test('1-D operands follow np.matmul: a row on the left, a column on the right, the axis removed', () => {
    const A = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(matmul(A, tensor([1, 0, -1])).toArray()).toEqual([-2, -2]);
    expect(matmul(tensor([1, -1]), A).toArray()).toEqual([-3, -3, -3]);
    const batch = tensor([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [2, 0],
        [0, 2],
      ],
    ]);
    expect(matmul(tensor([1, 2]), batch).toArray()).toEqual([
      [1, 2],
      [2, 4],
    ]);
    expect(matmul(batch, tensor([1, 2])).toArray()).toEqual([
      [1, 2],
      [2, 4],
    ]);
  });

  test('batch dims broadcast: [2,1,2,2] @ [3,2,2] → [2,3,2,2]', () => {
    const a = tensor([
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
      [
        [
          [0, 1],
          [1, 0],
        ],
      ],
    ]);
    const b = tensor([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
      [
        [9, 10],
        [11, 12],
      ],
    ]);
    const c = matmul(a, b);
    expect(c.shape).toEqual([2, 3, 2, 2]);
    expect(c.toArray()).toEqual([b.toArray(), (b.toArray() as number[][][]).map(([r0, r1]) => [r1, r0])]);
  });

  test('a stack times a matrix, and the gradients of both (a Linear layer on a batch)', () => {
    const x = tensor([[[1, 2]], [[3, 4]]], { requiresGrad: true });
    const w = tensor([[1], [1]], { requiresGrad: true });
    const y = matmul(x, w);
    expect(y.toArray()).toEqual([[[3]], [[7]]]);
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([[[1, 1]], [[1, 1]]]);
    expect(w.grad!.toArray()).toEqual([[4], [6]]);
  });

  test('larger operands, every flag combination, match the definition', () => {
    const rng = new Rng(5);
    const a = randn([3, 37, 41], { rng, dtype: 'float64' });
    const b = randn([41, 35], { rng, dtype: 'float64' });
    const want = naiveMatmul(a, b);
    const got = matmul(a, b);
    expect(got.shape).toEqual(want.shape);
    Array.from(got.data).forEach((v, i) => expect(v).toBeCloseTo(want.data[i], 10));
    const bt = transpose(b);
    const at = transpose(a, [0, 2, 1]);
    const bb = broadcastTo(b, [3, 41, 35]);
    const bbt = broadcastTo(bt, [3, 35, 41]);
    for (const r of [matmulT(at, bb, true, false), matmulT(a, bbt, false, true), matmulT(at, bbt, true, true)]) {
      Array.from(r.data).forEach((v, i) => expect(v).toBeCloseTo(want.data[i], 10));
    }
  });

  test('mixed float dtypes promote; float64 stays float64', () => {
    const a = tensor([[1, 2]], { dtype: 'float64' });
    expect(matmul(a, tensor([[1], [1]])).dtype).toBe('float64');
    expect(matmul(tensor([[0.1]], { dtype: 'float64' }), tensor([[0.1]], { dtype: 'float64' })).item()).toBe(0.1 * 0.1);
  });

  test('Infinity and NaN propagate through zeros, as IEEE (0 · ∞ = NaN)', () => {
    const y = matmul(tensor([[0, 1]]), tensor([[Infinity], [1]]));
    expect(Number.isNaN(y.item())).toBe(true);
  });
});

describe('linear (fused x·wᵀ + b)', () => {
  const arbLinear = fc
    .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }))
    .chain(([n, i, o]) =>
      fc.tuple(arbTensor({ shape: [n, i] }), arbTensor({ shape: [o, i] }), arbTensor({ shape: [o] }), fc.boolean()),
    );

  test('equals matmulT(x, w, false, true) + b, and its gradients pass gradcheck', () => {
    fc.assert(
      fc.property(arbLinear, ([x, w, b, withBias]) => {
        const want = withBias ? matmulT(x, w, false, true).add(b) : matmulT(x, w, false, true);
        const got = linear(x, w, withBias ? b : null);
        expect(got.shape).toEqual(want.shape);
        const gd = got.data;
        want.data.forEach((v, i) => expect(Math.abs(gd[i] - v)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(v))));
        if (withBias) gradcheck((xx, ww, bb) => linear(xx, ww, bb), [x, w, b], TOL);
        else gradcheck((xx, ww) => linear(xx, ww), [x, w], TOL);
      }),
      RUNS,
    );
  });

  test('second derivatives pass gradgradcheck', () => {
    fc.assert(
      fc.property(arbLinear, ([x, w, b]) => {
        gradgradcheck((xx, ww, bb) => linear(xx, ww, bb).tanh(), [x, w, b]);
      }),
      { numRuns: 30 },
    );
  });

  test('computes no gradient for an input that does not require one (a first layer)', () => {
    const x = tensor([[1, 2, 3]]);
    const w = tensor(
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      { requiresGrad: true },
    );
    const b = tensor([0.5, -0.5], { requiresGrad: true });
    linear(x, w, b).sum().backward();
    expect(x.grad).toBeNull();
    expect(w.grad!.toArray()).toEqual([
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(b.grad!.toArray()).toEqual([1, 1]);
  });

  test('errors name the op, the argument and the shapes', () => {
    expect(() => linear(randn([2, 3]), randn([4, 5]))).toThrow(
      'linear: x must be [N, in] and w [out, in] with the same in: x is [2,3], w is [4,5]',
    );
    expect(() => linear(randn([2, 3]), randn([4, 3]), randn([3]))).toThrow('linear: b must be [out] = [4]');
    expect(() => linear(randn([2, 3]), randn([4, 3]).astype('float64'))).toThrow(
      'linear: w is float64 but x is float32',
    );
  });
});
