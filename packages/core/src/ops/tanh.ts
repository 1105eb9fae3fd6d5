import { defineOp, runOp } from '../autograd/op';
import { Tensor } from '../tensor';
import { mul } from './mul';
import { sub } from './sub';
import { checkFloat, mapUnary } from './util';

/** tanh'(x) = 1 − y². */
const tanhOp = defineOp({
  name: 'tanh',
  savesOutput: true,
  forward: ([x]) => mapUnary('tanh', x),
  backward: (gy, node) => {
    const y = node.output!;
    return [mul(gy, sub(1, mul(y, y)))];
  },
});

/**
 * Hyperbolic tangent elementwise.
 *
 * @example
 * tanh(tensor([0])); // [0]
 */
export function tanh(x: Tensor): Tensor {
  checkFloat('tanh', 'x', x);
  return runOp(tanhOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The hyperbolic tangent, elementwise: {@link tanh}.
     *
     * @example
     * tensor([0]).tanh(); // [0]
     */
    tanh(): Tensor;
  }
}

Tensor.prototype.tanh = function () {
  return tanh(this);
};
