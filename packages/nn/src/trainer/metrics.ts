import { ShapeError, Tensor, checkNumber, checkOptions, checkTensor } from '@tapegrad/core';

/**
 * Fraction of correct predictions. Multi-class: `logits` `[N, C]` (C ≥ 2) against int32 class
 * indices `[N]` or one-hot rows `[N, C]`, comparing argmaxes. Binary: `logits` `[N]` or `[N, 1]`
 * against 0/1 targets of the same size, predicting 1 where logit > `threshold` (0 for logits;
 * pass 0.5 for probabilities). The accuracy of an empty batch is NaN, never 0.
 *
 * @example
 * accuracy(tensor([[2, 1], [0, 3]]), tensor([0, 0], { dtype: 'int32' })); // 0.5
 * accuracy(tensor([[1.5], [-2]]), tensor([[1], [0]])); // 1
 */
export function accuracy(logits: Tensor, labels: Tensor, options: { threshold?: number } = {}): number {
  checkTensor('accuracy', 'logits', logits);
  checkTensor('accuracy', 'labels', labels);
  const o = checkOptions('accuracy', options, ['threshold']);
  const y = logits.data;
  const t = labels.data;
  const n = logits.shape[0] ?? 0;
  if (n === 0) return NaN;
  const c = logits.ndim === 2 ? logits.shape[1] : 1;
  if (logits.ndim > 2 || logits.ndim === 0) {
    throw new ShapeError(`accuracy: logits must be [N] or [N,C], got [${logits.shape.join(',')}]`);
  }
  let correct = 0;
  if (c === 1) {
    if (labels.size !== n) {
      throw new ShapeError(`accuracy: binary targets must have ${n} elements, got [${labels.shape.join(',')}]`);
    }
    const th = checkNumber('accuracy', 'threshold', o.threshold ?? 0);
    for (let i = 0; i < n; i++) if (y[i] > th === t[i] > 0.5) correct++;
    return correct / n;
  }
  const oneHot = labels.ndim === 2 && labels.shape[0] === n && labels.shape[1] === c;
  if (!oneHot && !(labels.ndim === 1 && labels.shape[0] === n)) {
    throw new ShapeError(
      `accuracy: labels must be [${n}] class indices or [${n},${c}] one-hot for logits [${n},${c}], got [${labels.shape.join(',')}]`,
    );
  }
  for (let i = 0; i < n; i++) {
    const row = i * c;
    let best = 0;
    for (let j = 1; j < c; j++) if (y[row + j] > y[row + best]) best = j;
    let label: number;
    if (oneHot) {
      label = 0;
      for (let j = 1; j < c; j++) if (t[row + j] > t[row + label]) label = j;
    } else label = t[i];
    if (best === label) correct++;
  }
  return correct / n;
}
