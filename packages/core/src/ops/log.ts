import { defineOp, runOp } from '../autograd/op';
import { Tensor } from '../tensor';
import { div } from './div';
import { checkFloat, mapUnary } from './util';

/** log'(x) = 1/x. */
const logOp = defineOp({
  name: 'log',
  forward: ([x]) => mapUnary('log', x),
  backward: (gy, node) => [div(gy, node.inputs[0])],
});

/**
 * Natural logarithm elementwise (log 0 = −∞, log of a negative = NaN, as IEEE says).
 *
 * @example
 * log(tensor([1, Math.E])); // [0, 1]
 */
export function log(x: Tensor): Tensor {
  checkFloat('log', 'x', x);
  return runOp(logOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The natural logarithm, elementwise: {@link log}.
     *
     * @example
     * tensor([1, Math.E]).log(); // [0, 1]
     */
    log(): Tensor;
  }
}

Tensor.prototype.log = function () {
  return log(this);
};
