import { defineOp, runOp } from '../autograd/op';
import { checkTensor } from '../check';
import { Tensor } from '../tensor';
import { mul } from './mul';
import { mapUnary } from './util';

/** abs'(x) = sign(x), with abs'(0) = 0 as PyTorch. The sign is a constant mask. */
const absOp = defineOp({
  name: 'abs',
  forward: ([x]) => mapUnary('abs', x),
  backward: (gy, node) => [mul(gy, mapUnary('sign', node.inputs[0]))],
});

/**
 * |x| elementwise.
 *
 * @example
 * abs(tensor([-2, 3])); // [2, 3]
 */
export function abs(x: Tensor): Tensor {
  checkTensor('abs', 'x', x);
  return runOp(absOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The absolute value, elementwise: {@link abs}.
     *
     * @example
     * tensor([-1, 2]).abs(); // [1, 2]
     */
    abs(): Tensor;
  }
}

Tensor.prototype.abs = function () {
  return abs(this);
};
