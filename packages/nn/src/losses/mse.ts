import { ShapeError, Tensor, checkOneOf, checkOptions, checkTensor, mul, square, sub, sum } from '@tapegrad/core';

/** How a loss reduces its elementwise values. */
export type Reduction = 'mean' | 'sum' | 'halfSum';

/**
 * Squared error: `mean` (PyTorch's default) averages (y−t)² over all elements, `sum` adds them,
 * `halfSum` is the book's ½Σ(y−t)². Shapes must match exactly (no silent broadcasting). The
 * mean over an empty batch is NaN (a mean of nothing, as PyTorch), never 0.
 *
 * @example
 * mseLoss(tensor([1, 2]), tensor([1, 4])); // 2
 * mseLoss(y, t, { reduction: 'halfSum' }); // the book's mean_squared_error
 */
export function mseLoss(y: Tensor, t: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  checkTensor('mseLoss', 'y', y);
  checkTensor('mseLoss', 't', t);
  const o = checkOptions('mseLoss', options, ['reduction']);
  const reduction = checkOneOf('mseLoss', 'reduction', o.reduction ?? 'mean', ['mean', 'sum', 'halfSum'] as const);
  if (y.ndim !== t.ndim || y.shape.some((d, i) => d !== t.shape[i])) {
    throw new ShapeError(
      `mseLoss: y and t must have the same shape, got [${y.shape.join(',')}] and [${t.shape.join(',')}]`,
    );
  }
  const se = sum(square(sub(y, t)));
  if (reduction === 'sum') return se;
  return mul(se, reduction === 'halfSum' ? 0.5 : y.size === 0 ? NaN : 1 / y.size);
}
