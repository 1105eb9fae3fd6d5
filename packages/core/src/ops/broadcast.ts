import { defineOp, runOp } from '../autograd/op';
import { checkAllocation, checkTensor } from '../check';
import { empty } from '../creation';
import { promoteTypes } from '../dtype';
import { ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { broadcastShapes, checkShape, shapesEqual, splitAt } from '../shape';
import { Tensor } from '../tensor';
import { astype } from './cast';
import { type TensorLike, dtypeNextTo, toTensor } from './util';

/**
 * Broadcasting lives here and only here. Binary ops call {@link prepareBinary}, which records a
 * cast and a BroadcastTo node where needed, so their own rules only ever see equal shapes.
 * BroadcastTo's backward is SumTo and SumTo's backward is BroadcastTo.
 */
const broadcastToOp = defineOp<{ shape: readonly number[] }>({
  name: 'broadcastTo',
  forward: ([x], { shape }) => {
    const out = empty(shape, x.dtype);
    const off = shape.length - x.ndim;
    const strides = new Array<number>(shape.length).fill(0);
    let s = 1;
    for (let i = x.ndim - 1; i >= 0; i--) {
      strides[off + i] = x.shape[i] === 1 ? 0 : s;
      s *= x.shape[i];
    }
    kernels().stridedCopy(x.data, 0, strides, shape, out.data);
    return out;
  },
  backward: (gy, node) => [sumTo(gy, node.inputs[0].shape)],
});

const sumToOp = defineOp<{ shape: readonly number[] }>({
  name: 'sumTo',
  forward: ([x], { shape }) => {
    // Sum the leading extra axes, then every axis where the target has extent 1.
    let cur = x.data;
    let curShape = [...x.shape];
    const lead = curShape.length - shape.length;
    const reduceAxis = (axis: number): void => {
      const [outer, len, inner] = splitAt(curShape, axis);
      const next = empty([outer * inner], x.dtype).data;
      kernels().sumAxis(cur, outer, len, inner, next);
      cur = next;
      curShape = [...curShape.slice(0, axis), 1, ...curShape.slice(axis + 1)];
    };
    for (let i = curShape.length - 1; i >= 0; i--) {
      const target = i - lead >= 0 ? shape[i - lead] : 1;
      if (curShape[i] !== 1 && target === 1) reduceAxis(i);
    }
    const out = empty(shape, x.dtype);
    out.data.set(cur);
    return out;
  },
  backward: (gy, node) => [broadcastTo(gy, node.inputs[0].shape)],
});

/**
 * Broadcasts `x` to `shape` under NumPy's rules (recorded; backward sums back).
 *
 * @example
 * broadcastTo(tensor([1, 2]), [3, 2]); // [[1, 2], [1, 2], [1, 2]]
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('broadcastTo', 'x', x);
  const target = checkShape('broadcastTo', shape);
  if (shapesEqual(x.shape, target)) return x;
  if (!broadcastsTo(x.shape, target)) {
    throw new ShapeError(`broadcastTo: cannot broadcast x of shape ${fmtShape(x.shape)} to ${fmtShape(target)}`);
  }
  checkAllocation('broadcastTo', target, x.dtype);
  return runOp(broadcastToOp, [x], { shape: target });
}

/**
 * Sums `x` down to `shape`, the adjoint of broadcasting: `sumTo(broadcastTo(v, s), v.shape)`
 * sums the copies.
 *
 * @example
 * sumTo(ones([3, 2]), [1, 2]); // [[3, 3]]
 */
export function sumTo(x: Tensor, shape: readonly number[]): Tensor {
  checkTensor('sumTo', 'x', x);
  const target = checkShape('sumTo', shape);
  if (shapesEqual(x.shape, target)) return x;
  if (!broadcastsTo(target, x.shape)) {
    throw new ShapeError(`sumTo: x of shape ${fmtShape(x.shape)} is not a broadcast of ${fmtShape(target)}`);
  }
  return runOp(sumToOp, [x], { shape: target });
}

/**
 * True when `from` broadcasts to exactly `to` under NumPy's rules.
 *
 * @example
 * broadcastsTo([3, 1], [2, 3, 4]); // true
 */
export function broadcastsTo(from: readonly number[], to: readonly number[]): boolean {
  const off = to.length - from.length;
  if (off < 0) return false;
  for (let i = 0; i < from.length; i++) if (from[i] !== 1 && from[i] !== to[off + i]) return false;
  return true;
}

/**
 * Brings two operands of a binary op to one dtype (promoting) and one shape (broadcasting),
 * recording both steps on the tape.
 */
export function prepareBinary(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  let ta = toTensor(op, a, dtypeNextTo(a, b), 'a');
  let tb = toTensor(op, b, dtypeNextTo(b, a), 'b');
  if (ta.dtype !== tb.dtype) {
    const d = promoteTypes(ta.dtype, tb.dtype);
    ta = astype(ta, d);
    tb = astype(tb, d);
  }
  if (!shapesEqual(ta.shape, tb.shape)) {
    const shape = broadcastShapes(op, ta.shape, tb.shape);
    ta = broadcastTo(ta, shape);
    tb = broadcastTo(tb, shape);
  }
  return [ta, tb];
}

declare module '../tensor' {
  interface Tensor {
    /**
     * This tensor broadcast to `shape` (backward: sumTo): {@link broadcastTo}.
     *
     * @example
     * tensor([1, 2]).broadcastTo([3, 2]).shape; // [3, 2]
     */
    broadcastTo(shape: readonly number[]): Tensor;
  }
}

Tensor.prototype.broadcastTo = function (shape) {
  return broadcastTo(this, shape);
};
