import { defineOp, runOp } from '../autograd/op';
import type { Tensor } from '../tensor';
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
