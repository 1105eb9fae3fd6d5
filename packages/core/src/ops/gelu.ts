import { defineOp, runOp } from '../autograd/op';
import { checkOneOf } from '../check';
import { Tensor } from '../tensor';
import { add } from './add';
import { erf } from './erf';
import { exp } from './exp';
import { mul } from './mul';
import { square } from './pow';
import { sub } from './sub';
import { tanh } from './tanh';
import { checkFloat, mapUnary } from './util';

/** How GELU computes Φ: exactly (`'none'`, with erf) or by PyTorch's tanh approximation. */
export type GeluApproximate = 'none' | 'tanh';

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const K = Math.sqrt(2 / Math.PI);
const C = 0.044715;

/**
 * Exact: gelu'(x) = Φ(x) + x·φ(x), Φ(x) = (1 + erf(x/√2))/2, φ(x) = e^(−x²/2)/√(2π).
 * tanh form, u = √(2/π)(x + 0.044715x³), t = tanh(u):
 * gelu'(x) = (1 + t)/2 + x·(1 − t²)·√(2/π)(1 + 3·0.044715x²)/2.
 */
const geluOp = defineOp<{ approximate: GeluApproximate }>({
  name: 'gelu',
  forward: ([x], { approximate }) => mapUnary(approximate === 'tanh' ? 'geluTanh' : 'gelu', x),
  backward: (gy, node) => {
    const x = node.inputs[0];
    if (node.attrs.approximate === 'none') {
      const cdf = mul(add(erf(mul(x, SQRT1_2)), 1), 0.5);
      const pdf = mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI);
      return [mul(gy, add(cdf, mul(x, pdf)))];
    }
    const x2 = square(x);
    const t = tanh(mul(add(mul(x2, C), 1), mul(x, K)));
    const du = mul(add(mul(x2, 3 * C), 1), K);
    const d = add(mul(add(t, 1), 0.5), mul(mul(x, sub(1, square(t))), mul(du, 0.5)));
    return [mul(gy, d)];
  },
});

/**
 * The Gaussian error linear unit x·Φ(x) (PyTorch's `F.gelu`): exact with `approximate` 'none'
 * (the default), or with PyTorch's tanh approximation with 'tanh'.
 *
 * @example
 * gelu(tensor([0, 1])); // [0, 0.8413]
 * gelu(tensor([1]), 'tanh'); // [0.8412]
 */
export function gelu(x: Tensor, approximate: GeluApproximate = 'none'): Tensor {
  checkFloat('gelu', 'x', x);
  checkOneOf('gelu', 'approximate', approximate, ['none', 'tanh'] as const);
  return runOp(geluOp, [x], { approximate });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * GELU, exact or (`'tanh'`) approximate: {@link gelu}.
     *
     * @example
     * tensor([0, 1]).gelu(); // [0, 0.8413]
     */
    gelu(approximate?: GeluApproximate): Tensor;
  }
}

Tensor.prototype.gelu = function (approximate = 'none') {
  return gelu(this, approximate);
};
