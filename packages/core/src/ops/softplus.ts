import { noGrad } from '../autograd/grad-mode';
import { defineOp, runOp } from '../autograd/op';
import { checkNumber } from '../check';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { mul } from './mul';
import { sigmoid } from './sigmoid';
import { checkFloat } from './util';
import { where } from './where';

interface SoftplusAttrs {
  beta: number;
  threshold: number;
}

/**
 * softplus'(x) = σ(βx), and 1 where βx > threshold (there the forward is x itself), as PyTorch.
 * The threshold mask is a constant, so the rule is differentiable again.
 */
const softplusOp = defineOp<SoftplusAttrs>({
  name: 'softplus',
  forward: ([x], { beta, threshold }) => {
    const out = empty(x.shape, x.dtype);
    kernels().softplus(x.data, beta, threshold, out.data);
    return out;
  },
  backward: (gy, node) => {
    const x = node.inputs[0];
    const { beta, threshold } = node.attrs;
    const linear = noGrad(() => mul(x, beta).gt(threshold));
    return [where(linear, gy, mul(gy, sigmoid(mul(x, beta))))];
  },
});

/**
 * log(1 + e^(βx))/β elementwise, a smooth ReLU (PyTorch's `F.softplus`): x itself where
 * βx > `threshold`, and never overflowing.
 *
 * @example
 * softplus(tensor([0])); // [0.6931]
 * softplus(tensor([30])); // [30]
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkFloat('softplus', 'x', x);
  checkNumber('softplus', 'beta', beta, { above: 0 });
  checkNumber('softplus', 'threshold', threshold, { finite: false });
  return runOp(softplusOp, [x], { beta, threshold });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * log(1 + e^(βx))/β, elementwise: {@link softplus}.
     *
     * @example
     * tensor([0]).softplus(); // [0.6931]
     */
    softplus(beta?: number, threshold?: number): Tensor;
  }
}

Tensor.prototype.softplus = function (beta = 1, threshold = 20) {
  return softplus(this, beta, threshold);
};
