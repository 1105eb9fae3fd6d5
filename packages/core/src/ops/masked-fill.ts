import { type Op, defineOp, runOp } from '../autograd/op';
import { checkNumber, checkTensor } from '../check';
import { empty } from '../creation';
import { ShapeError, fmtShape } from '../errors';
import { broadcastsTo } from './broadcast';
import { kernels } from '../kernels';
import { shapesEqual } from '../shape';
import { Tensor } from '../tensor';

/** Strides that read `from` (NumPy-broadcastable to `to`) as a tensor of shape `to`. */
function broadcastStrides(from: readonly number[], to: readonly number[]): number[] {
  const strides = new Array<number>(to.length).fill(0);
  let s = 1;
  for (let i = from.length - 1; i >= 0; i--) {
    strides[to.length - from.length + i] = from[i] === 1 ? 0 : s;
    s *= from[i];
  }
  return strides;
}

/**
 * The mask is an input of the node (never differentiated), so a tracer sees where it came from.
 * The rule is the same fill with 0: linear in gy, so every derivative is one node again.
 */
const maskedFillOp: Op<{ value: number }> = defineOp<{ value: number }>({
  name: 'maskedFill',
  forward: ([x, mask], { value }) => {
    const kern = kernels();
    let m = mask.data;
    if (!shapesEqual(mask.shape, x.shape)) {
      m = empty(x.shape, mask.dtype).data;
      kern.stridedCopy(mask.data, 0, broadcastStrides(mask.shape, x.shape), x.shape, m);
    }
    const filled = empty(x.shape, x.dtype).data.fill(value);
    const out = empty(x.shape, x.dtype);
    kern.where(m, filled, x.data, out.data);
    return out;
  },
  backward: (gy, node) => [runOp(maskedFillOp, [gy, node.inputs[1]], { value: 0 }), null],
});

/**
 * `x` with `value` wherever `mask` is non-zero (PyTorch's `masked_fill`; tapegrad has no bool
 * dtype, so any dtype's 1/0 serves). `mask` must broadcast to x's shape; the result has x's
 * shape and dtype. The usual attention mask: `scores.maskedFill(causal, -Infinity)`.
 *
 * @example
 * maskedFill(tensor([1, 2, 3]), tensor([0, 1, 0], { dtype: 'int32' }), -1); // [1, -1, 3]
 */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  checkTensor('maskedFill', 'x', x);
  checkTensor('maskedFill', 'mask', mask);
  checkNumber('maskedFill', 'value', value, { finite: false });
  if (!broadcastsTo(mask.shape, x.shape)) {
    throw new ShapeError(
      `maskedFill: mask of shape ${fmtShape(mask.shape)} does not broadcast to x's shape ${fmtShape(x.shape)}`,
    );
  }
  return runOp(maskedFillOp, [x, mask], { value });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * This tensor with `value` where `mask` is non-zero: {@link maskedFill}.
     *
     * @example
     * tensor([1, 2]).maskedFill(tensor([1, 0]), 0); // [0, 2]
     */
    maskedFill(mask: Tensor, value: number): Tensor;
  }
}

Tensor.prototype.maskedFill = function (mask, value) {
  return maskedFill(this, mask, value);
};
