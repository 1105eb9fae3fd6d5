import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { DTypeError, ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { broadcastShapes, sizeOf } from '../shape';
import type { Tensor } from '../tensor';
import { broadcastTo } from './broadcast';
import { astype } from './cast';
import { promoteTypes } from '../dtype';
import { reshape } from './reshape';

interface MatmulAttrs {
  transA: boolean;
  transB: boolean;
}

/**
 * C = op(A)·op(B) over equal batch dims, op transposing the last two axes when its flag is set.
 * The kernel reads transposed operands in place, and so does backward: dA = dC·op(B)ᵀ and
 * dB = op(A)ᵀ·dC become flag combinations, never materialised transposes.
 */
const matmulOp = defineOp<MatmulAttrs>({
  name: 'matmul',
  forward: ([a, b], { transA, transB }) => {
    const r = a.ndim;
    const m = transA ? a.shape[r - 1] : a.shape[r - 2];
    const k = transA ? a.shape[r - 2] : a.shape[r - 1];
    const n = transB ? b.shape[r - 2] : b.shape[r - 1];
    const batch = sizeOf(a.shape.slice(0, r - 2));
    const out = empty([...a.shape.slice(0, r - 2), m, n], a.dtype);
    const kern = kernels();
    for (let i = 0; i < batch; i++) {
      kern.gemm({
        a: a.data,
        aOff: i * m * k,
        b: b.data,
        bOff: i * k * n,
        c: out.data,
        cOff: i * m * n,
        m,
        n,
        k,
        transA,
        transB,
      });
    }
    return out;
  },
  backward: (gy, node) => {
    const [a, b] = node.inputs;
    const { transA, transB } = node.attrs;
    let ga: Tensor | null = null;
    let gb: Tensor | null = null;
    if (node.needsGrad(0)) ga = transA ? matmulT(b, gy, transB, true) : matmulT(gy, b, false, !transB);
    if (node.needsGrad(1)) gb = transB ? matmulT(gy, a, true, transA) : matmulT(a, gy, !transA, false);
    return [ga, gb];
  },
});

/**
 * `op(a)·op(b)` for operands of equal rank ≥ 2 and equal batch dims, where op transposes the
 * last two axes when the flag is set — without copying. For layers and backward rules.
 *
 * @example
 * matmulT(x, w, false, true); // x · wᵀ, as a Linear layer with weight [out, in]
 */
export function matmulT(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return runOp(matmulOp, [a, b], { transA, transB });
}

/**
 * Matrix product with `np.matmul` semantics: 1-D operands are promoted to a row (a) or a column
 * (b) and the added axis removed; N-d operands are stacks of matrices whose batch dims broadcast.
 *
 * @example
 * matmul(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]])); // [[19, 22], [43, 50]]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(
      `matmul: operands must have at least one axis: a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)}`,
    );
  }
  if (a.dtype === 'int32' || b.dtype === 'int32') {
    throw new DTypeError(
      `matmul: operands must be float, got a ${a.dtype} ${fmtShape(a.shape)}, b ${b.dtype} ${fmtShape(b.shape)}`,
    );
  }
  const ka = a.shape[a.ndim - 1];
  const kb = b.ndim === 1 ? b.shape[0] : b.shape[b.ndim - 2];
  if (ka !== kb) {
    throw new ShapeError(`matmul: inner dimensions differ: a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)}`);
  }
  if (a.dtype !== b.dtype) {
    const d = promoteTypes(a.dtype, b.dtype);
    a = astype(a, d);
    b = astype(b, d);
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, ka]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [kb, 1]) : b;
  let out: Tensor;
  if (b2.ndim === 2 && a2.ndim > 2) {
    // A stack times one matrix is one big matrix product.
    const rows = reshape(a2, [-1, ka]);
    out = reshape(matmulT(rows, b2, false, false), [...a2.shape.slice(0, -1), b2.shape[1]]);
  } else {
    let batch: number[];
    try {
      batch = broadcastShapes('matmul', a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    } catch {
      throw new ShapeError(
        `matmul: batch dimensions do not broadcast: a is ${fmtShape(a.shape)}, b is ${fmtShape(b.shape)}`,
      );
    }
    const ab = broadcastTo(a2, [...batch, ...a2.shape.slice(-2)]);
    const bb = broadcastTo(b2, [...batch, ...b2.shape.slice(-2)]);
    out = matmulT(ab, bb, false, false);
  }
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
