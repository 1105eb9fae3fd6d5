import { checkAllocation, checkDType, checkInteger, checkOptions, checkTensor } from '../check';
import { allocate, type DType } from '../dtype';
import { IndexError, ValueError, fmtShape } from '../errors';
import { Tensor } from '../tensor';

/** Options of {@link oneHot}. */
export interface OneHotOptions {
  /** The result's dtype. Default int32 (PyTorch gives int64, which tapegrad does not have). */
  dtype?: DType;
}

/**
 * One-hot encodes int32 class indices (PyTorch's `F.one_hot`): shape `[...indices.shape,
 * numClasses]`, 1 at each index. `numClasses` −1 (the default) infers the largest index + 1.
 * Not differentiable (the indices are integers).
 *
 * @example
 * oneHot(tensor([0, 2], { dtype: 'int32' }), 3); // [[1, 0, 0], [0, 0, 1]]
 * oneHot(tensor([1], { dtype: 'int32' }), 2, { dtype: 'float32' }); // [[0, 1]]
 */
export function oneHot(indices: Tensor, numClasses = -1, options?: OneHotOptions): Tensor {
  checkTensor('oneHot', 'indices', indices, { dtype: 'int32' });
  checkInteger('oneHot', 'numClasses', numClasses, { min: -1 });
  const o = checkOptions('oneHot', options, ['dtype']);
  const dtype = o.dtype === undefined ? 'int32' : checkDType('oneHot', o.dtype);
  const idx = indices.data;
  let c = numClasses;
  if (c === -1) {
    if (idx.length === 0) throw new ValueError('oneHot: cannot infer numClasses from empty indices; pass it');
    c = 0;
    for (let i = 0; i < idx.length; i++) c = Math.max(c, idx[i] + 1);
  }
  checkAllocation('oneHot', [...indices.shape, c], dtype);
  const out = allocate(dtype, idx.length * c);
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (v < 0 || v >= c) {
      throw new IndexError(
        `oneHot: index ${v} at position ${i} of indices ${fmtShape(indices.shape)} is out of range for ${c} classes`,
      );
    }
    out[i * c + v] = 1;
  }
  return new Tensor(out, [...indices.shape, c]);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * These int32 indices one-hot encoded: {@link oneHot}.
     *
     * @example
     * tensor([1], { dtype: 'int32' }).oneHot(3); // [[0, 1, 0]]
     */
    oneHot(numClasses?: number, options?: OneHotOptions): Tensor;
  }
}

Tensor.prototype.oneHot = function (numClasses = -1, options) {
  return oneHot(this, numClasses, options);
};
