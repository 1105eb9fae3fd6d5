import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { normalizeAxes, reducedShape, sizeOf, splitAt } from '../shape';
import { Tensor } from '../tensor';
import type { TypedArray } from '../dtype';
import { checkBoolean, checkTensor } from '../check';
import { broadcastTo } from './broadcast';
import { astype } from './cast';
import { joinInt32, splitInt32 } from './int32-sum';
import { div } from './div';
import { reshape } from './reshape';

/** Axis argument of the reductions: one axis, several, or all (undefined/null). */
export type AxisArg = number | readonly number[] | null | undefined;

/**
 * Reduces `x` over `axes` (sorted) one axis at a time, last first, with a single-axis kernel.
 * Shared by sum, max and min.
 */
export function reduceAxes(
  x: Tensor,
  axes: readonly number[],
  keepdims: boolean,
  kernel: (src: TypedArray, outer: number, len: number, inner: number, out: TypedArray) => void,
): Tensor {
  let cur = x.data;
  const shape = [...x.shape];
  for (let k = axes.length - 1; k >= 0; k--) {
    const [outer, len, inner] = splitAt(shape, axes[k]);
    const next = empty([outer * inner], x.dtype).data;
    kernel(cur, outer, len, inner, next);
    cur = next;
    shape[axes[k]] = 1;
  }
  const out = empty(reducedShape(x.shape, axes, keepdims), x.dtype);
  out.data.set(cur);
  return out;
}

/** Sum's backward is a broadcast of gy back over the summed axes (the book's Repeat). */
const sumOp = defineOp<{ axes: number[]; keepdims: boolean }>({
  name: 'sum',
  forward: ([x], { axes, keepdims }) => reduceAxes(x, axes, keepdims, kernels().sumAxis),
  backward: (gy, node) => {
    const x = node.inputs[0];
    const { axes } = node.attrs;
    return [broadcastTo(reshape(gy, reducedShape(x.shape, axes, true)), x.shape)];
  },
});

/**
 * Sum over `axis` (a number, a list, or all when omitted), keeping reduced axes as 1 when
 * `keepdims`.
 *
 * @example
 * sum(tensor([[1, 2], [3, 4]]), 0); // [4, 6]
 */
export function sum(x: Tensor, axis?: AxisArg, keepdims = false): Tensor {
  checkTensor('sum', 'x', x);
  const axes = normalizeAxes('sum', axis, x.ndim);
  checkBoolean('sum', 'keepdims', keepdims);
  // int32 never requires grad: no node, an exact sum or a ValueError (see int32-sum.ts).
  if (x.dtype === 'int32') {
    const parts = splitInt32(x).map((p) => reduceAxes(p, axes, keepdims, kernels().sumAxis));
    return joinInt32(x, parts[0], parts[1]);
  }
  return runOp(sumOp, [x], { axes, keepdims });
}

/**
 * Arithmetic mean over `axis` (all when omitted). Composite: sum / count (a true division, so
 * the result is correctly rounded as NumPy's, and int32 input gives float32).
 *
 * @example
 * mean(tensor([1, 2, 3, 4])); // 2.5
 */
export function mean(x: Tensor, axis?: AxisArg, keepdims = false): Tensor {
  checkTensor('mean', 'x', x);
  const axes = normalizeAxes('mean', axis, x.ndim);
  checkBoolean('mean', 'keepdims', keepdims);
  const count = sizeOf(axes.map((a) => x.shape[a]));
  // An int32 mean is float32; summed in float64, it cannot overflow.
  if (x.dtype === 'int32') return astype(div(sum(astype(x, 'float64'), axes, keepdims), count), 'float32');
  return div(sum(x, axes, keepdims), count);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The sum over `axis` (default all): {@link sum}.
     *
     * @example
     * tensor([[1, 2], [3, 4]]).sum(0); // [4, 6]
     */
    sum(axis?: number | number[] | null, keepdims?: boolean): Tensor;
    /**
     * The mean over `axis` (default all): {@link mean}.
     *
     * @example
     * tensor([1, 2, 3]).mean(); // 2
     */
    mean(axis?: number | number[] | null, keepdims?: boolean): Tensor;
  }
}

Tensor.prototype.sum = function (axis, keepdims = false) {
  return sum(this, axis, keepdims);
};
Tensor.prototype.mean = function (axis, keepdims = false) {
  return mean(this, axis, keepdims);
};
