import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { normalizeAxis, stridesOf } from '../shape';
import type { Tensor } from '../tensor';

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
