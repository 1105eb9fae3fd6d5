import { checkInteger, checkNumber, checkOptions, Rng, Tensor } from '@tapegrad/core';
import { labelTensor, oneHot } from './one-hot';
import type { LabeledData } from './types';

/**
 * Options of the two-dimensional point sets ({@link circles}, {@link moons}, {@link gaussians},
 * {@link xorPoints}).
 *
 * @example
 * const options: PointSetOptions = { numPerClass: 50, noise: 0.1, seed: 3 };
 * moons(options).x.shape; // [100, 2]
 */
export interface PointSetOptions {
  /** Points per class (default 100). */
  numPerClass?: number;
  /** Standard deviation of the Gaussian noise added to every coordinate (default per set). */
  noise?: number;
  /** Seed of the `Rng` that draws positions and noise (default 0). */
  seed?: number;
  /** {@link gaussians} only: how many blobs, one class each (default 3). */
  numClasses?: number;
}

interface Parsed {
  n: number;
  noise: number;
  rng: Rng;
  numClasses: number;
}

function parse(fn: string, options: PointSetOptions, noise: number, classes: boolean): Parsed {
  const keys = classes ? ['numPerClass', 'noise', 'seed', 'numClasses'] : ['numPerClass', 'noise', 'seed'];
  const o = checkOptions(fn, options, keys as (keyof PointSetOptions)[]);
  return {
    n: o.numPerClass === undefined ? 100 : checkInteger(fn, 'numPerClass', o.numPerClass, { min: 1, max: 1e6 }),
    noise: o.noise === undefined ? noise : checkNumber(fn, 'noise', o.noise, { min: 0 }),
    rng: new Rng(o.seed === undefined ? 0 : checkInteger(fn, 'seed', o.seed)),
    numClasses: o.numClasses === undefined ? 3 : checkInteger(fn, 'numClasses', o.numClasses, { min: 2, max: 1000 }),
  };
}

/** Builds the set from `point(class, i)`, which returns the point before noise. */
function pointSet(p: Parsed, classes: number, point: (c: number, i: number) => [number, number]): LabeledData {
  const rows = p.n * classes;
  const x = new Float32Array(rows * 2);
  const labels = new Int32Array(rows);
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < p.n; i++) {
      const r = c * p.n + i;
      const [u, v] = point(c, i);
      x[2 * r] = u + p.noise * p.rng.normal();
      x[2 * r + 1] = v + p.noise * p.rng.normal();
      labels[r] = c;
    }
  }
  return { x: new Tensor(x, [rows, 2]), t: oneHot(labels, classes), labels: labelTensor(labels) };
}

/**
 * Two concentric circles (scikit-learn's `make_circles`): class 0 on radius 1, class 1 on radius
 * 0.5, angles evenly spaced, plus Gaussian noise (default 0.05). `x` float32 `[2N, 2]`, `t`
 * one-hot `[2N, 2]`, `labels` int32.
 *
 * @example
 * const { x, t, labels } = circles(); // x [200, 2]
 * circles({ numPerClass: 50, noise: 0 }).x.shape; // [100, 2], points exactly on the circles
 */
export function circles(options: PointSetOptions = {}): LabeledData {
  const p = parse('circles', options, 0.05, false);
  return pointSet(p, 2, (c, i) => {
    const a = (2 * Math.PI * i) / p.n;
    const r = c === 0 ? 1 : 0.5;
    return [r * Math.cos(a), r * Math.sin(a)];
  });
}

/**
 * Two interleaving half circles (scikit-learn's `make_moons`), centred on the origin: class 0
 * the upper moon, class 1 the lower, plus Gaussian noise (default 0.1). Shapes as
 * {@link circles}.
 *
 * @example
 * const { x, labels } = moons({ noise: 0.2 }); // x [200, 2]
 * labels.data[150]; // 1
 */
export function moons(options: PointSetOptions = {}): LabeledData {
  const p = parse('moons', options, 0.1, false);
  return pointSet(p, 2, (c, i) => {
    const a = (Math.PI * i) / Math.max(1, p.n - 1);
    return c === 0 ? [Math.cos(a) - 0.5, Math.sin(a) - 0.25] : [0.5 - Math.cos(a), 0.25 - Math.sin(a)];
  });
}

/**
 * `numClasses` Gaussian blobs (default 3) with centres evenly spaced on a circle of radius 0.8,
 * each of standard deviation `noise` (default 0.25), one class per blob. `x` float32 `[C·N, 2]`,
 * `t` one-hot `[C·N, C]`, `labels` int32.
 *
 * @example
 * const { x, t } = gaussians(); // x [300, 2], t [300, 3]
 * gaussians({ numClasses: 4 }).t.shape; // [400, 4]
 */
export function gaussians(options: PointSetOptions = {}): LabeledData {
  const p = parse('gaussians', options, 0.25, true);
  return pointSet(p, p.numClasses, (c) => {
    const a = (2 * Math.PI * c) / p.numClasses;
    return [0.8 * Math.cos(a), 0.8 * Math.sin(a)];
  });
}

/**
 * The exclusive-or as a point cloud (TensorFlow Playground's "XOR"): points uniform in
 * [−1, 1]², kept 0.05 away from the axes, labelled 0 where x·y > 0 (first and third quadrants)
 * and 1 elsewhere, plus Gaussian noise (default 0.02). Shapes as {@link circles}.
 *
 * @example
 * const { x, labels } = xorPoints(); // x [200, 2]
 * xorPoints({ numPerClass: 10 }).labels.size; // 20
 */
export function xorPoints(options: PointSetOptions = {}): LabeledData {
  const p = parse('xorPoints', options, 0.02, false);
  const coord = (): number => {
    const v = p.rng.uniform(0.05, 1);
    return p.rng.random() < 0.5 ? -v : v;
  };
  return pointSet(p, 2, (c) => {
    const u = coord();
    const v = Math.abs(coord());
    // class 0: same signs; class 1: opposite signs
    return [u, c === 0 ? Math.sign(u) * v : -Math.sign(u) * v];
  });
}
