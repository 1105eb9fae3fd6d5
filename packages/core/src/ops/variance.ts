import { checkBoolean, checkNumber, checkOptions } from '../check';
import { normalizeAxes, sizeOf } from '../shape';
import { Tensor } from '../tensor';
import { div } from './div';
import { mul } from './mul';
import { sqrt } from './sqrt';
import { sub } from './sub';
import { type AxisArg, mean, sum } from './sum';
import { checkFloat } from './util';

/** Options of {@link variance} and {@link std}. */
export interface VarianceOptions {
  /**
   * Subtracted from the count in the divisor, N − correction (PyTorch's `correction`): 1 (the
   * default) is Bessel's unbiased estimate, 0 the population variance. A divisor ≤ 0 gives
   * ∞ or NaN, as PyTorch.
   */
  correction?: number;
  /** Keep the reduced axes as extent 1. Default false. */
  keepdims?: boolean;
}

function resolve(fn: string, x: Tensor, axis: AxisArg, options: VarianceOptions | undefined) {
  checkFloat(fn, 'x', x);
  const o = checkOptions(fn, options, ['correction', 'keepdims']);
  const correction = o.correction === undefined ? 1 : checkNumber(fn, 'correction', o.correction, { min: 0 });
  const keepdims = o.keepdims === undefined ? false : checkBoolean(fn, 'keepdims', o.keepdims);
  const axes = normalizeAxes(fn, axis, x.ndim);
  return { axes, keepdims, divisor: Math.max(sizeOf(axes.map((a) => x.shape[a])) - correction, 0) };
}

/**
 * The variance over `axis` (all axes when omitted), Σ(x − mean)²/(N − correction), with
 * PyTorch's `torch.var` semantics: `correction` 1 by default. Composed of ops, so its gradient
 * (and every higher one) follows. Also exported as `var`.
 *
 * @example
 * variance(tensor([1, 2, 3, 4])); // 1.6667
 * variance(tensor([[1, 2], [3, 5]]), 1, { correction: 0 }); // [0.25, 1]
 */
export function variance(x: Tensor, axis?: AxisArg, options?: VarianceOptions): Tensor {
  const { axes, keepdims, divisor } = resolve('var', x, axis, options);
  const d = sub(x, mean(x, axes, true));
  return div(sum(mul(d, d), axes, keepdims), divisor);
}

/**
 * The standard deviation over `axis`, √variance, with PyTorch's `torch.std` semantics
 * (`correction` 1 by default). Its gradient is NaN where the variance is 0, as PyTorch's.
 *
 * @example
 * std(tensor([2, 4, 4, 4, 5, 5, 7, 9]), null, { correction: 0 }); // 2
 */
export function std(x: Tensor, axis?: AxisArg, options?: VarianceOptions): Tensor {
  resolve('std', x, axis, options);
  return sqrt(variance(x, axis, options));
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The variance over `axis` (default all; `correction` 1): {@link variance}.
     *
     * @example
     * tensor([1, 2, 3, 4]).var(); // 1.6667
     */
    var(axis?: number | number[] | null, options?: VarianceOptions): Tensor;
    /**
     * The standard deviation over `axis` (default all; `correction` 1): {@link std}.
     *
     * @example
     * tensor([1, 3]).std(); // 1.4142
     */
    std(axis?: number | number[] | null, options?: VarianceOptions): Tensor;
  }
}

Tensor.prototype.var = function (axis, options) {
  return variance(this, axis, options);
};
Tensor.prototype.std = function (axis, options) {
  return std(this, axis, options);
};
