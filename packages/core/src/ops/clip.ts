import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { ValueError } from '../errors';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
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
 * Limits every element to [min, max] (either may be ±Infinity).
 *
 * @example
 * clip(tensor([-2, 0.5, 2]), 0, 1); // [0, 0.5, 1]
 */
export function clip(x: Tensor, min: number, max: number): Tensor {
  if (Number.isNaN(min) || Number.isNaN(max) || min > max) {
    throw new ValueError(`clip: needs min ≤ max, got min=${min}, max=${max}`);
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
