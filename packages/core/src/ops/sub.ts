import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { prepareBinary } from './broadcast';
import type { TensorLike } from './util';
import { neg } from './neg';

/** a - b, on equal shapes (broadcasting was recorded before this node). */
const subOp = defineOp({
  name: 'sub',
  forward: ([a, b]) => {
    const out = empty(a.shape, a.dtype);
    kernels().binary('sub', a.data, b.data, out.data);
    return out;
  },
  backward: (gy, node) => {
    return [gy, node.needsGrad(1) ? neg(gy) : null];
  },
});

/**
 * Subtracts `b` from `a` with broadcasting.
 *
 * @example
 * sub(tensor([3, 4]), 1); // [2, 3]
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = prepareBinary('sub', a, b);
  return runOp(subOp, [x, y], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * This tensor minus `other`, broadcasting: {@link sub}.
     *
     * @example
     * tensor([1, 2]).sub(1); // [0, 1]
     */
    sub(other: TensorLike): Tensor;
  }
}

Tensor.prototype.sub = function (other) {
  return sub(this, other);
};
