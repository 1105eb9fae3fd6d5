import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { mul } from './mul';
import { sub } from './sub';
import { checkFloat, mapUnary } from './util';

/**
 * gy·y·(1 − y) in one pass: sigmoid's backward as an op of its own (like PyTorch's
 * sigmoid_backward), so a training step makes one tensor here instead of three. Its own rule
 * keeps higher derivatives: ∂/∂gy = y·(1 − y), ∂/∂y = gy·(1 − 2y).
 */
const sigmoidGradOp = defineOp({
  name: 'sigmoidGrad',
  forward: ([gy, y]) => {
    const out = empty(y.shape, y.dtype);
    kernels().sigmoidGrad(gy.data, y.data, out.data);
    return out;
  },
  backward: (gg, node) => {
    const [gy, y] = node.inputs;
    return [
      node.needsGrad(0) ? mul(gg, mul(y, sub(1, y))) : null,
      node.needsGrad(1) ? mul(gg, mul(gy, sub(1, mul(y, 2)))) : null,
    ];
  },
});

/** σ'(x) = y·(1 − y). */
const sigmoidOp = defineOp({
  name: 'sigmoid',
  savesOutput: true,
  forward: ([x]) => mapUnary('sigmoid', x),
  backward: (gy, node) => {
    const y = node.output!;
    if (gy.dtype === y.dtype && gy.size === y.size) return [runOp(sigmoidGradOp, [gy, y], undefined)];
    return [mul(gy, mul(y, sub(1, y)))];
  },
});

/**
 * The logistic function 1/(1+e⁻ˣ), stable for large |x| (never exponentiates a positive number).
 *
 * @example
 * sigmoid(tensor([0])); // [0.5]
 */
export function sigmoid(x: Tensor): Tensor {
  checkFloat('sigmoid', 'x', x);
  return runOp(sigmoidOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * 1 / (1 + e⁻ˣ), elementwise: {@link sigmoid}.
     *
     * @example
     * tensor([0]).sigmoid(); // [0.5]
     */
    sigmoid(): Tensor;
  }
}

Tensor.prototype.sigmoid = function () {
  return sigmoid(this);
};
