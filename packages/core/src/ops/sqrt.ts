import { defineOp, runOp } from '../autograd/op';
import { Tensor } from '../tensor';
import { div } from './div';
import { mul } from './mul';
import { checkFloat, mapUnary } from './util';

/** sqrt'(x) = 1 / (2·sqrt(x)) = 1 / (2y). */
const sqrtOp = defineOp({
  name: 'sqrt',
  savesOutput: true,
  forward: ([x]) => mapUnary('sqrt', x),
  backward: (gy, node) => [div(gy, mul(node.output!, 2))],
});

/**
 * √x elementwise.
 *
 * @example
 * sqrt(tensor([4, 9])); // [2, 3]
 */
export function sqrt(x: Tensor): Tensor {
  checkFloat('sqrt', 'x', x);
  return runOp(sqrtOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The square root, elementwise: {@link sqrt}.
     *
     * @example
     * tensor([4, 9]).sqrt(); // [2, 3]
     */
    sqrt(): Tensor;
  }
}

Tensor.prototype.sqrt = function () {
  return sqrt(this);
};
