import { checkTensor, describe } from '../check';
import { ShapeError, fmtShape } from '../errors';
import { Tensor } from '../tensor';
import { transpose } from './transpose';
import { shapeArgs } from './util';

/**
 * The axes of `x` reordered: output axis i is input axis `dims[i]` (PyTorch's `permute`; negative
 * axes count from the end). Every axis must appear exactly once. A transpose node.
 *
 * @example
 * permute(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor('permute', 'x', x);
  const n = x.ndim;
  const ok =
    Array.isArray(dims) &&
    dims.length === n &&
    dims.every((d) => Number.isInteger(d) && d >= -n && d < n) &&
    new Set(dims.map((d) => (d < 0 ? d + n : d))).size === n;
  if (!ok) {
    throw new ShapeError(
      `permute: dims ${describe(dims)} are not a permutation of the ${n} axes of x ${fmtShape(x.shape)}`,
    );
  }
  return transpose(x, dims);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The axes reordered, output axis i being axis `dims[i]`: {@link permute}.
     *
     * @example
     * zeros([2, 3, 4]).permute(2, 0, 1).shape; // [4, 2, 3]
     */
    permute(...dims: number[] | [readonly number[]]): Tensor;
  }
}

Tensor.prototype.permute = function (...dims) {
  return permute(this, shapeArgs(dims));
};
