/** Helpers of the gemm kernel tests (kernels-wasm, kernels-native): inputs and the error measure. */
import { jsBackend } from '../src/kernels';

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
  jsBackend.gemm(absA, 0, absB, 0, scale, 0, m, n, k, transA, transB);
  let worst = 0;
  for (let i = 0; i < m * n; i++) {
    const d = Math.abs(got[cOff + i] - want[cOff + i]);
    worst = Math.max(worst, scale[i] === 0 ? d : d / scale[i]);
  }
  return worst;
}
