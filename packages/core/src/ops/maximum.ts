import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { prepareBinary } from './broadcast';
import { mul } from './mul';
import type { TensorLike } from './util';

type Which = 'maximum' | 'minimum';

/**
 * The share of gy that goes to `a`: 1 where a wins, ½ where a and b tie, 0 where b wins
 * (PyTorch's rule: ties split the gradient evenly). A constant, so the rule is differentiable
 * again.
 */
function shareOfA(which: Which, a: Tensor, b: Tensor): Tensor {
  const wins = empty(a.shape, a.dtype);
  const ties = empty(a.shape, a.dtype);
  const kern = kernels();
  kern.binary(which === 'maximum' ? 'gt' : 'lt', a.data, b.data, wins.data);
  kern.binary('eq', a.data, b.data, ties.data);
  kern.binaryScalar('mul', ties.data, 0.5, ties.data);
  kern.binary('add', wins.data, ties.data, wins.data);
  return wins;
}

function extremumOp(which: Which) {
  return defineOp({
    name: which,
    forward: ([a, b]) => {
      const out = empty(a.shape, a.dtype);
      kernels().binary(which, a.data, b.data, out.data);
      return out;
    },
    backward: (gy, node) => {
      const [a, b] = node.inputs;
      const share = shareOfA(which, a, b);
      const rest = empty(share.shape, share.dtype);
      kernels().binaryScalar('rsub', share.data, 1, rest.data);
      return [node.needsGrad(0) ? mul(gy, share) : null, node.needsGrad(1) ? mul(gy, rest) : null];
    },
  });
}

const maximumOp = extremumOp('maximum');
const minimumOp = extremumOp('minimum');

/**
 * The larger of `a` and `b`, elementwise, broadcasting (PyTorch's `torch.maximum`); NaN in
 * either propagates. Where they tie, each gets half the gradient.
 *
 * @example
 * maximum(tensor([1, 5]), tensor([3, 2])); // [3, 5]
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = prepareBinary('maximum', a, b);
  return runOp(maximumOp, [x, y], undefined);
}

/**
 * The smaller of `a` and `b`, elementwise, broadcasting (PyTorch's `torch.minimum`); NaN in
 * either propagates. Where they tie, each gets half the gradient.
 *
 * @example
 * minimum(tensor([1, 5]), 2); // [1, 2]
 */
export function minimum(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = prepareBinary('minimum', a, b);
  return runOp(minimumOp, [x, y], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The elementwise larger of this tensor and `other`, broadcasting: {@link maximum}.
     *
     * @example
     * tensor([1, 5]).maximum(3); // [3, 5]
     */
    maximum(other: TensorLike): Tensor;
    /**
     * The elementwise smaller of this tensor and `other`, broadcasting: {@link minimum}.
     *
     * @example
     * tensor([1, 5]).minimum(3); // [1, 3]
     */
    minimum(other: TensorLike): Tensor;
  }
}

Tensor.prototype.maximum = function (other) {
  return maximum(this, other);
};
Tensor.prototype.minimum = function (other) {
  return minimum(this, other);
};
