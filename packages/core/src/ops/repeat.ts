import { defineOp, runOp } from '../autograd/op';
import { checkAllocation, checkInteger, checkTensor } from '../check';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { splitAt, normalizeAxis } from '../shape';
import { Tensor } from '../tensor';
import { flatten, reshape } from './reshape';
import { sum } from './sum';

/**
 * The book's Repeat node: each slice along `axis` is repeated `repeats` times in a row, as
 * `np.repeat`. Its backward sums each run of copies: reshape gy to [..., len, repeats, ...] and
 * sum the repeats axis.
 */
const repeatOp = defineOp<{ repeats: number; axis: number }>({
  name: 'repeat',
  forward: ([x], { repeats, axis }) => {
    const [outer, len, inner] = splitAt(x.shape, axis);
    const shape = [...x.shape];
    shape[axis] *= repeats;
    const out = empty(shape, x.dtype);
    kernels().repeatAxis(x.data, outer, len, inner, repeats, out.data);
    return out;
  },
  backward: (gy, node) => {
    const x = node.inputs[0];
    const { repeats, axis } = node.attrs;
    const split = [...x.shape.slice(0, axis), x.shape[axis], repeats, ...x.shape.slice(axis + 1)];
    return [reshape(sum(reshape(gy, split), axis + 1), x.shape)];
  },
});

/**
 * Repeats each element `repeats` times along `axis` (over the flattened tensor when omitted),
 * like `np.repeat`.
 *
 * @example
 * repeat(tensor([[1, 2]]), 3, 0); // [[1, 2], [1, 2], [1, 2]]
 */
export function repeat(x: Tensor, repeats: number, axis?: number | null): Tensor {
  checkTensor('repeat', 'x', x);
  checkInteger('repeat', 'repeats', repeats, { min: 0 });
  // Over the flattened tensor, as np.repeat; a scalar has nothing else to repeat along.
  if (axis === undefined || axis === null || x.ndim === 0) {
    if (axis !== undefined && axis !== null) normalizeAxis('repeat', axis, 0);
    return repeat(flatten(x), repeats, 0);
  }
  const a = normalizeAxis('repeat', axis, x.ndim);
  checkAllocation(
    'repeat',
    x.shape.map((d, i) => (i === a ? d * repeats : d)),
    x.dtype,
  );
  return runOp(repeatOp, [x], { repeats, axis: a });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * Each element (or slice along `axis`) repeated `repeats` times, as `np.repeat`: {@link repeat}.
     *
     * @example
     * tensor([1, 2]).repeat(2); // [1, 1, 2, 2]
     */
    repeat(repeats: number, axis?: number | null): Tensor;
  }
}

Tensor.prototype.repeat = function (repeats, axis) {
  return repeat(this, repeats, axis);
};
