import { noGrad, Rng, type Tensor } from '@tapegrad/core';
import { loadMnist } from '@tapegrad/datasets';
import { init } from '@tapegrad/nn';
import { secondsSince, writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';
import { TwoLayerNet } from '../lib/two-layer-net';

/** What `npm run example -- gradient-check` shows. */
export const description = 'DL from scratch ch. 5: backprop vs numerical gradients of TwoLayerNet on 3 MNIST images';

/**
 * The book's `numerical_gradient` (central differences, h = 1e-4) of `f` w.r.t. the elements
 * `indices` of `param` (all of them by default); the other entries of the result stay NaN.
 *
 * @example
 * const g = numericalGradientAt(() => net.loss(x, t).item(), net.fc2.bias!);
 * g[0]; // ≈ net.fc2.bias.grad.data[0]
 */
export function numericalGradientAt(
  f: () => number,
  param: Tensor,
  indices?: ArrayLike<number>,
  h = 1e-4,
): Float64Array {
  const g = new Float64Array(param.size).fill(NaN);
  const d = param.data;
  const n = indices ? indices.length : param.size;
  noGrad(() => {
    for (let k = 0; k < n; k++) {
      const i = indices ? indices[k] : k;
      const v = d[i];
      d[i] = v + h;
      const fp = f();
      d[i] = v - h;
      const fm = f();
      d[i] = v;
      g[i] = (fp - fm) / (2 * h);
    }
  });
  return g;
}

/**
 * Entries of `fc1.weight` (`[hidden, in]`) and `fc1.bias` whose ±h perturbation can move a
 * hidden pre-activation across ReLU's kink at 0 for some image: there the central difference
 * straddles a corner and disagrees with the (one-sided) backprop derivative by design.
 *
 * @example
 * const { weight, bias } = kinkEntries(noGrad(() => net.fc1.forward(x)), x, 1e-4);
 * weight.size; // entries to leave out
 */
export function kinkEntries(pre: Tensor, x: Tensor, h: number): { weight: Set<number>; bias: Set<number> } {
  const [n, hidden] = pre.shape;
  const inputs = x.shape[1];
  const weight = new Set<number>();
  const bias = new Set<number>();
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < hidden; j++) {
      const a = Math.abs(pre.data[s * hidden + j]);
      if (a <= h) bias.add(j);
      for (let i = 0; i < inputs; i++) if (a <= h * Math.abs(x.data[s * inputs + i])) weight.add(j * inputs + i);
    }
  }
  return { weight, bias };
}

/**
 * Builds the book's TwoLayerNet(784, 50, 10) in float64 (ReLU, as ch. 5), takes the first 3
 * MNIST training images, and compares backprop with numerical gradients parameter by
 * parameter, printing the book's mean |difference| and the max. Entries next to a ReLU kink
 * (see {@link kinkEntries}) are counted and left out of the comparison. Smoke mode checks 40
 * random entries per parameter instead of all 39,760.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/gc', log: console.log });
 * // largest difference 1.22e-10 (target < 1e-7)
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const train = loadMnist({ split: 'train' });
  const x = train.x.slice([0, 3]).astype('float64');
  const t = train.labels.slice([0, 3]);
  const rng = new Rng(0);
  const net = new TwoLayerNet(784, 50, 10, { activation: 'relu', init: init.normal(0.01), rng, dtype: 'float64' });
  const t0 = performance.now();
  net.zeroGrad();
  net.loss(x, t).backward();
  const f = (): number => net.loss(x, t).item();
  const h = 1e-4;
  const kinks = kinkEntries(
    noGrad(() => net.fc1.forward(x)),
    x,
    h,
  );
  const skip: Record<string, Set<number>> = { 'fc1.weight': kinks.weight, 'fc1.bias': kinks.bias };
  let skipped = 0;
  const metrics: Record<string, number> = {};
  let worst = 0;
  for (const [name, p] of net.namedParameters()) {
    const indices = smoke ? Int32Array.from({ length: Math.min(40, p.size) }, () => rng.randint(0, p.size)) : undefined;
    const num = numericalGradientAt(f, p, indices, h);
    const back = p.grad!.data;
    let sum = 0;
    let max = 0;
    let count = 0;
    for (let i = 0; i < num.length; i++) {
      if (Number.isNaN(num[i])) continue;
      if (skip[name]?.has(i)) {
        skipped++;
        continue;
      }
      const diff = Math.abs(num[i] - back[i]);
      sum += diff;
      max = Math.max(max, diff);
      count++;
    }
    log(
      `${name}: mean |backprop − numerical| ${(sum / count).toExponential(2)}, max ${max.toExponential(2)} (${count} entries)`,
    );
    metrics[`${name}.max`] = max;
    worst = Math.max(worst, max);
  }
  const seconds = secondsSince(t0);
  log(`largest difference ${worst.toExponential(2)} (target < 1e-7), ${seconds} s`);
  log(`${skipped} entries within h of a ReLU kink were left out (central differences straddle the corner)`);
  const result = { ...metrics, maxAbsDiff: worst, kinkEntriesSkipped: skipped, seconds };
  return { metrics: result, files: [writeJson(outDir, 'metrics.json', result)] };
}
