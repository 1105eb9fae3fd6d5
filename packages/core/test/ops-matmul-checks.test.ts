import fc from 'fast-check';
import {
  DTypeError,
  type KernelBackend,
  ShapeError,
  type Tensor,
  ValueError,
  jsBackend,
  makeNativeBackend,
  makeWasmBackend,
  matmul,
  matmulT,
  ones,
  randn,
  setBackend,
  transpose,
  zeros,
} from '@tapegrad/core';

// matmulT checks its operands exactly as matmul does — float dtypes, equal inner dimensions,
// batch dims that broadcast — with the same typed errors naming both shapes, on every backend:
// the checks are the op's, before any kernel runs.
const backends = [jsBackend, makeWasmBackend(1), makeNativeBackend(1)].filter((b): b is KernelBackend => b !== null);

function onEachBackend(fn: () => void): void {
  for (const be of backends) {
    const prev = setBackend(be);
    try {
      fn();
    } finally {
      setBackend(prev);
    }
  }
}

/** `x` with its last two axes swapped (materialised), the reference for a transposed operand. */
const swapLast = (x: Tensor): Tensor =>
  transpose(
    x,
    [...x.shape.keys()].map((i) => (i < x.ndim - 2 ? i : 2 * x.ndim - 3 - i)),
  );

test('the reported case: [2,3] · [4,5] is a ShapeError naming both shapes, on every backend', () => {
  expect(backends.map((b) => b.name)).toContain('js');
  onEachBackend(() => {
    expect(() => matmulT(ones([2, 3]), ones([4, 5]), false, false)).toThrow(ShapeError);
    expect(() => matmulT(ones([2, 3]), ones([4, 5]), false, false)).toThrow(
      'matmulT: inner dimensions differ: a is [2,3], b is [4,5]',
    );
    expect(() => matmul(ones([2, 3]), ones([4, 5]))).toThrow('matmul: inner dimensions differ: a is [2,3], b is [4,5]');
    expect(() => matmulT(ones([3, 2]), ones([4, 5]), true, true)).toThrow(
      'matmulT: inner dimensions differ: a is [3,2], b is [4,5] (a and b transposed)',
    );
  });
});

test('dtypes, ranks, batch dims and flags get the same typed errors as matmul', () => {
  onEachBackend(() => {
    const i32 = zeros([2, 2], { dtype: 'int32' });
    expect(() => matmulT(i32, ones([2, 2]), false, false)).toThrow(DTypeError);
    expect(() => matmulT(i32, ones([2, 2]), false, false)).toThrow(
      'matmulT: operands must be float, got a int32 [2,2], b float32 [2,2]',
    );
    expect(() => matmulT(ones([3]), ones([3, 2]), false, false)).toThrow(
      'matmulT: operands must have at least two axes: a is [3], b is [3,2]',
    );
    expect(() => matmulT(ones([2, 2, 3]), ones([3, 3, 4]), false, false)).toThrow(
      'matmulT: batch dimensions do not broadcast: a is [2,2,3], b is [3,3,4]',
    );
    expect(() => matmul(ones([2, 2, 3]), ones([3, 3, 4]))).toThrow(
      'matmul: batch dimensions do not broadcast: a is [2,2,3], b is [3,3,4]',
    );
    expect(() => matmulT(ones([2, 2]), ones([2, 2]), 1 as unknown as boolean, false)).toThrow(ValueError);
    expect(() => matmulT(ones([2, 2]), [[1]] as unknown as Tensor, false, false)).toThrow(
      'matmulT: b must be a Tensor, got [[…]]',
    );
  });
});

test('batch dims broadcast and float dtypes promote, as in matmul', () => {
  const a = randn([2, 1, 4, 3], { dtype: 'float64' });
  const b = randn([5, 2, 4]);
  onEachBackend(() => {
    const got = matmulT(a, b, true, true);
    const want = matmul(swapLast(a), swapLast(b));
    expect(got.shape).toEqual([2, 5, 3, 2]);
    expect(got.dtype).toBe('float64');
    Array.from(got.data).forEach((v, i) => expect(v).toBeCloseTo(want.data[i], 5));
  });
});

// Random operand pairs of rank 2–4 with dims 1–4 and random flags; most are invalid. The valid
// ones equal matmul of the materialised transposes; the invalid ones are a ShapeError naming both
// shapes (and nothing is computed) on every backend.
const arbPair = fc.tuple(
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
  fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
  fc.boolean(),
  fc.boolean(),
);

function valid(sa: number[], sb: number[], ta: boolean, tb: boolean): boolean {
  const inner = sa[ta ? sa.length - 2 : sa.length - 1] === sb[tb ? sb.length - 1 : sb.length - 2];
  const ba = sa.slice(0, -2).reverse();
  const bb = sb.slice(0, -2).reverse();
  const batch = ba.every((d, i) => i >= bb.length || d === bb[i] || d === 1 || bb[i] === 1);
  return inner && batch;
}

test('property: over random shapes, bad pairs are a ShapeError naming both shapes; good ones compute', () => {
  let bad = 0;
  fc.assert(
    fc.property(arbPair, ([sa, sb, ta, tb]) => {
      const a = randn(sa, { dtype: 'float64' });
      const b = randn(sb, { dtype: 'float64' });
      onEachBackend(() => {
        if (valid(sa, sb, ta, tb)) {
          const got = matmulT(a, b, ta, tb);
          const want = matmul(ta ? swapLast(a) : a, tb ? swapLast(b) : b);
          expect(got.shape).toEqual(want.shape);
          Array.from(got.data).forEach((v, i) => expect(v).toBeCloseTo(want.data[i], 10));
          return;
        }
        let err: unknown = null;
        try {
          matmulT(a, b, ta, tb);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(ShapeError);
        expect((err as Error).message).toContain(`a is [${sa.join(',')}], b is [${sb.join(',')}]`);
      });
      if (!valid(sa, sb, ta, tb)) bad++;
    }),
    { numRuns: 200 },
  );
  expect(bad).toBeGreaterThan(50);
});
