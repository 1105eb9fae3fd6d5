import { defineOp, runOp } from '../autograd/op';
import { Tensor } from '../tensor';
import { mul } from './mul';
import { neg } from './neg';
import { sigmoid } from './sigmoid';
import { checkFloat, mapUnary } from './util';

/** (log σ)'(x) = 1 − σ(x) = σ(−x). */
const logSigmoidOp = defineOp({
  name: 'logSigmoid',
  forward: ([x]) => mapUnary('logSigmoid', x),
  backward: (gy, node) => [mul(gy, sigmoid(neg(node.inputs[0])))],
});

/**
 * log σ(x) = −softplus(−x), elementwise, computed stably (no overflow for large |x|, no log 0).
 *
 * @example
 * logSigmoid(tensor([0])); // [-0.6931]
 */
export function logSigmoid(x: Tensor): Tensor {
  checkFloat('logSigmoid', 'x', x);
  return runOp(logSigmoidOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * log σ(x), elementwise: {@link logSigmoid}.
     *
     * @example
     * tensor([0]).logSigmoid(); // [-0.6931]
     */
    logSigmoid(): Tensor;
  }
}

Tensor.prototype.logSigmoid = function () {
  return logSigmoid(this);
};
