import { defineOp, runOp } from '../autograd/op';
import { checkTensor, describe } from '../check';
import { ShapeError, fmtShape } from '../errors';
import { normalizeAxes, normalizeAxis, shapesEqual, sizeOf } from '../shape';
import { Tensor, viewOf } from '../tensor';
import { shapeArgs } from './util';

/** Reshape shares the input's storage (tensors are contiguous), so it costs no copy. */
const reshapeOp = defineOp<{ shape: readonly number[] }>({
  name: 'reshape',
  forward: ([x], { shape }) => viewOf(x, shape),
  backward: (gy, node) => [reshape(gy, node.inputs[0].shape)],
});

/**
 * The same elements in a new shape; one extent may be −1 (inferred). Shares storage.
 *
 * @example
 * reshape(arange(6), [2, -1]); // shape [2, 3]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('reshape', 'x', x);
  if (!Array.isArray(shape))
    throw new ShapeError(`reshape: shape must be an array of integers, got ${describe(shape)}`);
  const target = [...shape];
  const unknown = target.indexOf(-1);
  if (unknown >= 0) {
    const rest = sizeOf(target.filter((_, i) => i !== unknown));
    if (target.indexOf(-1, unknown + 1) >= 0 || rest === 0 || x.size % rest !== 0) {
      throw new ShapeError(`reshape: cannot reshape x of shape ${fmtShape(x.shape)} to ${fmtShape(shape)}`);
    }
    target[unknown] = x.size / rest;
  }
  if (target.some((d) => !Number.isInteger(d) || d < 0) || sizeOf(target) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape x of shape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)}`,
    );
  }
  if (shapesEqual(target, x.shape)) return x;
  return runOp(reshapeOp, [x], { shape: target });
}

/**
 * Merges axes `startAxis..endAxis` (inclusive, default all) into one.
 *
 * @example
 * flatten(zeros([2, 3, 4]), 1); // shape [2, 12]
 */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  checkTensor('flatten', 'x', x);
  if (x.ndim === 0) {
    normalizeAxis('flatten', startAxis, 0);
    normalizeAxis('flatten', endAxis, 0);
    return reshape(x, [1]);
  }
  const s = normalizeAxis('flatten', startAxis, x.ndim);
  const e = normalizeAxis('flatten', endAxis, x.ndim);
  if (e < s)
    throw new ShapeError(
      `flatten: endAxis ${endAxis} comes before startAxis ${startAxis} for shape ${fmtShape(x.shape)}`,
    );
  return reshape(x, [...x.shape.slice(0, s), sizeOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]);
}

/**
 * Inserts an axis of extent 1 at `axis` (−1 appends), like `np.expand_dims`.
 *
 * @example
 * expandDims(zeros([3]), 0); // shape [1, 3]
 */
export function expandDims(x: Tensor, axis: number): Tensor {
  checkTensor('expandDims', 'x', x);
  const a = normalizeAxis('expandDims', axis, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/**
 * Removes axes of extent 1 (the given ones, or all of them).
 *
 * @example
 * squeeze(zeros([1, 3, 1])); // shape [3]
 */
export function squeeze(x: Tensor, axis?: number | readonly number[] | null): Tensor {
  checkTensor('squeeze', 'x', x);
  if (x.ndim === 0) {
    if (axis !== undefined && axis !== null) normalizeAxes('squeeze', axis, 0);
    return x;
  }
  const axes =
    axis === undefined || axis === null
      ? x.shape.flatMap((d, i) => (d === 1 ? [i] : []))
      : normalizeAxes('squeeze', axis, x.ndim);
  for (const a of axes) {
    if (x.shape[a] !== 1)
      throw new ShapeError(`squeeze: axis ${a} of x with shape ${fmtShape(x.shape)} has extent ${x.shape[a]}, not 1`);
  }
  return reshape(
    x,
    x.shape.filter((_, i) => !axes.includes(i)),
  );
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The same elements in a new shape (one axis may be -1): {@link reshape}.
     *
     * @example
     * arange(6).reshape(2, 3).shape; // [2, 3]
     */
    reshape(...shape: number[] | [readonly number[]]): Tensor;
    /**
     * Axes `startAxis` … `endAxis` merged into one (default all): {@link flatten}.
     *
     * @example
     * zeros([2, 3, 4]).flatten(1).shape; // [2, 12]
     */
    flatten(startAxis?: number, endAxis?: number): Tensor;
    /**
     * A new axis of extent 1 at `axis`: {@link expandDims}.
     *
     * @example
     * zeros([3]).expandDims(0).shape; // [1, 3]
     */
    expandDims(axis: number): Tensor;
    /**
     * Axes of extent 1 removed (`axis`, or all of them): {@link squeeze}.
     *
     * @example
     * zeros([1, 3, 1]).squeeze().shape; // [3]
     */
    squeeze(axis?: number | number[] | null): Tensor;
  }
}

Tensor.prototype.reshape = function (...shape) {
  return reshape(this, shapeArgs(shape));
};
Tensor.prototype.flatten = function (startAxis = 0, endAxis = -1) {
  return flatten(this, startAxis, endAxis);
};
Tensor.prototype.expandDims = function (axis) {
  return expandDims(this, axis);
};
Tensor.prototype.squeeze = function (axis) {
  return squeeze(this, axis);
};
