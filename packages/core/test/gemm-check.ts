/** Helpers of the gemm kernel tests (kernels-wasm, kernels-native): inputs and the error measure. */
import fc from 'fast-check';
import { jsBackend, type GemmArgs, type KernelBackend } from '../src/kernels';

/** n deterministic values in [−1, 1) from `seed` (a linear congruential generator). */
export function filled(n: number, seed: number): Float32Array;
export function filled(n: number, seed: number, ctor: typeof Float64Array): Float64Array;
export function filled(
  n: number,
  seed: number,
  ctor: typeof Float32Array | typeof Float64Array = Float32Array,
): Float32Array | Float64Array {
  const x = new ctor(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

/**
 * GemmArgs for C (m×n) = op(A)·op(B) with offsets 0 and no transposes unless `more` says so.
 *
 * @example
 * jsBackend.gemm(gemmArgs(a, b, c, 2, 2, 3, { transB: true }));
 */
export function gemmArgs(
  a: GemmArgs['a'],
  b: GemmArgs['b'],
  c: GemmArgs['c'],
  m: number,
  n: number,
  k: number,
  more: Partial<GemmArgs> = {},
): GemmArgs {
  return { a, aOff: 0, b, bOff: 0, c, cOff: 0, m, n, k, transA: false, transB: false, ...more };
}

/**
 * Max over C of |got − want| / Σ_p |op(A)[i,p]|·|op(B)[p,j]|: the error of a dot product relative
 * to the size of its terms, the measure that float32 rounding actually bounds.
 */
export function gemmError(
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  got: Float32Array,
  want: Float32Array,
  cOff: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): number {
  // Σ_p |op(A)[i,p]|·|op(B)[p,j]| is itself a product, of the absolute values, in float64.
  const absA = Float64Array.from(a.subarray(aOff, aOff + m * k), Math.abs);
  const absB = Float64Array.from(b.subarray(bOff, bOff + k * n), Math.abs);
  const scale = new Float64Array(m * n);
  jsBackend.gemm({ a: absA, aOff: 0, b: absB, bOff: 0, c: scale, cOff: 0, m, n, k, transA, transB });
  let worst = 0;
  for (let i = 0; i < m * n; i++) {
    const d = Math.abs(got[cOff + i] - want[cOff + i]);
    worst = Math.max(worst, scale[i] === 0 ? d : d / scale[i]);
  }
  return worst;
}

/**
 * `be.gemm` against the JS reference on the same deterministic operands, placed at the given
 * offsets [a, b, c] in longer arrays: error ≤ 1e-5 (gemmError), and nothing outside C's block
 * touched.
 */
export function expectGemmMatchesJs(
  be: KernelBackend,
  m: number,
  n: number,
  k: number,
  tA: boolean,
  tB: boolean,
  offs: number[],
  seed: number,
): void {
  const [aOff, bOff, cOff] = offs;
  const a = filled(aOff + m * k + 3, seed);
  const b = filled(bOff + k * n + 3, seed + 1);
  const want = filled(cOff + m * n + 5, seed + 2);
  const got = want.slice();
  const args = { a, aOff, b, bOff, cOff, m, n, k, transA: tA, transB: tB };
  jsBackend.gemm({ ...args, c: want });
  be.gemm({ ...args, c: got });
  expect(gemmError(a, aOff, b, bOff, got, want, cOff, m, n, k, tA, tB)).toBeLessThanOrEqual(1e-5);
  for (let i = 0; i < cOff; i++) expect(got[i]).toBe(want[i]);
  for (let i = cOff + m * n; i < got.length; i++) expect(got[i]).toBe(want[i]);
}

/**
 * The cases every gemm kernel must get exactly right: k = 0 gives zeros, m or n = 0 writes
 * nothing, a hand-computed 2×2 product, and float64 operands, which run the JS kernel.
 */
export function expectGemmEdgeCases(be: KernelBackend): void {
  const c = new Float32Array([5, 5, 5, 5, 5, 5, 5]);
  be.gemm(gemmArgs(new Float32Array(0), new Float32Array(0), c, 2, 3, 0, { cOff: 1 }));
  expect(Array.from(c)).toEqual([5, 0, 0, 0, 0, 0, 0]);
  be.gemm(gemmArgs(new Float32Array(4), new Float32Array(4), c, 0, 2, 2));
  expect(c[0]).toBe(5);
  const c2 = new Float32Array(4);
  be.gemm(gemmArgs(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), c2, 2, 2, 2));
  expect(Array.from(c2)).toEqual([19, 22, 43, 50]);
  const a = filled(30, 3, Float64Array);
  const b = filled(30, 4, Float64Array);
  const want = new Float64Array(25);
  const got = new Float64Array(25);
  jsBackend.gemm(gemmArgs(a, b, want, 5, 5, 6, { transA: true }));
  be.gemm(gemmArgs(a, b, got, 5, 5, 6, { transA: true }));
  expect(got).toEqual(want);
}

/**
 * A random gemm case for expectGemmMatchesJs: [m, n, k, transA, transB, offsets, seed], sizes
 * mostly small (1–12, the edge paths) or up to `max`.
 */
export function gemmCases(max: number): fc.Arbitrary<[number, number, number, boolean, boolean, number[], number]> {
  const dims = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max }));
  return fc.tuple(
    dims,
    dims,
    dims,
    fc.boolean(),
    fc.boolean(),
    fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 3, maxLength: 3 }),
    fc.integer({ min: 1, max: 1e6 }),
  );
}
