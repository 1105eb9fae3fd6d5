import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { prepareBinary } from './broadcast';
import { astype } from './cast';
import { mul } from './mul';
import { neg } from './neg';
import type { TensorLike } from './util';

/** a / b on equal shapes: ∂/∂a = 1/b, ∂/∂b = −a/b² = −y/b. */
const divOp = defineOp({
  name: 'div',
  forward: ([a, b]) => {
    const out = empty(a.shape, a.dtype);
    kernels().binary('div', a.data, b.data, out.data);
    return out;
  },
  backward: (gy, node) => {
    const [a, b] = node.inputs;
    const ga = divide(gy, b);
    return [node.needsGrad(0) ? ga : null, node.needsGrad(1) ? neg(mul(ga, divide(a, b))) : null];
  },
});

function divide(a: Tensor, b: Tensor): Tensor {
  return runOp(divOp, [a, b], undefined);
}

/**
 * Divides elementwise with broadcasting (true division: int32 operands give float32).
 *
 * @example
 * div(tensor([1, 2]), 4); // [0.25, 0.5]
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  let [x, y] = prepareBinary('div', a, b);
  if (x.dtype === 'int32') {
    // True division, as PyTorch: integers divide to float32.
    x = astype(x, 'float32');
    y = astype(y, 'float32');
  }
  return divide(x, y);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * This tensor divided by `other`, broadcasting (true division): {@link div}.
     *
     * @example
     * tensor([1, 2]).div(2); // [0.5, 1]
     */
    div(other: TensorLike): Tensor;
  }
}

Tensor.prototype.div = function (other) {
  return div(this, other);
};
