import { defineOp, runOp } from '../autograd/op';
import { Tensor } from '../tensor';
import { mul } from './mul';
import { checkFloat, mapUnary } from './util';

/** exp'(x) = exp(x) = y. */
const expOp = defineOp({
  name: 'exp',
  savesOutput: true,
  forward: ([x]) => mapUnary('exp', x),
  backward: (gy, node) => [mul(gy, node.output!)],
});

/**
 * eˣ elementwise.
 *
 * @example
 * exp(tensor([0, 1])); // [1, 2.7183]
 */
export function exp(x: Tensor): Tensor {
  checkFloat('exp', 'x', x);
  return runOp(expOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * eˣ, elementwise: {@link exp}.
     *
     * @example
     * tensor([0, 1]).exp(); // [1, 2.718…]
     */
    exp(): Tensor;
  }
}

Tensor.prototype.exp = function () {
  return exp(this);
};
