import { type Op, defineOp, runOp } from '../autograd/op';
import { empty, zerosLike } from '../creation';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { prepareBinary } from './broadcast';
import { log } from './log';
import { mul } from './mul';
import { sub } from './sub';
import { type TensorLike, checkFloat } from './util';

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
    // d/dx x⁰ = 0 everywhere, also at x = 0 where c·x^(c−1) would give 0·∞ = NaN.
    if (c === 0) return [zerosLike(x)];
    return [mul(gy, c === 2 ? mul(x, 2) : mul(powScalar(x, c - 1), c))];
  },
});

/** a^b for tensors: ∂/∂a = b·a^(b−1), ∂/∂b = y·log(a) (NaN for a < 0, as PyTorch). */
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
    const ga = node.needsGrad(0) ? mul(gy, mul(b, runOp(powTensorOp, [a, sub(b, 1)], undefined))) : null;
    const gb = node.needsGrad(1) ? mul(gy, mul(node.output!, log(a))) : null;
    return [ga, gb];
  },
});

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
  return runOp(powTensorOp, [a, b], undefined);
}

/**
 * x² elementwise.
 *
 * @example
 * square(tensor([3])); // [9]
 */
export function square(x: Tensor): Tensor {
  return pow(x, 2);
}
