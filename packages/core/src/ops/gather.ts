import { type Op, defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { checkTensor, describe } from '../check';
import { DTypeError, IndexError, ValueError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { normalizeAxis, splitAt } from '../shape';
import { Tensor } from '../tensor';

interface GatherAttrs {
  axis: number;
  /** The indices, flattened, checked and made non-negative. */
  idx: Int32Array;
  idxShape: readonly number[];
}

/** Gather's backward scatter-adds gy into zeros (repeated indices accumulate). */
const gatherOp: Op<GatherAttrs> = defineOp<GatherAttrs>({
  name: 'gather',
  forward: ([x], { axis, idx, idxShape }) => {
    const [outer, len, inner] = splitAt(x.shape, axis);
    const out = empty([...x.shape.slice(0, axis), ...idxShape, ...x.shape.slice(axis + 1)], x.dtype);
    kernels().gatherAxis(x.data, outer, len, inner, idx, out.data);
    return out;
  },
  backward: (gy, node) => [runOp(scatterAddOp, [gy], { ...node.attrs, inShape: node.inputs[0].shape })],
});

/** The adjoint of gather; its own backward gathers. */
const scatterAddOp: Op<GatherAttrs & { inShape: readonly number[] }> = defineOp<
  GatherAttrs & { inShape: readonly number[] }
>({
  name: 'scatterAdd',
  forward: ([g], { axis, idx, inShape }) => {
    const out = empty(inShape, g.dtype);
    const [outer, len, inner] = splitAt(inShape, axis);
    kernels().scatterAddAxis(g.data, outer, len, inner, idx, out.data);
    return out;
  },
  backward: (gg, node) => [runOp(gatherOp, [gg], node.attrs)],
});

function outOfRange(v: number, axis: number, n: number, x: Tensor): never {
  throw new IndexError(
    `gather: index ${v} is out of range for axis ${axis} of extent ${n} (x is ${fmtShape(x.shape)})`,
  );
}

/**
 * @internal The gather node (differentiable by scatter-add) on checked arguments: x's flat
 * elements at positions `idx`, as `[idx.length]`.
 */
export function gatherFlat(x: Tensor, idx: Int32Array): Tensor {
  return runOp(gatherOp, [x], { axis: 0, idx, idxShape: [idx.length] });
}

/**
 * Picks entries along `axis` by int32 indices, like `np.take(x, indices, axis)`: the result's
 * shape is x's with that axis replaced by the indices' shape. Negative indices count from the
 * end. This is how a label's probability is picked: `gather(p.reshape([-1]), rows·C + labels)`.
 *
 * @example
 * gather(tensor([[1, 2], [3, 4]]), tensor([1, 1, 0], { dtype: 'int32' }), 0); // [[3, 4], [3, 4], [1, 2]]
 */
export function gather(x: Tensor, indices: Tensor | readonly number[], axis = 0): Tensor {
  checkTensor('gather', 'x', x);
  const a = normalizeAxis('gather', axis, x.ndim);
  // A scalar is indexed as a one-element axis (np.take(5, [0]) is [5]).
  const n = x.ndim === 0 ? 1 : x.shape[a];
  let t: Tensor;
  if (indices instanceof Tensor) {
    if (indices.dtype !== 'int32') {
      throw new DTypeError(
        `gather: indices must be int32, got ${indices.dtype} (shape ${fmtShape(indices.shape)}); use .astype('int32')`,
      );
    }
    t = indices;
  } else {
    if (!Array.isArray(indices)) {
      throw new ValueError(`gather: indices must be an int32 Tensor or a list of integers, got ${describe(indices)}`);
    }
    // Checked as numbers, before an Int32Array could wrap 2³² + 1 to 1.
    for (const v of indices) {
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        throw new IndexError(`gather: indices must be integers, got ${describe(v)} in ${describe(indices)}`);
      }
      if (v < -n || v >= n) outOfRange(v, a, n, x);
    }
    t = new Tensor(Int32Array.from(indices), [indices.length]);
  }
  const idx = new Int32Array(t.size);
  for (let i = 0; i < idx.length; i++) {
    const v = t.data[i];
    if (v < -n || v >= n) outOfRange(v, a, n, x);
    idx[i] = v < 0 ? v + n : v;
  }
  return runOp(gatherOp, [x], { axis: a, idx, idxShape: t.shape });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The slices at `indices` along `axis` (default 0): {@link gather}.
     *
     * @example
     * tensor([10, 20, 30]).gather([2, 0]); // [30, 10]
     */
    gather(indices: Tensor | readonly number[], axis?: number): Tensor;
    /**
     * `gather` under NumPy's name: {@link gather}.
     *
     * @example
     * tensor([10, 20, 30]).take([1]); // [20]
     */
    take(indices: Tensor | readonly number[], axis?: number): Tensor;
  }
}

Tensor.prototype.gather = function (indices, axis = 0) {
  return gather(this, indices, axis);
};
Tensor.prototype.take = function (indices, axis = 0) {
  return gather(this, indices, axis);
};
