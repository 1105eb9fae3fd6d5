import { defineOp, runOp } from '../autograd/op';
import type { Tensor } from '../tensor';
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
