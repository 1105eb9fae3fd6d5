import { defineOp, runOp } from '../autograd/op';
import { checkBoolean, checkTensor } from '../check';
import { emptyOverwritten } from '../creation';
import { type TypedArray, promoteTypes } from '../dtype';
import { DTypeError, ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { broadcastShapes, sizeOf } from '../shape';
import { Tensor } from '../tensor';
import { broadcastTo } from './broadcast';
import { astype } from './cast';
import { gemmArgsRecord, releaseGemmArgs } from './grouped-gemm';
import { reshape } from './reshape';

interface MatmulAttrs {
  transA: boolean;
  transB: boolean;
}

// One record for every product: kernels read it only during the call, so it is reused rather
// than allocated per product (figure C, the spiral MLP, runs five products a step).
const args = gemmArgsRecord();

/**
 * @internal C[cOff …] = op(A)·op(B) on raw arrays, A from `aOff`, B from 0 (C is m×n, contiguous,
 * overwritten): for ops that read or write slices of larger buffers in place (the recurrent cells).
 */
export function gemmInto(
  a: TypedArray,
  aOff: number,
  b: TypedArray,
  c: TypedArray,
  cOff: number,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): void {
  args.a = a;
  args.aOff = aOff;
  args.b = b;
  args.bOff = 0;
  args.c = c;
  args.cOff = cOff;
  args.m = m;
  args.n = n;
  args.k = k;
  args.transA = transA;
  args.transB = transB;
  kernels().gemm(args);
  releaseGemmArgs(args);
}

/**
 * @internal op(a)·op(b) as a new tensor, for operands valid for it (equal rank ≥ 2 and batch
 * dims, matching inner dims, one dtype), one gemm per matrix of the batch; no tape.
 */
export function gemmOf(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const r = a.ndim;
  const m = transA ? a.shape[r - 1] : a.shape[r - 2];
  const k = transA ? a.shape[r - 2] : a.shape[r - 1];
  const n = transB ? b.shape[r - 2] : b.shape[r - 1];
  // Matrices (the common case: layers, their backward) skip the batch bookkeeping.
  const batch = r === 2 ? 1 : sizeOf(a.shape.slice(0, r - 2));
  const out = emptyOverwritten(r === 2 ? [m, n] : [...a.shape.slice(0, r - 2), m, n], a.dtype);
  const kern = kernels();
  args.a = a.data;
  args.b = b.data;
  args.c = out.data;
  args.m = m;
  args.n = n;
  args.k = k;
  args.transA = transA;
  args.transB = transB;
  for (let i = 0; i < batch; i++) {
    args.aOff = i * m * k;
    args.bOff = i * k * n;
    args.cOff = i * m * n;
    kern.gemm(args);
  }
  releaseGemmArgs(args);
  return out;
}

/**
 * C = op(A)·op(B) over equal batch dims, op transposing the last two axes when its flag is set.
 * The kernel reads transposed operands in place, and so does backward: dA = dC·op(B)ᵀ and
 * dB = op(A)ᵀ·dC become flag combinations, never materialised transposes.
 */
const matmulOp = defineOp<MatmulAttrs>({
  name: 'matmul',
  forward: ([a, b], { transA, transB }) => gemmOf(a, b, transA, transB),
  backward: (gy, node) => {
    const [a, b] = node.inputs;
    const { transA, transB } = node.attrs;
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (node.needsGrad(0)) ga = transA ? product(b, gy, transB, true) : product(gy, b, false, !transB);
    if (node.needsGrad(1)) gb = transB ? product(gy, a, true, transA) : product(a, gy, !transA, false);
    return [ga, gb];
  },
});

/**
 * @internal The matmul node on operands already valid for it: equal rank ≥ 2, equal batch dims,
 * matching inner dims and one float dtype (backward rules and fused layers, which know).
 */
export function product(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return runOp(matmulOp, [a, b], { transA, transB });
}

/** "a is [2,3], b is [4,5]" for the operands a caller was given, and which it transposes. */
function shapesOf(a: Tensor, b: Tensor, transA: boolean, transB: boolean): string {
  const flags = [transA && 'a', transB && 'b'].filter(Boolean).join(' and ');
  return `a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)}${flags ? ` (${flags} transposed)` : ''}`;
}

/**
 * The checks matmul and matmulT share, on operands of rank ≥ 2 (matmul has already promoted 1-D
 * ones): float dtypes, equal inner dimensions of op(a) and op(b), batch dims that broadcast.
 * Returns the product of the operands cast to one dtype and broadcast to one batch. Errors name
 * the operands the caller was given (`shownA`, `shownB`).
 */
function checkedProduct(
  fn: string,
  a: Tensor,
  b: Tensor,
  transA: boolean,
  transB: boolean,
  shownA = a,
  shownB = b,
): Tensor {
  if (a.dtype === 'int32' || b.dtype === 'int32') {
    throw new DTypeError(
      `${fn}: operands must be float, got a ${a.dtype} ${fmtShape(a.shape)}, b ${b.dtype} ${fmtShape(b.shape)}`,
    );
  }
  const ra = a.ndim;
  const rb = b.ndim;
  if (a.shape[transA ? ra - 2 : ra - 1] !== b.shape[transB ? rb - 1 : rb - 2]) {
    throw new ShapeError(`${fn}: inner dimensions differ: ${shapesOf(shownA, shownB, transA, transB)}`);
  }
  // Two matrices of one dtype (the common case) need no cast and no broadcast.
  if (ra === 2 && rb === 2 && a.dtype === b.dtype) return product(a, b, transA, transB);
  let batch: number[];
  try {
    batch = broadcastShapes(fn, a.shape.slice(0, -2), b.shape.slice(0, -2));
  } catch {
    throw new ShapeError(`${fn}: batch dimensions do not broadcast: ${shapesOf(shownA, shownB, transA, transB)}`);
  }
  const d = promoteTypes(a.dtype, b.dtype);
  const [x, y] = [a, b].map((t) => broadcastTo(t.dtype === d ? t : astype(t, d), [...batch, ...t.shape.slice(-2)]));
  return product(x, y, transA, transB);
}

/**
 * `op(a)·op(b)` where op transposes the last two axes when its flag is set — read in place,
 * never copied: for layers and backward rules. Operands need rank ≥ 2; otherwise it checks
 * and broadcasts exactly as {@link matmul} (float dtypes, promoted; equal inner dimensions;
 * batch dims that broadcast), with the same errors.
 *
 * @example
 * matmulT(x, w, false, true); // x · wᵀ, as a Linear layer with weight [out, in]
 */
export function matmulT(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  checkTensor('matmulT', 'a', a);
  checkTensor('matmulT', 'b', b);
  checkBoolean('matmulT', 'transA', transA);
  checkBoolean('matmulT', 'transB', transB);
  if (a.ndim < 2 || b.ndim < 2) {
    throw new ShapeError(`matmulT: operands must have at least two axes: ${shapesOf(a, b, transA, transB)}`);
  }
  return checkedProduct('matmulT', a, b, transA, transB);
}

/**
 * Matrix product with `np.matmul` semantics: 1-D operands are promoted to a row (a) or a column
 * (b) and the added axis removed; N-d operands are stacks of matrices whose batch dims broadcast.
 *
 * @example
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])); // [[19, 22], [43, 50]]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor('matmul', 'a', a);
  checkTensor('matmul', 'b', b);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: operands must have at least one axis: ${shapesOf(a, b, false, false)}`);
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b;
  let out: Tensor;
  if (b2.ndim === 2 && a2.ndim > 2) {
    // A stack times one matrix is one big matrix product.
    const rows = reshape(a2, [-1, a2.shape[a2.ndim - 1]]);
    out = reshape(checkedProduct('matmul', rows, b2, false, false, a, b), [...a2.shape.slice(0, -1), b2.shape[1]]);
  } else out = checkedProduct('matmul', a2, b2, false, false, a, b);
  if (a.ndim === 1 && b.ndim === 1) return reshape(out, []);
  if (a.ndim === 1) return reshape(out, [...out.shape.slice(0, -2), out.shape[out.ndim - 1]]);
  if (b.ndim === 1) return reshape(out, out.shape.slice(0, -1));
  return out;
}

/**
 * Dot product of two vectors (or `matmul` for higher ranks).
 *
 * @example
 * dot(tensor([1, 2, 3]), tensor([4, 5, 6])); // 32
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  return matmul(a, b);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The matrix product with `other`, as `np.matmul`: {@link matmul}.
     *
     * @example
     * tensor([[1, 2]]).matmul(tensor([[3], [4]])); // [[11]]
     */
    matmul(other: Tensor): Tensor;
    /**
     * The dot product of two vectors (matmul for higher ranks): {@link dot}.
     *
     * @example
     * tensor([1, 2, 3]).dot(tensor([4, 5, 6])); // 32
     */
    dot(other: Tensor): Tensor;
  }
}

Tensor.prototype.matmul = function (other) {
  return matmul(this, other);
};
Tensor.prototype.dot = function (other) {
  return dot(this, other);
};
