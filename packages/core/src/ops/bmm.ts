import { checkTensor } from '../check';
import { ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor';
import { matmul } from './matmul';

/**
 * Batched matrix product of two 3-D tensors with the same batch (PyTorch's `torch.bmm`):
 * `[B, n, m] @ [B, m, p] → [B, n, p]`. {@link matmul} already runs stacks of products (one gemm
 * per matrix, batch dims broadcast); bmm is its strict form, which refuses anything else.
 *
 * @example
 * bmm(zeros([8, 2, 3]), zeros([8, 3, 4])).shape; // [8, 2, 4]
 */
export function bmm(a: Tensor, b: Tensor): Tensor {
  checkTensor('bmm', 'a', a, { ndim: 3, dtype: ['float32', 'float64'] });
  checkTensor('bmm', 'b', b, { ndim: 3, dtype: ['float32', 'float64'] });
  if (a.shape[0] !== b.shape[0] || a.shape[2] !== b.shape[1]) {
    throw new ShapeError(
      `bmm: expected a [B, n, m] and b [B, m, p], got a ${fmtShape(a.shape)} and b ${fmtShape(b.shape)}`,
    );
  }
  return matmul(a, b);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The batched matrix product with `other` (both 3-D, one batch): {@link bmm}.
     *
     * @example
     * zeros([8, 2, 3]).bmm(zeros([8, 3, 4])).shape; // [8, 2, 4]
     */
    bmm(other: Tensor): Tensor;
  }
}

Tensor.prototype.bmm = function (other) {
  return bmm(this, other);
};
