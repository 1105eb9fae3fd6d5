import { checkAxis, checkInteger, checkTensor, describe } from '../check';
import { ShapeError, ValueError, fmtShape } from '../errors';
import { Tensor } from '../tensor';
import { slice, type SliceSpec } from './slice';

/** Slices of `x` along `axis` of the given extents, in order (each a slice node). */
function pieces(x: Tensor, axis: number, sizes: readonly number[]): Tensor[] {
  let at = 0;
  return sizes.map((n) => {
    const specs: SliceSpec[] = x.shape.map(() => null);
    specs[axis] = [at, at + n];
    at += n;
    return slice(x, specs);
  });
}

/**
 * Splits `x` along `axis` (PyTorch's `torch.split`): a number is the extent of every piece (the
 * last may be smaller); an array lists the pieces' extents, which must add up to the axis.
 * Each piece is a slice, so gradients flow back into `x`.
 *
 * @example
 * split(arange(5), 2); // [[0, 1], [2, 3], [4]]
 * split(zeros([2, 6]), [1, 5], 1).map((t) => t.shape); // [[2, 1], [2, 5]]
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  checkTensor('split', 'x', x);
  const a = checkAxis('split', 'axis', axis, x.ndim);
  if (x.ndim === 0) throw new ShapeError('split: x is a scalar (shape []), which has no axis to split');
  const n = x.shape[a];
  if (typeof sizeOrSections === 'number') {
    const size = checkInteger('split', 'size', sizeOrSections, { min: 1 });
    const sizes: number[] = [];
    for (let at = 0; at < n; at += size) sizes.push(Math.min(size, n - at));
    return pieces(x, a, sizes.length > 0 ? sizes : [0]);
  }
  if (!Array.isArray(sizeOrSections)) {
    throw new ValueError(
      `split: sizeOrSections must be a number or an array of numbers, got ${describe(sizeOrSections)}`,
    );
  }
  sizeOrSections.forEach((s, i) => checkInteger('split', `sections[${i}]`, s, { min: 0 }));
  const total = sizeOrSections.reduce((s, v) => s + v, 0);
  if (total !== n) {
    throw new ShapeError(
      `split: sections [${sizeOrSections.join(',')}] add up to ${total}, but axis ${a} of x ${fmtShape(x.shape)} has extent ${n}`,
    );
  }
  return pieces(x, a, sizeOrSections);
}

/**
 * Splits `x` into `chunks` pieces along `axis` as PyTorch's `torch.chunk`: each of extent
 * ⌈n/chunks⌉ but the last, so fewer pieces come back when the extent does not allow `chunks`.
 *
 * @example
 * chunk(zeros([4, 8]), 4, 1).map((t) => t.shape); // four [4, 2]
 * chunk(arange(5), 3); // [[0, 1], [2, 3], [4]]
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  checkTensor('chunk', 'x', x);
  checkInteger('chunk', 'chunks', chunks, { min: 1 });
  const a = checkAxis('chunk', 'axis', axis, x.ndim);
  if (x.ndim === 0) throw new ShapeError('chunk: x is a scalar (shape []), which has no axis to split');
  return split(x, Math.max(Math.ceil(x.shape[a] / chunks), 1), a);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * Pieces along `axis`, of one extent or of the listed extents: {@link split}.
     *
     * @example
     * arange(5).split(2).length; // 3
     */
    split(sizeOrSections: number | readonly number[], axis?: number): Tensor[];
    /**
     * `chunks` pieces along `axis` (PyTorch's chunk): {@link chunk}.
     *
     * @example
     * zeros([4, 8]).chunk(4, 1)[0].shape; // [4, 2]
     */
    chunk(chunks: number, axis?: number): Tensor[];
  }
}

Tensor.prototype.split = function (sizeOrSections, axis = 0) {
  return split(this, sizeOrSections, axis);
};
Tensor.prototype.chunk = function (chunks, axis = 0) {
  return chunk(this, chunks, axis);
};
