import { noGrad, type Tensor } from '@tapegrad/core';

/**
 * Fraction of rows of `scores` `[N, C]` whose argmax equals the label (int32 `[N]` or one-hot `[N, C]`).
 *
 * @example
 * accuracyOf(tensor([[0.1, 0.9]]), tensor([1], { dtype: 'int32' })); // 1
 */
export function accuracyOf(scores: Tensor, t: Tensor): number {
  const [n, c] = scores.shape;
  const s = scores.data;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (s[i * c + j] > s[i * c + best]) best = j;
    let label: number;
    if (t.ndim === 1) label = t.data[i];
    else {
      label = 0;
      for (let j = 1; j < c; j++) if (t.data[i * c + j] > t.data[i * c + label]) label = j;
    }
    if (best === label) correct++;
  }
  return n === 0 ? 0 : correct / n;
}

/**
 * Accuracy over a large set in chunks (keeps memory flat for 60,000 MNIST rows).
 *
 * @example
 * evaluateAccuracy((x) => net.forward(x), test.x, test.labels); // 0.9713
 */
export function evaluateAccuracy(forward: (x: Tensor) => Tensor, x: Tensor, labels: Tensor, chunk = 2000): number {
  return noGrad(() => {
    const n = x.shape[0];
    let correct = 0;
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(n, start + chunk);
      const xs = x.slice([start, end]);
      const ls = labels.slice([start, end]);
      correct += accuracyOf(forward(xs), ls) * (end - start);
    }
    return correct / n;
  });
}
