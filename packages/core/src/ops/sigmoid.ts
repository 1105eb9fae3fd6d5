import { defineOp, runOp } from '../autograd/op';
import type { Tensor } from '../tensor';
import { mul } from './mul';
import { sub } from './sub';
import { checkFloat, mapUnary } from './util';

/** σ'(x) = y·(1 − y). */
const sigmoidOp = defineOp({
  name: 'sigmoid',
  savesOutput: true,
  forward: ([x]) => mapUnary('sigmoid', x),
  backward: (gy, node) => {
    const y = node.output!;
    return [mul(gy, mul(y, sub(1, y)))];
  },
});

/**
 * The logistic function 1/(1+e⁻ˣ), stable for large |x| (never exponentiates a positive number).
 *
 * @example
 * sigmoid(tensor([0])); // [0.5]
 */
export function sigmoid(x: Tensor): Tensor {
  checkFloat('sigmoid', 'x', x);
  return runOp(sigmoidOp, [x], undefined);
}
