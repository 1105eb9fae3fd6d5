import fc from 'fast-check';
import {
  type Tensor,
  IndexError,
  ShapeError,
  ValueError,
  DTypeError,
  arange,
  bmm,
  chunk,
  cumsum,
  embedding,
  maskedFill,
  matmul,
  ones,
  oneHot,
  permute,
  split,
  std,
  tensor,
  tril,
  triu,
  unsqueeze,
  variance,
  zeros,
} from '@tapegrad/core';
import { arbShape, arbTensor, gradcheck, gradgradcheck } from '@tapegrad/core/testing';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 50 };
const f64 = (v: number[] | number[][]) => tensor(v, { dtype: 'float64' });
const i32 = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });

/** A float64 tensor of rank ≥ `minRank` and an axis of it. */
const withAxis = (minRank = 1) =>
  arbTensor({ minRank, maxRank: 3, maxDim: 4 }).chain((x) =>
    fc.tuple(fc.constant(x), fc.integer({ min: -x.ndim, max: x.ndim - 1 })),
  );

describe('gradients (gradcheck and, all being smooth, gradgradcheck) over random shapes', () => {
  test('cumsum along any axis', () => {
    fc.assert(
      fc.property(withAxis(), ([x, axis]) => {
        gradcheck((t) => cumsum(t, axis), [x], TOL);
        gradgradcheck((t) => cumsum(t, axis).mul(t), [x]);
      }),
      RUNS,
    );
  });

  test('variance and std, correction 0, 1 and 2, any axes, keepdims', () => {
    const arb = withAxis().chain(([x, axis]) =>
      fc.tuple(fc.constant(x), fc.constantFrom<number | null>(axis, null), fc.constantFrom(0, 1, 2), fc.boolean()),
    );
    fc.assert(
      fc.property(arb, ([x, axis, correction, keepdims]) => {
        const n = axis === null ? x.size : x.shape[axis < 0 ? axis + x.ndim : axis];
        if (n - correction <= 0) return;
        const opts = { correction, keepdims };
        gradcheck((t) => variance(t, axis, opts), [x], TOL);
        gradgradcheck((t) => variance(t, axis, opts), [x]);
        // std is smooth where the variance is clearly positive.
        const v = variance(x, axis, opts);
        if (Array.from(v.data).every((s) => s > 1e-2)) {
          gradcheck((t) => std(t, axis, opts), [x], TOL);
          gradgradcheck((t) => std(t, axis, opts), [x]);
        }
      }),
      RUNS,
    );
  });

  test('split and chunk: every piece carries its gradient', () => {
    const arb = withAxis().chain(([x, axis]) =>
      fc.tuple(fc.constant(x), fc.constant(axis), fc.integer({ min: 1, max: 4 })),
    );
    fc.assert(
      fc.property(arb, ([x, axis, k]) => {
        const weigh = (ps: Tensor[]) => ps.map((p, i) => p.mul(i + 1).sum()).reduce((a, b) => a.add(b));
        gradcheck((t) => weigh(split(t, k, axis)), [x], TOL);
        gradcheck((t) => weigh(chunk(t, k, axis)), [x], TOL);
        gradgradcheck((t) => weigh(chunk(t, k, axis).map((p) => p.mul(p))), [x]);
      }),
      RUNS,
    );
  });

  test('permute and unsqueeze', () => {
    const arb = arbTensor({ maxRank: 4, maxDim: 3 }).chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.shuffledSubarray(
          Array.from({ length: x.ndim }, (_, i) => i),
          { minLength: x.ndim, maxLength: x.ndim },
        ),
        fc.integer({ min: -x.ndim - 1, max: x.ndim }),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, dims, axis]) => {
        gradcheck((t) => permute(t, dims), [x], TOL);
        gradgradcheck((t) => permute(t.mul(t), dims), [x]);
        gradcheck((t) => unsqueeze(t, axis), [x], TOL);
        gradgradcheck((t) => unsqueeze(t.mul(t), axis), [x]);
      }),
      RUNS,
    );
  });

  test('triu and tril at any diagonal, batched', () => {
    const arb = arbTensor({ minRank: 2, maxRank: 4, maxDim: 4 }).chain((x) =>
      fc.tuple(fc.constant(x), fc.integer({ min: -4, max: 4 })),
    );
    fc.assert(
      fc.property(arb, ([x, k]) => {
        gradcheck((t) => triu(t, k), [x], TOL);
        gradcheck((t) => tril(t, k), [x], TOL);
        gradgradcheck((t) => triu(t.mul(t), k), [x]);
      }),
      RUNS,
    );
  });

  test('maskedFill with a broadcast mask', () => {
    const arb = arbShape({ minRank: 1, maxRank: 3, maxDim: 4 }).chain((s) =>
      fc.tuple(
        arbTensor({ shape: s }),
        fc
          .integer({ min: 0, max: s.length })
          .chain((drop) => arbTensor({ shape: s.slice(drop), dtype: 'int32', min: 0, max: 1 })),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, mask]) => {
        gradcheck((t) => maskedFill(t, mask, -3), [x, mask], TOL);
        gradgradcheck((t) => maskedFill(t.mul(t), mask, 2), [x, mask]);
      }),
      RUNS,
    );
  });

  test('bmm (through matmul)', () => {
    const arb = fc
      .tuple(...[1, 1, 1, 1].map(() => fc.integer({ min: 1, max: 4 })))
      .chain(([b, n, m, p]) => fc.tuple(arbTensor({ shape: [b, n, m] }), arbTensor({ shape: [b, m, p] })));
    fc.assert(
      fc.property(arb, ([a, b]) => {
        gradcheck(bmm, [a, b], TOL);
        gradgradcheck(bmm, [a, b]);
      }),
      RUNS,
    );
  });

  test('embedding: repeated indices accumulate; the padding row gets nothing; double backward', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), arbShape({ maxRank: 2, maxDim: 4 }))
      .chain(([v, d, s]) =>
        fc.tuple(
          arbTensor({ shape: [v, d] }),
          arbTensor({ shape: s, dtype: 'int32', min: 0, max: v - 1 }),
          fc.option(fc.integer({ min: -v, max: v - 1 })),
        ),
      );
    fc.assert(
      fc.property(arb, ([w, idx, paddingIdx]) => {
        const f = (t: Tensor) => embedding(idx, t, { paddingIdx });
        const report = gradcheck(f, [w], { ...TOL, raise: false });
        if (paddingIdx === null) {
          expect(report.ok).toBe(true);
          gradgradcheck((t) => f(t).mul(f(t)), [w]);
        } else {
          // PyTorch's semantics: the padding row's gradient is zero even where it is used.
          const p = paddingIdx < 0 ? paddingIdx + w.shape[0] : paddingIdx;
          const wg = w.detach().astype('float64');
          wg.requiresGrad = true;
          f(wg).mul(f(wg)).sum().backward();
          const d = w.shape[1];
          expect(Array.from(wg.grad!.data.slice(p * d, (p + 1) * d)).every((g) => g === 0)).toBe(true);
          gradgradcheck((t) => f(t).mul(f(t)), [w]);
        }
      }),
      RUNS,
    );
  });
});

describe('forward values, by hand', () => {
  test('cumsum', () => {
    expect(cumsum(f64([1, 2, 3, 4]), 0).toArray()).toEqual([1, 3, 6, 10]);
    expect(
      cumsum(
        f64([
          [1, 2],
          [3, 4],
        ]),
        0,
      ).toArray(),
    ).toEqual([
      [1, 2],
      [4, 6],
    ]);
    expect(
      cumsum(
        i32([
          [1, 2],
          [3, 4],
        ]),
        -1,
      ).toArray(),
    ).toEqual([
      [1, 3],
      [3, 7],
    ]);
    expect(cumsum(i32([[1, 2]]), 1).dtype).toBe('int32');
  });

  test('variance and std: Bessel by default, population with correction 0, ∞ or NaN past N', () => {
    expect(variance(f64([1, 2, 3, 4])).item()).toBeCloseTo(5 / 3, 15);
    expect(variance(f64([1, 2, 3, 4]), null, { correction: 0 }).item()).toBe(1.25);
    expect(std(f64([2, 4, 4, 4, 5, 5, 7, 9]), null, { correction: 0 }).item()).toBe(2);
    expect(
      variance(
        f64([
          [1, 2],
          [3, 5],
        ]),
        1,
        { correction: 0, keepdims: true },
      ).toArray(),
    ).toEqual([[0.25], [1]]);
    expect(
      f64([
        [1, 2],
        [3, 5],
      ])
        .var(0)
        .toArray(),
    ).toEqual([2, 4.5]);
    expect(variance(f64([3]), 0).item()).toBeNaN(); // 0/0, as PyTorch
    expect(variance(f64([3, 4]), 0, { correction: 2 }).item()).toBe(Infinity);
  });

  test('split and chunk follow PyTorch', () => {
    expect(split(arange(5), 2).map((t) => t.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(split(zeros([2, 6]), [1, 5], 1).map((t) => t.shape)).toEqual([
      [2, 1],
      [2, 5],
    ]);
    // torch.chunk(torch.arange(6), 4) gives 3 chunks of 2.
    expect(chunk(arange(6), 4).map((t) => t.toArray())).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(chunk(arange(5), 3).map((t) => t.toArray())).toEqual([[0, 1], [2, 3], [4]]);
    expect(
      arange(8)
        .reshape(2, 4)
        .chunk(4, 1)
        .map((t) => t.toArray()),
    ).toEqual([
      [[0], [4]],
      [[1], [5]],
      [[2], [6]],
      [[3], [7]],
    ]);
  });

  test('permute, unsqueeze', () => {
    const x = arange(6).reshape(1, 2, 3);
    expect(permute(x, [2, 0, 1]).toArray()).toEqual([[[0, 3]], [[1, 4]], [[2, 5]]]);
    expect(x.permute(-1, 1, 0).shape).toEqual([3, 2, 1]);
    expect(unsqueeze(zeros([3, 4]), 1).shape).toEqual([3, 1, 4]);
    expect(zeros([3]).unsqueeze(-1).shape).toEqual([3, 1]);
    expect(zeros([3]).unsqueeze(-2).shape).toEqual([1, 3]);
  });

  test('triu and tril', () => {
    expect(triu(ones([3, 3]), 1).toArray()).toEqual([
      [0, 1, 1],
      [0, 0, 1],
      [0, 0, 0],
    ]);
    expect(tril(ones([2, 3]), -1).toArray()).toEqual([
      [0, 0, 0],
      [1, 0, 0],
    ]);
    expect(tril(ones([2, 3])).toArray()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
    ]);
    expect(triu(ones([2, 2, 3]), -1).toArray()).toEqual([
      [
        [1, 1, 1],
        [1, 1, 1],
      ],
      [
        [1, 1, 1],
        [1, 1, 1],
      ],
    ]);
    expect(triu(ones([3, 3], { dtype: 'int32' }), 5).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  test('maskedFill: broadcast masks, -Infinity, x keeps its shape and dtype', () => {
    expect(maskedFill(tensor([1, 2, 3]), i32([0, 1, 0]), -1).toArray()).toEqual([1, -1, 3]);
    const causal = triu(ones([3, 3]), 1);
    expect((maskedFill(zeros([2, 3, 3]), causal, -Infinity).toArray() as number[][][])[1]).toEqual([
      [0, -Infinity, -Infinity],
      [0, 0, -Infinity],
      [0, 0, 0],
    ]);
    expect(
      zeros([2, 2], { dtype: 'float64' })
        .maskedFill(f64([[1], [0]]), 7)
        .toArray(),
    ).toEqual([
      [7, 7],
      [0, 0],
    ]);
  });

  test('oneHot', () => {
    expect(oneHot(i32([0, 2]), 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(oneHot(i32([[1], [0]])).toArray()).toEqual([[[0, 1]], [[1, 0]]]);
    expect(oneHot(i32([1]), 2, { dtype: 'float32' }).dtype).toBe('float32');
  });

  test('bmm equals matmul on stacks', () => {
    const a = arange(12, undefined, 1, { dtype: 'float64' }).reshape(2, 2, 3);
    const b = arange(12, undefined, 1, { dtype: 'float64' }).reshape(2, 3, 2);
    expect(bmm(a, b).toArray()).toEqual(matmul(a, b).toArray());
    expect((bmm(a, b).toArray() as number[][][])[1]).toEqual([
      [6 * 6 + 7 * 8 + 8 * 10, 6 * 7 + 7 * 9 + 8 * 11],
      [9 * 6 + 10 * 8 + 11 * 10, 9 * 7 + 10 * 9 + 11 * 11],
    ]);
  });

  test('embedding: rows at indices; the lookup is a node with the indices as an input', () => {
    const w = f64([
      [0, 1],
      [10, 11],
      [20, 21],
    ]);
    w.requiresGrad = true;
    const idx = i32([
      [2, 0],
      [2, 2],
    ]);
    const y = embedding(idx, w);
    expect(y.toArray()).toEqual([
      [
        [20, 21],
        [0, 1],
      ],
      [
        [20, 21],
        [20, 21],
      ],
    ]);
    expect(y.creator!.inputs[1]).toBe(idx);
    y.sum().backward();
    expect(w.grad!.toArray()).toEqual([
      [1, 1],
      [0, 0],
      [3, 3],
    ]);
    w.grad = null;
    embedding(idx, w, { paddingIdx: -1 }).sum().backward();
    expect(w.grad!.toArray()).toEqual([
      [1, 1],
      [0, 0],
      [0, 0],
    ]);
  });
});

describe('slice views', () => {
  test('a contiguous block of leading axes shares storage; other slices copy; gradients are the same either way', () => {
    const x = arange(24, undefined, 1, { dtype: 'float64' }).reshape(2, 3, 4);
    const row = x.slice(1, [1, 3]); // x[1, 1:3]: one block
    expect(row.data.buffer).toBe(x.data.buffer);
    expect(row.toArray()).toEqual([
      [16, 17, 18, 19],
      [20, 21, 22, 23],
    ]);
    const col = x.slice(null, null, [1, 2]); // x[:, :, 1:2]: strided
    expect(col.data.buffer).not.toBe(x.data.buffer);
    gradcheck((t) => t.slice(1, [1, 3]).mul(t.slice(null, null, [1, 2]).sum()), [x], TOL);
  });
});

describe('bad input: typed errors naming the function and the shapes', () => {
  test('each op', () => {
    expect(() => split(zeros([2, 6]), [1, 4], 1)).toThrow(
      /split: sections \[1,4\] add up to 5, but axis 1 of x \[2,6\] has extent 6/,
    );
    expect(() => split(zeros([2]), 0)).toThrow(ValueError);
    expect(() => chunk(zeros([2]), 0)).toThrow(ValueError);
    expect(() => chunk(zeros([2]), 2, 1)).toThrow(ShapeError);
    expect(() => permute(zeros([2, 3]), [0, 0])).toThrow(
      /permute: dims \[0, 0\] are not a permutation of the 2 axes of x \[2,3\]/,
    );
    expect(() => permute(zeros([2, 3]), [0])).toThrow(ShapeError);
    expect(() => unsqueeze(zeros([2]), 2)).toThrow(ShapeError);
    expect(() => triu(zeros([3]))).toThrow(/triu: x must have at least 2 axes, got shape \[3\]/);
    expect(() => tril(zeros([3, 3]), 0.5)).toThrow(ValueError);
    expect(() => maskedFill(zeros([2, 3]), zeros([3, 3]), 0)).toThrow(
      /maskedFill: mask of shape \[3,3\] does not broadcast to x's shape \[2,3\]/,
    );
    expect(() => oneHot(i32([3]), 3)).toThrow(IndexError);
    expect(() => oneHot(tensor([1]), 3)).toThrow(DTypeError);
    expect(() => bmm(zeros([2, 2, 3]), zeros([3, 3, 2]))).toThrow(
      /bmm: expected a \[B, n, m\] and b \[B, m, p\], got a \[2,2,3\] and b \[3,3,2\]/,
    );
    expect(() => bmm(zeros([2, 3]), zeros([3, 2]))).toThrow(ShapeError);
    expect(() => cumsum(zeros([2]), 1)).toThrow(ShapeError);
    expect(() => variance(zeros([2]), 0, { correction: -1 })).toThrow(ValueError);
    expect(() => std(zeros([2]), 0, { unbiased: true } as never)).toThrow(/std: unknown option 'unbiased'/);
    expect(() => variance(i32([1, 2]))).toThrow(DTypeError);
  });

  test('embedding: an index ≥ numEmbeddings, float indices, a bad paddingIdx', () => {
    const w = zeros([3, 2]);
    expect(() => embedding(i32([[0, 3]]), w)).toThrow(
      /embedding: index 3 \(at flat position 1 of indices \[1,2\]\) is out of range for 3 embeddings \(weight \[3,2\]\)/,
    );
    expect(() => embedding(i32([-1]), w)).toThrow(IndexError);
    expect(() => embedding(tensor([0]), w)).toThrow(DTypeError);
    expect(() => embedding(i32([0]), w, { paddingIdx: 3 })).toThrow(ValueError);
  });
});
