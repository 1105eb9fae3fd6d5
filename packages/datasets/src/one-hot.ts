import { IndexError, Tensor, ValueError } from '@tapegrad/core';

/**
 * One-hot encodes integer class labels into a float32 `[N, numClasses]` tensor. Without
 * `numClasses` the largest label + 1 is used.
 *
 * @example
 * oneHot(tensor([0, 2, 1], { dtype: 'int32' }), 3); // [[1,0,0],[0,0,1],[0,1,0]]
 * oneHot([1, 0]); // [[0,1],[1,0]]
 */
export function oneHot(labels: Tensor | ArrayLike<number>, numClasses?: number): Tensor {
  const data = labels instanceof Tensor ? labels.data : labels;
  if (labels instanceof Tensor && labels.ndim !== 1) {
    throw new ValueError(`oneHot: labels must be 1-D, got shape [${labels.shape.join(',')}]`);
  }
  const n = data.length;
  let max = -1;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    if (!Number.isInteger(v)) throw new ValueError(`oneHot: label ${i} is ${v}, not an integer`);
    if (v > max) max = v;
  }
  const c = numClasses ?? max + 1;
  if (!Number.isInteger(c) || c < 1) {
    throw new ValueError(`oneHot: numClasses must be a positive integer, got ${c}`);
  }
  const out = new Float32Array(n * c);
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
  const data = labels instanceof Int32Array ? labels : Int32Array.from(labels);
  return new Tensor(data, [data.length]);
}
