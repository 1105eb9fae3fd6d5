import { allocateChecked, checkInteger, IndexError, Tensor, ValueError } from '@tapegrad/core';
import { checkNumbers } from './checks';

/**
 * One-hot encodes integer class labels into a float32 `[N, numClasses]` tensor. Without
 * `numClasses` the largest label + 1 is used.
 *
 * @example
 * oneHot(tensor([0, 2, 1], { dtype: 'int32' }), 3); // [[1,0,0],[0,0,1],[0,1,0]]
 * oneHot([1, 0]); // [[0,1],[1,0]]
 */
export function oneHot(labels: Tensor | ArrayLike<number>, numClasses?: number): Tensor {
  if (labels instanceof Tensor && labels.ndim !== 1) {
    throw new ValueError(`oneHot: labels must be 1-D, got shape [${labels.shape.join(',')}]`);
  }
  const data = labels instanceof Tensor ? labels.data : checkNumbers('oneHot', 'labels', labels);
  const n = data.length;
  let max = -1;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (!Number.isInteger(v)) throw new ValueError(`oneHot: label ${i} is ${v}, not an integer`);
    if (v > max) max = v;
  }
  const c = numClasses === undefined ? max + 1 : checkInteger('oneHot', 'numClasses', numClasses, { min: 1 });
  if (c < 1)
    throw new ValueError(`oneHot: numClasses must be a positive integer, got ${c} (no labels to infer it from)`);
  const out = allocateChecked('oneHot', [n, c], 'float32', () => new Float32Array(n * c));
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (v < 0 || v >= c) {
      throw new IndexError(`oneHot: label ${v} at index ${i} is out of range for ${c} classes (valid: 0..${c - 1})`);
    }
    out[i * c + v] = 1;
  }
  return new Tensor(out, [n, c]);
}

/**
 * Wraps integer labels as an int32 `[N]` tensor (no copy for an Int32Array).
 *
 * @example
 * labelTensor(new Uint8Array([5, 0, 4])); // int32 [5, 0, 4]
 * labelTensor([1, 2]).dtype; // 'int32'
 */
export function labelTensor(labels: ArrayLike<number>): Tensor {
  if (labels instanceof Int32Array) return new Tensor(labels, [labels.length]);
  const values = checkNumbers('labelTensor', 'labels', labels);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      throw new ValueError(`labelTensor: label ${i} is ${v}, not an int32 integer`);
    }
  }
  const data = Int32Array.from(values);
  return new Tensor(data, [data.length]);
}
