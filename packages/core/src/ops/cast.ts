import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { type DType, checkDType } from '../dtype';
import { kernels } from '../kernels';
import type { Tensor } from '../tensor';

const castOp = defineOp<{ dtype: DType }>({
  name: 'astype',
  forward: ([x], { dtype }) => {
    const out = empty(x.shape, dtype);
    kernels().cast(x.data, out.data);
    return out;
  },
  // The gradient of a conversion converts back; to int32 there is none.
  backward: (gy, node) => [node.inputs[0].dtype === 'int32' ? null : astype(gy, node.inputs[0].dtype)],
});

/**
 * Converts `x` to `dtype` (a no-op when equal). Recorded, so gradients cross float32 ↔ float64.
 * Float → int32 truncates toward zero.
 *
 * @example
 * astype(tensor([1.7, -1.7]), 'int32'); // [1, -1]
 */
export function astype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === checkDType('astype', dtype)) return x;
  return runOp(castOp, [x], { dtype });
}
