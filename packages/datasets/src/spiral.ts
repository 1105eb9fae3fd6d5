import { allocateChecked, checkAllocation, checkInteger, checkOptions, Rng, Tensor } from '@tapegrad/core';
import { labelTensor, oneHot } from './one-hot';
import type { LabeledData } from './types';

/**
 * Options of {@link spiral}.
 *
 * @example
 * const options: SpiralOptions = { numPerClass: 50, numClasses: 4 };
 * spiral(options).x.shape; // [200, 2]
 */
export interface SpiralOptions {
  /** Points per class, the book's `N` (default 100). */
  numPerClass?: number;
  /** Number of arms/classes, the book's `CLS_NUM` (default 3). */
  numClasses?: number;
  /** Seed of the `Rng` that draws the angle noise (default 1984, as the book). */
  seed?: number;
}

/**
 * The spiral toy set of "Deep Learning from Scratch 2" (`dataset/spiral.py`, `load_data`):
 * for class j and point i, rate = i/N, radius = rate, θ = 4j + 4·rate + 0.2·z with z drawn
 * from `new Rng(seed).normal()` in loop order (j outer, i inner), x = (radius·sin θ, radius·cos θ).
 *
 * @example
 * const { x, t, labels } = spiral(); // x [300,2] float32, t [300,3] one-hot, labels int32 [300]
 * const small = spiral({ numPerClass: 10, numClasses: 2, seed: 1 });
 */
export function spiral(options: SpiralOptions = {}): LabeledData {
  const o = checkOptions('spiral', options, ['numPerClass', 'numClasses', 'seed']);
  const n = o.numPerClass === undefined ? 100 : checkInteger('spiral', 'numPerClass', o.numPerClass, { min: 1 });
  const numClasses = o.numClasses === undefined ? 3 : checkInteger('spiral', 'numClasses', o.numClasses, { min: 1 });
  const seed = o.seed === undefined ? 1984 : checkInteger('spiral', 'seed', o.seed);
  // x, the one-hot t and the labels: refuse sizes no typed array can hold before making any
  checkAllocation('spiral', [n * numClasses, 2], 'float32');
  checkAllocation('spiral', [n * numClasses, numClasses], 'float32');
  const rng = new Rng(seed);
  const x = allocateChecked('spiral', [n * numClasses, 2], 'float32', () => new Float32Array(n * numClasses * 2));
  const labels = allocateChecked('spiral', [n * numClasses], 'int32', () => new Int32Array(n * numClasses));
  for (let j = 0; j < numClasses; j++) {
    for (let i = 0; i < n; i++) {
      const rate = i / n;
      const radius = rate;
      const theta = j * 4.0 + 4.0 * rate + rng.normal() * 0.2;
      const ix = n * j + i;
      x[2 * ix] = radius * Math.sin(theta);
      x[2 * ix + 1] = radius * Math.cos(theta);
      labels[ix] = j;
    }
  }
  return { x: new Tensor(x, [n * numClasses, 2]), t: oneHot(labels, numClasses), labels: labelTensor(labels) };
}
