import { noGrad } from '../autograd/grad-mode';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
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

declare module '../tensor' {
  interface Tensor {
    /**
     * 1 where this tensor equals `other`, else 0, broadcasting: {@link eq}.
     *
     * @example
     * tensor([1, 2, 3]).eq(2); // [0, 1, 0]
     */
    eq(other: TensorLike): Tensor;
    /**
     * 1 where this tensor is greater than `other`, else 0, broadcasting: {@link gt}.
     *
     * @example
     * tensor([1, 2, 3]).gt(2); // [0, 0, 1]
     */
    gt(other: TensorLike): Tensor;
    /**
     * 1 where this tensor is less than `other`, else 0, broadcasting: {@link lt}.
     *
     * @example
     * tensor([1, 2, 3]).lt(2); // [1, 0, 0]
     */
    lt(other: TensorLike): Tensor;
    /**
     * 1 where this tensor is at least `other`, else 0, broadcasting: {@link ge}.
     *
     * @example
     * tensor([1, 2, 3]).ge(2); // [0, 1, 1]
     */
    ge(other: TensorLike): Tensor;
    /**
     * 1 where this tensor is at most `other`, else 0, broadcasting: {@link le}.
     *
     * @example
     * tensor([1, 2, 3]).le(2); // [1, 1, 0]
     */
    le(other: TensorLike): Tensor;
  }
}

Tensor.prototype.eq = function (other) {
  return eq(this, other);
};
Tensor.prototype.gt = function (other) {
  return gt(this, other);
};
Tensor.prototype.lt = function (other) {
  return lt(this, other);
};
Tensor.prototype.ge = function (other) {
  return ge(this, other);
};
Tensor.prototype.le = function (other) {
  return le(this, other);
};
