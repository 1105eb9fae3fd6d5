import { defineOp, runOp } from '../autograd/op';
import { checkTensor, describe } from '../check';
import { empty } from '../creation';
import { promoteTypes } from '../dtype';
import { ShapeError, ValueError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { normalizeAxis, splitAt } from '../shape';
import type { Tensor } from '../tensor';
import { astype } from './cast';
import { expandDims } from './reshape';
import { slice, type SliceSpec } from './slice';

/** Concat's backward hands each input its slice of gy along the axis. */
const concatOp = defineOp<{ axis: number }>({
  name: 'concat',
  forward: (xs, { axis }) => {
    const shape = [...xs[0].shape];
    shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
    const out = empty(shape, xs[0].dtype);
    const [outer, total, inner] = splitAt(shape, axis);
    let at = 0;
    for (const x of xs) {
      const block = x.shape[axis] * inner;
      kernels().copyBlocks(x.data, 0, block, out.data, at * inner, total * inner, outer, block);
      at += x.shape[axis];
    }
    return out;
  },
  backward: (gy, node) => {
    const { axis } = node.attrs;
    let at = 0;
    return node.inputs.map((x, i) => {
      const specs: SliceSpec[] = x.shape.map(() => null);
      specs[axis] = [at, at + x.shape[axis]];
      at += x.shape[axis];
      return node.needsGrad(i) ? slice(gy, specs) : null;
    });
  },
});

function checkTensorList(fn: string, tensors: unknown): void {
  if (!Array.isArray(tensors))
    throw new ValueError(`${fn}: tensors must be a list of Tensors, got ${describe(tensors)}`);
  tensors.forEach((t, i) => checkTensor(fn, `tensors[${i}]`, t));
}

/**
 * Joins tensors along an existing axis; all other extents must agree. dtypes are promoted.
 *
 * @example
 * concat([ones([2, 1]), zeros([2, 3])], 1); // shape [2, 4]
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  checkTensorList('concat', tensors);
  if (tensors.length === 0) throw new ValueError('concat: needs at least one tensor');
  const first = tensors[0];
  if (first.ndim === 0) {
    throw new ShapeError(`concat: tensor 0 has shape [] and scalars have no axis to join along; use stack`);
  }
  const a = normalizeAxis('concat', axis, first.ndim);
  for (const [i, t] of tensors.entries()) {
    if (t.ndim !== first.ndim || t.shape.some((d, k) => k !== a && d !== first.shape[k])) {
      throw new ShapeError(
        `concat: tensor ${i} has shape ${fmtShape(t.shape)}, which does not match ${fmtShape(first.shape)} outside axis ${a}`,
      );
    }
  }
  const dtype = tensors.reduce((d, t) => promoteTypes(d, t.dtype), first.dtype);
  return runOp(
    concatOp,
    tensors.map((t) => astype(t, dtype)),
    { axis: a },
  );
}

/**
 * Joins equal-shaped tensors along a new axis.
 *
 * @example
 * stack([tensor([1, 2]), tensor([3, 4])], 0); // [[1, 2], [3, 4]]
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  checkTensorList('stack', tensors);
  if (tensors.length === 0) throw new ValueError('stack: needs at least one tensor');
  for (const [i, t] of tensors.entries()) {
    if (t.ndim !== tensors[0].ndim || t.shape.some((d, k) => d !== tensors[0].shape[k])) {
      throw new ShapeError(`stack: tensor ${i} has shape ${fmtShape(t.shape)}, expected ${fmtShape(tensors[0].shape)}`);
    }
  }
  const a = normalizeAxis('stack', axis, tensors[0].ndim + 1);
  return concat(
    tensors.map((t) => expandDims(t, a)),
    a,
  );
}
