import { type Op, defineOp, runOp } from '../autograd/op';
import { checkAxis, checkTensor } from '../check';
import { empty } from '../creation';
import { ValueError, fmtShape } from '../errors';
import { INT32_MAX, INT32_MIN } from '../int32';
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
 * int32 running sums, exact in float64 and refused where one leaves int32's range (as `sum`
 * refuses its overflow: tapegrad has no int64 to widen to, see int32-sum.ts).
 */
function int32Cumsum(x: Tensor, axis: number): Tensor {
  const wide = new Float64Array(x.size);
  const [outer, len, inner] = splitAt(x.shape, axis);
  kernels().cumsumAxis(Float64Array.from(x.data), outer, len, inner, false, wide);
  const out = empty(x.shape, 'int32');
  for (let i = 0; i < wide.length; i++) {
    if (wide[i] < INT32_MIN || wide[i] > INT32_MAX) {
      throw new ValueError(
        `cumsum: a running sum of the int32 tensor of shape ${fmtShape(x.shape)} is ${wide[i]}, beyond int32's range ` +
          `[${INT32_MIN}, ${INT32_MAX}]; use x.astype('float64') instead (exact up to 2^53)`,
      );
    }
    out.data[i] = wide[i];
  }
  return out;
}

/**
 * Running sums along `axis` (PyTorch's `torch.cumsum(x, dim)`): element i is the sum of elements
 * 0 … i. int32 stays int32, and a running sum beyond int32's range is a ValueError (not a wrap).
 *
 * @example
 * cumsum(tensor([1, 2, 3]), 0); // [1, 3, 6]
 * cumsum(tensor([[1, 2], [3, 4]]), 1); // [[1, 3], [3, 7]]
 */
export function cumsum(x: Tensor, axis: number): Tensor {
  checkTensor('cumsum', 'x', x);
  const a = checkAxis('cumsum', 'axis', axis, x.ndim);
  if (x.dtype === 'int32') return int32Cumsum(x, a);
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
