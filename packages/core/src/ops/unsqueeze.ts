import { checkAxis, checkTensor } from '../check';
import { Tensor } from '../tensor';
import { reshape } from './reshape';

/**
 * `x` with a new axis of extent 1 at `axis` (PyTorch's `unsqueeze`; valid axes −ndim−1 … ndim,
 * −1 appending). Shares storage, as reshape.
 *
 * @example
 * unsqueeze(zeros([3, 4]), 1).shape; // [3, 1, 4]
 * unsqueeze(zeros([3]), -1).shape; // [3, 1]
 */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  checkTensor('unsqueeze', 'x', x);
  const a = checkAxis('unsqueeze', 'axis', axis, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * A new axis of extent 1 at `axis`: {@link unsqueeze}.
     *
     * @example
     * zeros([3]).unsqueeze(0).shape; // [1, 3]
     */
    unsqueeze(axis: number): Tensor;
  }
}

Tensor.prototype.unsqueeze = function (axis) {
  return unsqueeze(this, axis);
};
