import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { prepareBinary } from './broadcast';
import type { TensorLike } from './util';

/** a + b, on equal shapes (broadcasting was recorded before this node). */
const addOp = defineOp({
  name: 'add',
  forward: ([a, b]) => {
    const out = empty(a.shape, a.dtype);
    kernels().binary('add', a.data, b.data, out.data);
    return out;
  },
  backward: (gy) => [gy, gy],
});

/**
 * Adds two tensors (or a tensor and a number) with broadcasting.
 *
 * @example
 * add(tensor([1, 2]), 10); // [11, 12]
 */
export function add(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = prepareBinary('add', a, b);
  return runOp(addOp, [x, y], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * This tensor plus `other`, broadcasting: {@link add}.
     *
     * @example
     * tensor([1, 2]).add(10); // [11, 12]
     */
    add(other: TensorLike): Tensor;
  }
}

Tensor.prototype.add = function (other) {
  return add(this, other);
};
