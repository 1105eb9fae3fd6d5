import { describe, Tensor, ValueError } from '@tapegrad/core';
import type { Dataset } from './dataset';

/**
 * Checks that `v` is bytes (a `Uint8Array`, Node's `Buffer` included); returns it.
 *
 * @example
 * checkBytes('parseIdx', 'bytes', fs.readFileSync(file)); // the Buffer
 * checkBytes('md5', 'bytes', 'abc'); // ValueError: md5: bytes must be a Uint8Array (or Buffer), got "abc"
 */
export function checkBytes(fn: string, name: string, v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array))
    throw new ValueError(`${fn}: ${name} must be a Uint8Array (or Buffer), got ${describe(v)}`);
  return v;
}

/**
 * Checks that `v` is an array or typed array of numbers (every element a number, NaN allowed
 * here; the caller checks ranges); returns it.
 *
 * @example
 * checkNumbers('encodeIdx', 'data', [5, 0, 4]); // [5, 0, 4]
 * checkNumbers('oneHot', 'labels', null); // ValueError: oneHot: labels must be an array or typed array of numbers, got null
 */
export function checkNumbers(fn: string, name: string, v: unknown): ArrayLike<number> {
  const isTyped =
    ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array || v instanceof BigUint64Array);
  if (!isTyped && !(Array.isArray(v) && v.every((e) => typeof e === 'number'))) {
    throw new ValueError(`${fn}: ${name} must be an array or typed array of numbers, got ${describe(v)}`);
  }
  return v as ArrayLike<number>;
}

/**
 * Checks that `v` is a {@link Dataset}: an object with a non-negative integer `length` and
 * `get` / `getBatch` methods. A bare Tensor gets a hint to wrap it in a `TensorDataset`.
 *
 * @example
 * checkDataset('DataLoader', 'dataset', new TensorDataset(x, t)); // the data set
 * checkDataset('DataLoader', 'dataset', x); // ValueError: … wrap tensors as new TensorDataset(x, t)
 */
export function checkDataset(fn: string, name: string, v: unknown): Dataset {
  if (v instanceof Tensor) {
    throw new ValueError(
      `${fn}: ${name} must be a Dataset (length, get, getBatch), got ${describe(v)}; wrap tensors as new TensorDataset(x, t)`,
    );
  }
  const d = v as Partial<Dataset> | null;
  if (
    d === null ||
    typeof d !== 'object' ||
    typeof d.getBatch !== 'function' ||
    typeof d.get !== 'function' ||
    !Number.isSafeInteger(d.length) ||
    (d.length as number) < 0
  ) {
    throw new ValueError(`${fn}: ${name} must be a Dataset (length, get, getBatch), got ${describe(v)}`);
  }
  return d as Dataset;
}
