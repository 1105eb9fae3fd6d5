import { defineOp, runOp } from '../autograd/op';
import { Tensor } from '../tensor';
import { exp } from './exp';
import { mul } from './mul';
import { neg } from './neg';
import { square } from './pow';
import { checkFloat, mapUnary } from './util';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/** erf'(x) = 2/√π · e^(−x²). */
const erfOp = defineOp({
  name: 'erf',
  forward: ([x]) => mapUnary('erf', x),
  backward: (gy, node) => [mul(gy, mul(exp(neg(square(node.inputs[0]))), TWO_OVER_SQRT_PI))],
});

/**
 * The error function 2/√π ∫₀ˣ e^(−t²) dt, elementwise.
 *
 * @example
 * erf(tensor([0, 0.5])); // [0, 0.5205]
 */
export function erf(x: Tensor): Tensor {
  checkFloat('erf', 'x', x);
  return runOp(erfOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The error function, elementwise: {@link erf}.
     *
     * @example
     * tensor([0]).erf(); // [0]
     */
    erf(): Tensor;
  }
}

Tensor.prototype.erf = function () {
  return erf(this);
};
