import { noGrad } from '../autograd/grad-mode';
import { empty } from '../creation';
import { kernels } from '../kernels';
import type { Tensor } from '../tensor';
import { prepareBinary } from './broadcast';
import type { TensorLike } from './util';

type Comparison = 'eq' | 'gt' | 'lt' | 'ge' | 'le';

/**
 * Elementwise comparison with broadcasting. tapegrad has no bool dtype: the result holds 1 and 0
 * in the operands' common dtype, so it multiplies straight into masks. Never differentiable.
 */
function compare(kind: Comparison, a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = noGrad(() => prepareBinary(kind, a, b));
  const out = empty(x.shape, x.dtype);
  kernels().binary(kind, x.data, y.data, out.data);
  return out;
}

/**
 * 1 where a == b, else 0.
 *
 * @example
 * eq(tensor([1, 2]), 2); // [0, 1]
 */
export function eq(a: TensorLike, b: TensorLike): Tensor {
  return compare('eq', a, b);
}

/** 1 where a > b, else 0. @example gt(tensor([1, 3]), 2); // [0, 1] */
export function gt(a: TensorLike, b: TensorLike): Tensor {
  return compare('gt', a, b);
}

/** 1 where a < b, else 0. @example lt(tensor([1, 3]), 2); // [1, 0] */
export function lt(a: TensorLike, b: TensorLike): Tensor {
  return compare('lt', a, b);
}

/** 1 where a ≥ b, else 0. @example ge(tensor([2, 3]), 2); // [1, 1] */
export function ge(a: TensorLike, b: TensorLike): Tensor {
  return compare('ge', a, b);
}

/** 1 where a ≤ b, else 0. @example le(tensor([2, 3]), 2); // [1, 0] */
export function le(a: TensorLike, b: TensorLike): Tensor {
  return compare('le', a, b);
}
