import { Rng, type Tensor } from '@tapegrad/core';
import {
  breastCancer,
  iris,
  loadFashionMnist,
  loadMnist,
  spiral,
  standardize,
  trainTestSplit,
} from '@tapegrad/datasets';
import type { DataSplit } from './fit';

/** The data sets the CLI knows. */
export const DATA_NAMES = ['mnist', 'fashion-mnist', 'spiral', 'iris', 'breast-cancer'] as const;
export type DataName = (typeof DATA_NAMES)[number];

/** A classification problem: training data and the split it is judged on. */
export interface Problem {
  name: DataName;
  train: DataSplit;
  /** The held-out split (for spiral, which has none, the training set itself, as the book). */
  test: DataSplit;
  /** What `test` is: the official test set, a stratified hold-out, or the training set. */
  testKind: 'test' | 'holdout' | 'train';
  inputSize: number;
  numClasses: number;
}

/** Seed of the fixed stratified 80/20 split of the small tabular sets (so `eval` sees the same). */
export const SPLIT_SEED = 42;

/** The first `n` rows (all when `n` is undefined). */
function head(s: DataSplit, n?: number): DataSplit {
  if (n === undefined || n >= s.x.shape[0]) return s;
  return { x: s.x.slice([0, n]), labels: s.labels.slice([0, n]) };
}

function tabular(name: DataName, x: Tensor, labels: Tensor, numClasses: number): Problem {
  const split = trainTestSplit(x, labels, { testSize: 0.2, stratify: true, rng: new Rng(SPLIT_SEED) });
  const scaler = standardize(split.xTrain);
  return {
    name,
    train: { x: scaler.transform(split.xTrain), labels: split.tTrain },
    test: { x: scaler.transform(split.xTest), labels: split.tTest },
    testKind: 'holdout',
    inputSize: x.shape[1],
    numClasses,
  };
}

/**
 * Loads a named data set as a {@link Problem}: MNIST and Fashion-MNIST with their official
 * splits (pixels in [0, 1]); spiral (seed 1984) judged on itself; iris and breast cancer split
 * 80/20 stratified with seed {@link SPLIT_SEED} and standardised with the training statistics.
 * `limit` keeps the first rows of each split (for smoke runs).
 *
 * @example
 * const { train, test, inputSize, numClasses } = loadProblem('mnist');
 */
export function loadProblem(name: DataName, limit?: number): Problem {
  switch (name) {
    case 'mnist':
    case 'fashion-mnist': {
      const load = name === 'mnist' ? loadMnist : loadFashionMnist;
      const tr = load({ split: 'train' });
      const te = load({ split: 'test' });
      return {
        name,
        train: head({ x: tr.x, labels: tr.labels }, limit),
        test: head({ x: te.x, labels: te.labels }, limit),
        testKind: 'test',
        inputSize: 784,
        numClasses: 10,
      };
    }
    case 'spiral': {
      const d = spiral();
      const all = { x: d.x, labels: d.labels };
      return { name, train: all, test: all, testKind: 'train', inputSize: 2, numClasses: 3 };
    }
    case 'iris': {
      const d = iris();
      return tabular(name, d.x, d.labels, 3);
    }
    case 'breast-cancer': {
      const d = breastCancer();
      return tabular(name, d.x, d.labels, 2);
    }
  }
}
