import { defineOp, runOp } from '../autograd/op';
import type { Tensor } from '../tensor';
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
  return runOp(negOp, [x], undefined);
}
