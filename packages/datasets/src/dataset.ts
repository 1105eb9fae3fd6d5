import { checkTensor, describe, IndexError, ShapeError, Tensor, ValueError } from '@tapegrad/core';

/**
 * One example or one batch: inputs `x` and targets `t`.
 *
 * @example
 * const { x, t }: Sample = dataset.get(0);
 * const batch: Sample = dataset.getBatch([0, 1]);
 */
export interface Sample {
  /** Inputs. */
  x: Tensor;
  /** Targets. */
  t: Tensor;
}

/**
 * A random-access data set, as PyTorch's map-style `Dataset`: `length`, `get(i)` for one
 * example, and `getBatch(indices)` for many at once (one copy of the selected rows, nothing else).
 *
 * @example
 * const ds: Dataset = new TensorDataset(x, t);
 * const { x: xb, t: tb } = ds.getBatch([0, 5, 9]);
 */
export interface Dataset {
  /** Number of examples. */
  readonly length: number;
  /** Example `i` (no batch axis). */
  get(i: number): Sample;
  /** The examples at `indices`, stacked along a new leading batch axis. */
  getBatch(indices: ArrayLike<number>): Sample;
}

/**
 * A data set over tensors whose first axis indexes the examples (PyTorch's `TensorDataset`).
 * The tensors are kept, not copied; batches copy only their own rows.
 *
 * @example
 * const ds = new TensorDataset(x, t); // x [N, ...], t [N, ...]
 * ds.get(0).x.shape; // x.shape.slice(1)
 */
export class TensorDataset implements Dataset {
  readonly x: Tensor;
  readonly t: Tensor;

  constructor(x: Tensor, t: Tensor) {
    checkTensor('TensorDataset', 'x', x);
    checkTensor('TensorDataset', 't', t);
    if (x.ndim < 1 || t.ndim < 1 || x.shape[0] !== t.shape[0]) {
      throw new ShapeError(
        `TensorDataset: x and t need the same first axis, got x [${x.shape.join(',')}] and t [${t.shape.join(',')}]`,
      );
    }
    this.x = x;
    this.t = t;
  }

  get length(): number {
    return this.x.shape[0];
  }

  get(i: number): Sample {
    checkIndices('TensorDataset.get', [i], this.length);
    const row = (a: Tensor): Tensor => new Tensor(copyRows(a, [i]).data, a.shape.slice(1));
    return { x: row(this.x), t: row(this.t) };
  }

  getBatch(indices: ArrayLike<number>): Sample {
    checkIndices('TensorDataset.getBatch', indices, this.length);
    return { x: copyRows(this.x, indices), t: copyRows(this.t, indices) };
  }
}

/**
 * Checks that `indices` is an array or typed array of integers in [0, n); an IndexError names
 * the first that is not, a ValueError anything that is not a list of indices.
 *
 * @example
 * checkIndices('TensorDataset.getBatch', [0, 5], 10);
 * checkIndices('takeRows', [10], 10); // IndexError: takeRows: index 10 is out of range for a data set of length 10
 */
export function checkIndices(fn: string, indices: unknown, n: number): ArrayLike<number> {
  const isList = Array.isArray(indices) || (ArrayBuffer.isView(indices) && !(indices instanceof DataView));
  if (!isList)
    throw new ValueError(`${fn}: indices must be an array or typed array of integers, got ${describe(indices)}`);
  const list = indices as ArrayLike<number>;
  for (let k = 0; k < list.length; k++) {
    const i = list[k];
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= n) {
      throw new IndexError(`${fn}: index ${describe(i)} is out of range for a data set of length ${n}`);
    }
  }
  return list;
}

/**
 * The rows `indices` of `a` (first axis) as a new tensor of the same dtype: one typed-array copy
 * per row, contiguous runs copied in one `set`. Every index must be in range (IndexError).
 *
 * @example
 * takeRows(tensor([[1, 2], [3, 4], [5, 6]]), [2, 0]); // [[5, 6], [1, 2]]
 * takeRows(labels, Int32Array.of(3)); // shape [1]
 */
export function takeRows(a: Tensor, indices: ArrayLike<number>): Tensor {
  checkTensor('takeRows', 'a', a);
  if (a.ndim < 1)
    throw new ShapeError(`takeRows: a must have a first axis to take rows from, got shape [${a.shape.join(',')}]`);
  return copyRows(a, checkIndices('takeRows', indices, a.shape[0]));
}

/**
 * {@link takeRows} for indices already checked (the data sets and splits check theirs once).
 *
 * @example
 * copyRows(x, checkIndices('TensorDataset.getBatch', indices, x.shape[0]));
 */
export function copyRows(a: Tensor, indices: ArrayLike<number>): Tensor {
  const rowSize = a.shape[0] === 0 ? 0 : a.size / a.shape[0];
  const src = a.data;
  const out = new (src.constructor as { new (n: number): typeof src })(indices.length * rowSize);
  let k = 0;
  while (k < indices.length) {
    let end = k + 1;
    while (end < indices.length && indices[end] === indices[end - 1] + 1) end++;
    const from = indices[k] * rowSize;
    out.set(src.subarray(from, from + (end - k) * rowSize), k * rowSize);
    k = end;
  }
  return new Tensor(out, [indices.length, ...a.shape.slice(1)]);
}
