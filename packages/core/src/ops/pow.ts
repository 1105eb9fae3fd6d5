import { type Op, defineOp, runOp } from '../autograd/op';
import { empty, fullLike } from '../creation';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { prepareBinary } from './broadcast';
import { log } from './log';
import { mul } from './mul';
import { sub } from './sub';
import { type TensorLike, checkFloat } from './util';
import { where } from './where';
import { zeroGradient } from './zero-gradient';

/** x^c for a constant c: d/dx = c·x^(c−1). */
const powScalarOp = defineOp<{ c: number }>({
  name: 'pow',
  forward: ([x], { c }) => {
    const out = empty(x.shape, x.dtype);
    kernels().binaryScalar('pow', x.data, c, out.data);
    return out;
  },
  backward: (gy, node) => {
    const { c } = node.attrs;
    const x = node.inputs[0];
    // d/dx x⁰ = 0 everywhere, also at x = 0 where c·x^(c−1) would give 0·∞ = NaN; recorded
    // from gy, so that higher derivatives pass through it.
    if (c === 0) return [zeroGradient(gy)];
    return [mul(gy, c === 2 ? mul(x, 2) : mul(powScalar(x, c - 1), c))];
  },
});

/**
 * a^b for tensors: ∂/∂a = b·a^(b−1), ∂/∂b = y·log(a) (NaN for a < 0, as PyTorch). At a = 0 the
 * formulas give NaN where PyTorch gives 0: ∂/∂a = 0 where a = b = 0 (not 0·0⁻¹), ∂/∂b = 0 where
 * a = 0 and b ≥ 0 (not 0·log 0). Only those points are masked, so the rules stay differentiable
 * everywhere else (∂²/∂a∂b at b = 0, a ≠ 0 is 1/a, not 0).
 */
const powTensorOp: Op<void> = defineOp({
  name: 'pow',
  savesOutput: true,
  forward: ([a, b]) => {
    const out = empty(a.shape, a.dtype);
    kernels().binary('pow', a.data, b.data, out.data);
    return out;
  },
  backward: (gy, node) => {
    const [a, b] = node.inputs;
    const ga = node.needsGrad(0) ? mul(gy, keepWhere(edgeMask(a, b, 'base'), mul(b, powTensor(a, sub(b, 1))))) : null;
    const gb = node.needsGrad(1) ? mul(gy, keepWhere(edgeMask(a, b, 'exponent'), mul(node.output!, log(a)))) : null;
    return [ga, gb];
  },
});

function powTensor(a: Tensor, b: Tensor): Tensor {
  return runOp(powTensorOp, [a, b], undefined);
}

/**
 * 1 where the plain formula holds, 0 at the edges named above; null when there is no edge (the
 * usual case, which then costs one pass and no extra node).
 */
function edgeMask(a: Tensor, b: Tensor, wrt: 'base' | 'exponent'): Tensor | null {
  const ad = a.data;
  const bd = b.data;
  let mask: Tensor | null = null;
  for (let i = 0; i < ad.length; i++) {
    const edge = ad[i] === 0 && (wrt === 'base' ? bd[i] === 0 : bd[i] >= 0);
    if (edge) {
      if (mask === null) mask = fullLike(a, 1);
      mask.data[i] = 0;
    }
  }
  return mask;
}

/** `g` where `mask` is 1 and exactly 0 elsewhere (a product would keep NaN·0 = NaN). */
function keepWhere(mask: Tensor | null, g: Tensor): Tensor {
  return mask === null ? g : where(mask, g, 0);
}

function powScalar(x: Tensor, c: number): Tensor {
  return runOp(powScalarOp, [x], { c });
}

/**
 * `base` raised to `exponent` elementwise: a number exponent is a constant, a tensor exponent is
 * differentiated too.
 *
 * @example
 * pow(tensor([2, 3]), 2); // [4, 9]
 */
export function pow(base: TensorLike, exponent: TensorLike): Tensor {
  if (base instanceof Tensor && typeof exponent === 'number') {
    checkFloat('pow', 'base', base);
    return powScalar(base, exponent);
  }
  const [a, b] = prepareBinary('pow', base, exponent);
  checkFloat('pow', 'base', a);
  return powTensor(a, b);
}

/**
 * x² elementwise.
 *
 * @example
 * square(tensor([3])); // [9]
 */
export function square(x: Tensor): Tensor {
  checkFloat('square', 'x', x);
  return pow(x, 2);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * This tensor to the power `exponent`, broadcasting: {@link pow}.
     *
     * @example
     * tensor([2, 3]).pow(2); // [4, 9]
     */
    pow(exponent: TensorLike): Tensor;
    /**
     * This tensor squared, elementwise: {@link square}.
     *
     * @example
     * tensor([2, -3]).square(); // [4, 9]
     */
    square(): Tensor;
  }
}

Tensor.prototype.pow = function (exponent) {
  return pow(this, exponent);
};
Tensor.prototype.square = function () {
  return square(this);
};
