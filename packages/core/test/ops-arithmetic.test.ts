import fc from 'fast-check';
import { type Tensor, add, div, mul, neg, pow, square, sub, tensor } from '@tapegrad/core';
import { type ArbTensorOptions, arbBroadcastableShapes, arbTensor, gradcheck } from '@tapegrad/core/testing';

// The bar: autograd = central differences in float64 to rtol 1e-6, atol 1e-8.
const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 100 };
const SMALL = { maxRank: 3, maxDim: 4 };

/** Two float64 tensors whose shapes broadcast together (size-1 axes and dropped axes included). */
function arbPair(a: ArbTensorOptions = {}, b: ArbTensorOptions = {}): fc.Arbitrary<[Tensor, Tensor]> {
  return arbBroadcastableShapes(2, SMALL).chain(([sa, sb]) =>
    fc.tuple(arbTensor({ ...a, shape: sa }), arbTensor({ ...b, shape: sb })),
  );
}

function checkBinary(f: (a: Tensor, b: Tensor) => Tensor, a: ArbTensorOptions = {}, b: ArbTensorOptions = {}): void {
  fc.assert(
    fc.property(arbPair(a, b), ([x, y]) => {
      gradcheck(f, [x, y], TOL);
    }),
    RUNS,
  );
}

function checkUnary(f: (x: Tensor) => Tensor, opts: ArbTensorOptions = {}): void {
  fc.assert(
    fc.property(arbTensor({ ...SMALL, ...opts }), (x) => {
      gradcheck(f, [x], TOL);
    }),
    RUNS,
  );
}

describe('gradients of the arithmetic ops (broadcasting included)', () => {
  test('add', () => checkBinary((a, b) => add(a, b)));
  test('sub', () => checkBinary((a, b) => sub(a, b)));
  test('mul', () => checkBinary((a, b) => mul(a, b)));
  // The divisor stays in [0.5, 2] so 1/b² stays moderate.
  test('div', () => checkBinary((a, b) => div(a, b), {}, { min: 0.5, max: 2 }));
  test('div by a negative divisor', () => checkBinary((a, b) => div(a, b), {}, { min: -2, max: -0.5 }));
  // a^b with a tensor exponent needs a positive base (log a in ∂/∂b).
  test('pow with a tensor exponent', () => checkBinary((a, b) => pow(a, b), { min: 0.5, max: 2 }));
  test('neg', () => checkUnary((x) => neg(x)));
  test('square', () => checkUnary((x) => square(x)));
  test('pow with an integer scalar exponent (any sign of base)', () => {
    fc.assert(
      fc.property(arbTensor({ ...SMALL, avoid: [0], margin: 0.2 }), fc.integer({ min: -3, max: 4 }), (x, c) => {
        gradcheck((t) => pow(t, c), [x], TOL);
      }),
      RUNS,
    );
  });
  test('pow with a fractional scalar exponent', () => {
    fc.assert(
      fc.property(
        arbTensor({ ...SMALL, min: 0.3, max: 2 }),
        fc.double({ min: -2.5, max: 2.5, noNaN: true }),
        (x, c) => {
          gradcheck((t) => pow(t, c), [x], TOL);
        },
      ),
      RUNS,
    );
  });
  test('numbers on either side', () => {
    checkUnary((x) => sub(2, mul(3, x)));
    checkUnary((x) => div(1, x), { min: 0.5, max: 2 });
    checkUnary((x) => pow(2, x));
  });
});

describe('forward results (the book)', () => {
  const W = tensor([
    [1, 2],
    [3, 4],
  ]);
  const X = tensor([
    [0, 1],
    [0, 2],
  ]);

  test('W + X and W * X', () => {
    expect(add(W, X).toArray()).toEqual([
      [1, 3],
      [3, 6],
    ]);
    expect(mul(W, X).toArray()).toEqual([
      [0, 2],
      [0, 8],
    ]);
  });

  test('A * 10 broadcasts a scalar', () => {
    expect(mul(W, 10).toArray()).toEqual([
      [10, 20],
      [30, 40],
    ]);
  });

  test('A * B with B = [10, 20] broadcasts a row', () => {
    expect(mul(W, tensor([10, 20])).toArray()).toEqual([
      [10, 40],
      [30, 80],
    ]);
  });

  test('sub, div, neg, pow, square by hand', () => {
    expect(sub(W, tensor([[1], [2]])).toArray()).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(div(tensor([1, 2, 3]), 4).toArray()).toEqual([0.25, 0.5, 0.75]);
    expect(div(6, tensor([2, 3])).toArray()).toEqual([3, 2]);
    expect(neg(tensor([1, -2, 0])).toArray()).toEqual([-1, 2, -0]);
    expect(pow(tensor([2, 3]), 3).toArray()).toEqual([8, 27]);
    expect(pow(tensor([4, 9]), 0.5).toArray()).toEqual([2, 3]);
    expect(pow(2, tensor([0, 1, 10])).toArray()).toEqual([1, 2, 1024]);
    expect(pow(tensor([2, 3]), tensor([[1], [2]])).toArray()).toEqual([
      [2, 3],
      [4, 9],
    ]);
    expect(square(tensor([-3, 0.5])).toArray()).toEqual([9, 0.25]);
    expect(sub(5, 3).item()).toBe(2);
  });

  test('broadcasting follows NumPy: [2,1,3] + [4,3] → [2,4,3]', () => {
    const a = tensor([[[0, 0, 0]], [[100, 100, 100]]]);
    const b = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10, 11, 12],
    ]);
    const c = add(a, b);
    expect(c.shape).toEqual([2, 4, 3]);
    expect(c.toArray()).toEqual([b.toArray(), b.add(100).toArray()]);
  });

  test('methods mirror the functions and accept numbers', () => {
    expect(W.add(1).mul(2).sub(2).div(2).toArray()).toEqual(W.toArray());
    expect(W.pow(2).toArray()).toEqual(square(W).toArray());
    expect(W.neg().toArray()).toEqual(neg(W).toArray());
  });

  test('pow(x, 0) has zero gradient, also at x = 0', () => {
    const x = tensor([0, 2, -1], { dtype: 'float64', requiresGrad: true });
    pow(x, 0).sum().backward();
    expect(pow(x, 0).toArray()).toEqual([1, 1, 1]);
    expect(x.grad!.toArray()).toEqual([0, 0, 0]);
  });

  test('pow with a tensor exponent follows PyTorch at base 0 and exponent 0 (no NaN)', () => {
    const a = tensor([0, 0, 2, 0, 3], { dtype: 'float64', requiresGrad: true });
    const b = tensor([2, 0, 0, 0.5, 2], { dtype: 'float64', requiresGrad: true });
    const y = pow(a, b);
    expect(y.toArray()).toEqual([0, 1, 1, 0, 9]);
    y.sum().backward();
    // ∂/∂a = b·a^(b−1), 0 where b = 0; ∂/∂b = y·log a, 0 where a = 0 and b ≥ 0.
    expect(a.grad!.toArray()).toEqual([0, 0, 0, Infinity, 6]);
    expect(b.grad!.toArray()).toEqual([0, 0, Math.log(2), 0, 9 * Math.log(3)]);
  });

  test('gradient of a broadcast operand is summed over the broadcast axes', () => {
    const a = tensor([[1], [2], [3]], { requiresGrad: true });
    const b = tensor([10, 20], { requiresGrad: true });
    mul(a, b).sum().backward();
    expect(a.grad!.toArray()).toEqual([[30], [30], [30]]);
    expect(b.grad!.toArray()).toEqual([6, 6]);
  });
});

describe('dtype promotion', () => {
  const i = tensor([1, 2], { dtype: 'int32' });
  const f32 = tensor([0.5, 0.5]);
  const f64 = tensor([0.25, 0.25], { dtype: 'float64' });

  test('int32 + float32 → float32, float32 + float64 → float64, int32 + float64 → float64', () => {
    expect(add(i, f32).dtype).toBe('float32');
    expect(add(i, f32).toArray()).toEqual([1.5, 2.5]);
    expect(add(f32, f64).dtype).toBe('float64');
    expect(add(f64, f32).dtype).toBe('float64');
    expect(mul(i, f64).dtype).toBe('float64');
    expect(add(i, i).dtype).toBe('int32');
  });

  test('number operands adopt the tensor dtype', () => {
    expect(add(f32, 1).dtype).toBe('float32');
    expect(add(1, f64).dtype).toBe('float64');
    expect(mul(f64, 0.1).data[0]).toBe(0.25 * 0.1);
    expect(add(i, 1).dtype).toBe('int32');
    expect(add(i, 1).toArray()).toEqual([2, 3]);
  });

  test('a fractional number next to int32 gives float32 (as PyTorch), not a truncated int', () => {
    const r = mul(i, 0.5);
    expect(r.dtype).toBe('float32');
    expect(r.toArray()).toEqual([0.5, 1]);
    expect(add(i, 0.25).toArray()).toEqual([1.25, 2.25]);
  });

  test('int32 division is true division', () => {
    const r = div(tensor([1, 3], { dtype: 'int32' }), tensor([2, 2], { dtype: 'int32' }));
    expect(r.dtype).toBe('float32');
    expect(r.toArray()).toEqual([0.5, 1.5]);
  });

  test('gradients cross the promotion back to each input dtype', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    mul(a, b).sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    expect(a.grad!.toArray()).toEqual([3, 4]);
    expect(b.grad!.toArray()).toEqual([1, 2]);
  });
});
