import { ShapeError, Tensor, ValueError, mul, square, sub, sum } from '@tapegrad/core';

/** How a loss reduces its elementwise values. */
export type Reduction = 'mean' | 'sum' | 'halfSum';

/**
 * Squared error: `mean` (PyTorch's default) averages (y−t)² over all elements, `sum` adds them,
 * `halfSum` is the book's ½Σ(y−t)². Shapes must match exactly (no silent broadcasting).
 *
 * @example
 * mseLoss(tensor([1, 2]), tensor([1, 4])); // 2
 * mseLoss(y, t, { reduction: 'halfSum' }); // the book's mean_squared_error
 */
export function mseLoss(y: Tensor, t: Tensor, options: { reduction?: Reduction } = {}): Tensor {
  const { reduction = 'mean' } = options;
  if (y.ndim !== t.ndim || y.shape.some((d, i) => d !== t.shape[i])) {
    throw new ShapeError(
      `mseLoss: y and t must have the same shape, got [${y.shape.join(',')}] and [${t.shape.join(',')}]`,
    );
  }
  const se = sum(square(sub(y, t)));
  switch (reduction) {
    case 'mean':
      return mul(se, 1 / Math.max(1, y.size));
    case 'sum':
      return se;
    case 'halfSum':
      return mul(se, 0.5);
    default:
      throw new ValueError(`mseLoss: reduction must be 'mean', 'sum' or 'halfSum', got '${String(reduction)}'`);
  }
}
