import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { checkNumber, checkTensor } from '../check';
import { ValueError } from '../errors';
import { INT32_MAX, INT32_MIN } from '../int32';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { astype } from './cast';
import { mul } from './mul';

/** clip's gradient passes where min ≤ x ≤ max (inclusive, as PyTorch) and is 0 elsewhere. */
const clipOp = defineOp<{ min: number; max: number }>({
  name: 'clip',
  forward: ([x], { min, max }) => {
    const out = empty(x.shape, x.dtype);
    kernels().clip(x.data, min, max, out.data);
    return out;
  },
  backward: (gy, node) => {
    const x = node.inputs[0];
    const { min, max } = node.attrs;
    const mask = empty(x.shape, x.dtype);
    for (let i = 0; i < mask.size; i++) mask.data[i] = x.data[i] >= min && x.data[i] <= max ? 1 : 0;
    return [mul(gy, mask)];
  },
});

/**
 * Limits every element to [min, max] (either may be ±Infinity). An int32 tensor with a
 * fractional bound gives float32 (PyTorch's promotion), so the result stays within the bounds.
 *
 * @example
 * clip(tensor([-2, 0.5, 2]), 0, 1); // [0, 0.5, 1]
 */
export function clip(x: Tensor, min: number, max: number): Tensor {
  checkTensor('clip', 'x', x);
  checkNumber('clip', 'min', min, { finite: false });
  checkNumber('clip', 'max', max, { finite: false });
  if (min > max) throw new ValueError(`clip: needs min ≤ max, got min=${min}, max=${max}`);
  // An int32 tensor clipped to a fractional bound (1.5) is promoted to float32, as PyTorch's
  // clamp: truncating the bound would let values out of [min, max]. So is one whose bounds lie
  // wholly outside int32's range (every result would be a bound int32 cannot hold).
  const whole = (b: number): boolean => !Number.isFinite(b) || Number.isInteger(b);
  if (x.dtype === 'int32' && (!whole(min) || !whole(max) || max < INT32_MIN || min > INT32_MAX)) {
    return runOp(clipOp, [astype(x, 'float32')], { min, max });
  }
  return runOp(clipOp, [x], { min, max });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * Each element limited to [`min`, `max`]: {@link clip}.
     *
     * @example
     * tensor([-2, 0, 2]).clip(-1, 1); // [-1, 0, 1]
     */
    clip(min: number, max: number): Tensor;
  }
}

Tensor.prototype.clip = function (min, max) {
  return clip(this, min, max);
};
