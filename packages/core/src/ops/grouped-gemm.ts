import type { TypedArray } from '../dtype';
import { type GemmArgs, kernels } from '../kernels';

const NONE = new Float32Array(0);

/**
 * @internal A GemmArgs record to reuse for every product of a module: kernels read it only
 * during the call, so it is filled per call rather than allocated (call {@link releaseGemmArgs}
 * after, so it holds no operand).
 */
export function gemmArgsRecord(): GemmArgs {
  return { a: NONE, aOff: 0, b: NONE, bOff: 0, c: NONE, cOff: 0, m: 0, n: 0, k: 0, transA: false, transB: false };
}

/** @internal Drops a record's operands (see {@link gemmArgsRecord}). */
export function releaseGemmArgs(args: GemmArgs): void {
  args.a = args.b = args.c = NONE;
}

const args = gemmArgsRecord();

/**
 * @internal For each of `batch` items and `groups` groups: C[i, g] (m×n) = op(A[g])·B[i, g], A
 * holding one m×k matrix per group (stored k×m when `transA`: a transposed convolution's weight),
 * B one k×n matrix per item and group, C one m×n; all contiguous. The products of a grouped
 * convolution over a batch, straight on the gemm kernel.
 */
export function groupedGemm(
  a: TypedArray,
  b: TypedArray,
  c: TypedArray,
  batch: number,
  groups: number,
  m: number,
  n: number,
  k: number,
  transA = false,
): void {
  const kern = kernels();
  args.a = a;
  args.b = b;
  args.c = c;
  args.m = m;
  args.n = n;
  args.k = k;
  args.transA = transA;
  args.transB = false;
  for (let i = 0; i < batch; i++) {
    for (let g = 0; g < groups; g++) {
      args.aOff = g * m * k;
      args.bOff = (i * groups + g) * k * n;
      args.cOff = (i * groups + g) * m * n;
      kern.gemm(args);
    }
  }
  releaseGemmArgs(args);
}
