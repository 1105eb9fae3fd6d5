import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { prepareBinary } from './broadcast';
import type { TensorLike } from './util';

/** a · b, on equal shapes (broadcasting was recorded before this node). */
const mulOp = defineOp({
  name: 'mul',
  forward: ([a, b]) => {
    const out = empty(a.shape, a.dtype);
    kernels().binary('mul', a.data, b.data, out.data);
    return out;
  },
  backward: (gy, node) => {
    const [a, b] = node.inputs;
    return [node.needsGrad(0) ? mul(gy, b) : null, node.needsGrad(1) ? mul(gy, a) : null];
  },
});

/**
 * Multiplies elementwise with broadcasting (the book's Mul node).
 *
 * @example
 * mul(tensor([[1, 2], [3, 4]]), tensor([10, 20])); // [[10, 40], [30, 80]]
 */
export function mul(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = prepareBinary('mul', a, b);
  return runOp(mulOp, [x, y], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * This tensor times `other`, elementwise, broadcasting: {@link mul}.
     *
     * @example
     * tensor([1, 2]).mul(3); // [3, 6]
     */
    mul(other: TensorLike): Tensor;
  }
}

Tensor.prototype.mul = function (other) {
  return mul(this, other);
};
