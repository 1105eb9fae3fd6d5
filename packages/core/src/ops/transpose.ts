import { defineOp, runOp } from '../autograd/op';
import { checkTensor, describe } from '../check';
import { empty } from '../creation';
import { ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { normalizeAxis, stridesOf } from '../shape';
import { Tensor } from '../tensor';
import { shapeArgs } from './util';

/** Transpose's backward transposes back by the inverse permutation. */
const transposeOp = defineOp<{ axes: number[] }>({
  name: 'transpose',
  forward: ([x], { axes }) => {
    const inStrides = stridesOf(x.shape);
    const out = empty(
      axes.map((a) => x.shape[a]),
      x.dtype,
    );
    kernels().stridedCopy(
      x.data,
      0,
      axes.map((a) => inStrides[a]),
      out.shape,
      out.data,
    );
    return out;
  },
  backward: (gy, node) => {
    const inv = new Array<number>(node.attrs.axes.length);
    node.attrs.axes.forEach((a, i) => (inv[a] = i));
    return [transpose(gy, inv)];
  },
});

/**
 * Permutes axes: output axis i is input axis `axes[i]`; with no axes, reverses them (`.T`).
 *
 * @example
 * transpose(zeros([2, 3, 4]), [0, 2, 1]); // shape [2, 4, 3]
 */
export function transpose(x: Tensor, axes?: readonly number[]): Tensor {
  checkTensor('transpose', 'x', x);
  if (axes !== undefined && !Array.isArray(axes)) {
    throw new ShapeError(`transpose: axes must be a list of axes, got ${describe(axes)}`);
  }
  const n = x.ndim;
  const perm =
    axes === undefined
      ? Array.from({ length: n }, (_, i) => n - 1 - i)
      : axes.map((a) => normalizeAxis('transpose', a, n));
  if (perm.length !== n || new Set(perm).size !== n) {
    throw new ShapeError(
      `transpose: axes [${(axes ?? []).join(',')}] are not a permutation of the ${n} axes of x ${fmtShape(x.shape)}`,
    );
  }
  if (perm.every((a, i) => a === i)) return x;
  return runOp(transposeOp, [x], { axes: perm });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The axes permuted (default: reversed): {@link transpose}.
     *
     * @example
     * zeros([2, 3, 4]).transpose(0, 2, 1).shape; // [2, 4, 3]
     */
    transpose(...axes: number[] | [readonly number[]]): Tensor;
    /**
     * The transpose (all axes reversed), like NumPy's `.T`: {@link transpose}.
     *
     * @example
     * zeros([2, 3]).T.shape; // [3, 2]
     */
    readonly T: Tensor;
  }
}

Tensor.prototype.transpose = function (...axes) {
  return transpose(this, axes.length === 0 ? undefined : shapeArgs(axes));
};
Object.defineProperty(Tensor.prototype, 'T', {
  get(this: Tensor) {
    return transpose(this);
  },
  configurable: true,
});
