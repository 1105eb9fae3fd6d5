import { type Op, defineOp, runOp } from '../autograd/op';
import { checkAxis, checkTensor } from '../check';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { splitAt } from '../shape';
import { Tensor } from '../tensor';

/**
 * cumsum's adjoint is the running sum from the other end (reverse), whose adjoint is cumsum
 * again, so every derivative is one node.
 */
const cumsumOp: Op<{ axis: number; reverse: boolean }> = defineOp<{ axis: number; reverse: boolean }>({
  name: 'cumsum',
  forward: ([x], { axis, reverse }) => {
    const out = empty(x.shape, x.dtype);
    const [outer, len, inner] = splitAt(x.shape, axis);
    kernels().cumsumAxis(x.data, outer, len, inner, reverse, out.data);
    return out;
  },
  backward: (gy, node) => [runOp(cumsumOp, [gy], { axis: node.attrs.axis, reverse: !node.attrs.reverse })],
});

/**
 * Running sums along `axis` (PyTorch's `torch.cumsum(x, dim)`): element i is the sum of elements
 * 0 … i. int32 stays int32.
 *
 * @example
 * cumsum(tensor([1, 2, 3]), 0); // [1, 3, 6]
 * cumsum(tensor([[1, 2], [3, 4]]), 1); // [[1, 3], [3, 7]]
 */
export function cumsum(x: Tensor, axis: number): Tensor {
  checkTensor('cumsum', 'x', x);
  const a = checkAxis('cumsum', 'axis', axis, x.ndim);
  return runOp(cumsumOp, [x], { axis: a, reverse: false });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * Running sums along `axis`: {@link cumsum}.
     *
     * @example
     * tensor([1, 2, 3]).cumsum(0); // [1, 3, 6]
     */
    cumsum(axis: number): Tensor;
  }
}

Tensor.prototype.cumsum = function (axis) {
  return cumsum(this, axis);
};
