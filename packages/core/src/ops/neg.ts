import { defineOp, runOp } from '../autograd/op';
import { checkTensor } from '../check';
import { Tensor } from '../tensor';
import { mapUnary } from './util';

const negOp = defineOp({
  name: 'neg',
  forward: ([x]) => mapUnary('neg', x),
  backward: (gy) => [neg(gy)],
});

/**
 * −x.
 *
 * @example
 * neg(tensor([1, -2])); // [-1, 2]
 */
export function neg(x: Tensor): Tensor {
  checkTensor('neg', 'x', x);
  return runOp(negOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The negation, elementwise: {@link neg}.
     *
     * @example
     * tensor([1, -2]).neg(); // [-1, 2]
     */
    neg(): Tensor;
  }
}

Tensor.prototype.neg = function () {
  return neg(this);
};
