import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { noGrad } from '../autograd/grad-mode';
import { checkTensor } from '../check';
import { type DType, checkDType, isFloat } from '../dtype';
import { int32Into } from '../int32';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';

const castOp = defineOp<{ dtype: DType }>({
  name: 'astype',
  forward: ([x], { dtype }) => {
    const out = empty(x.shape, dtype);
    // Float → int32 truncates, and refuses NaN, ±Infinity and values beyond int32's range.
    if (out.data instanceof Int32Array) int32Into('astype', 'x', x.data, out.data);
    else kernels().cast(x.data, out.data);
    return out;
  },
  // The gradient of a conversion converts back (int32 inputs never require grad).
  backward: (gy, node) => [astype(gy, node.inputs[0].dtype)],
});

/**
 * Converts `x` to `dtype` (a no-op when equal). Recorded, so gradients cross float32 ↔ float64.
 * Float → int32 truncates toward zero; NaN, ±Infinity and values beyond int32's range are a
 * ValueError (not the 0 and wrapped values a plain Int32Array store gives).
 *
 * @example
 * astype(tensor([1.7, -1.7]), 'int32'); // [1, -1]
 */
export function astype(x: Tensor, dtype: DType): Tensor {
  checkTensor('astype', 'x', x);
  if (x.dtype === checkDType('astype', dtype)) return x;
  // An int32 result has no gradient and cannot require one: the cast cuts the graph (PyTorch).
  if (!isFloat(dtype)) return noGrad(() => runOp(castOp, [x], { dtype }));
  return runOp(castOp, [x], { dtype });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * This tensor converted to `dtype` (differentiable between float types): {@link astype}.
     *
     * @example
     * tensor([1.5, 2]).astype('int32'); // [1, 2]
     */
    astype(dtype: DType): Tensor;
  }
}

Tensor.prototype.astype = function (dtype) {
  return astype(this, dtype);
};
