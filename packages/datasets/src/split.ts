import {
  checkNumber,
  checkOptions,
  checkTensor,
  describe,
  getDefaultRng,
  Rng,
  ShapeError,
  Tensor,
  ValueError,
} from '@tapegrad/core';
import { copyRows } from './dataset';

/**
 * Options of {@link trainTestSplit}.
 *
 * @example
 * const options: SplitOptions = { testSize: 0.2, stratify: true, rng: new Rng(0) };
 * trainTestSplit(x, t, options);
 */
export interface SplitOptions {
  /** Test share: a fraction in (0, 1) or a count of examples (default 0.25, as scikit-learn). */
  testSize?: number;
  /**
   * Keep each class's share in both parts: `true` stratifies by `t` (int labels `[N]` or one-hot
   * `[N, C]`), a tensor stratifies by those labels instead. Default false.
   */
  stratify?: boolean | Tensor;
  /** Generator for the random assignment (default: core's default generator). */
  rng?: Rng;
}

/**
 * The four parts {@link trainTestSplit} returns, rows of `x` and `t` still paired.
 *
 * @example
 * const { xTrain, tTrain, xTest, tTest }: Split = trainTestSplit(x, t);
 * xTrain.shape[0] + xTest.shape[0]; // N
 */
export interface Split {
  xTrain: Tensor;
  xTest: Tensor;
  tTrain: Tensor;
  tTest: Tensor;
}

/**
 * Splits `x` and `t` (first axis = examples) into random train and test parts, like
 * scikit-learn's `train_test_split`: the test part has `ceil(testSize·N)` examples; with
 * `stratify` every class gets its proportional share (largest remainders settle the rounding).
 *
 * @example
 * const { xTrain, xTest, tTrain, tTest } = trainTestSplit(x, t, { testSize: 0.2, stratify: true, rng: new Rng(0) });
 * xTest.shape[0]; // ceil(0.2 · N)
 */
export function trainTestSplit(x: Tensor, t: Tensor, options: SplitOptions = {}): Split {
  checkTensor('trainTestSplit', 'x', x);
  checkTensor('trainTestSplit', 't', t);
  const o = checkOptions('trainTestSplit', options, ['testSize', 'stratify', 'rng']);
  const testSize = o.testSize === undefined ? 0.25 : checkNumber('trainTestSplit', 'testSize', o.testSize);
  const stratify = o.stratify ?? false;
  if (typeof stratify !== 'boolean' && !(stratify instanceof Tensor)) {
    throw new ValueError(
      `trainTestSplit: stratify must be true, false or a Tensor of labels, got ${describe(stratify)}`,
    );
  }
  if (o.rng !== undefined && !(o.rng instanceof Rng)) {
    throw new ValueError(`trainTestSplit: rng must be an Rng, got ${describe(o.rng)}`);
  }
  const rng = o.rng as Rng | undefined;
  const n = x.shape[0];
  if (x.ndim < 1 || t.ndim < 1 || t.shape[0] !== n) {
    throw new ShapeError(
      `trainTestSplit: x and t need the same first axis, got x [${x.shape.join(',')}] and t [${t.shape.join(',')}]`,
    );
  }
  const nTest = testCount(testSize, n);
  const r = rng ?? getDefaultRng();
  let test: number[];
  if (stratify === false) {
    test = Array.from(r.permutation(n).subarray(0, nTest));
  } else {
    test = stratifiedTest(classesOf(stratify === true ? t : stratify, n), nTest, r);
  }
  const isTest = new Uint8Array(n);
  for (const i of test) isTest[i] = 1;
  const train: number[] = [];
  for (let i = 0; i < n; i++) if (!isTest[i]) train.push(i);
  const trainIdx = shuffled(train, r);
  const testIdx = shuffled(test, r);
  return {
    xTrain: copyRows(x, trainIdx),
    xTest: copyRows(x, testIdx),
    tTrain: copyRows(t, trainIdx),
    tTest: copyRows(t, testIdx),
  };
}

function testCount(testSize: number, n: number): number {
  const count = testSize > 0 && testSize < 1 ? Math.ceil(testSize * n) : testSize;
  if (!Number.isInteger(count) || count < 1 || count >= n) {
    throw new ValueError(
      `trainTestSplit: testSize must be a fraction in (0, 1) or a count in [1, ${n - 1}] for ${n} examples, got ${testSize}`,
    );
  }
  return count;
}

function classesOf(labels: Tensor, n: number): Int32Array {
  if (labels.shape[0] !== n || labels.ndim > 2) {
    throw new ShapeError(
      `trainTestSplit: stratify labels must be [${n}] or [${n}, C], got [${labels.shape.join(',')}]`,
    );
  }
  const out = new Int32Array(n);
  if (labels.ndim === 2) {
    const c = labels.shape[1];
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < c; k++) if (labels.data[i * c + k] > labels.data[i * c + best]) best = k;
      out[i] = best;
    }
    return out;
  }
  for (let i = 0; i < n; i++) {
    const v = labels.data[i];
    if (!Number.isInteger(v)) throw new ValueError(`trainTestSplit: stratify label ${i} is ${v}, not an integer`);
    out[i] = v;
  }
  return out;
}

function stratifiedTest(classes: Int32Array, nTest: number, rng: Rng): number[] {
  const members = new Map<number, number[]>();
  classes.forEach((c, i) => {
    const list = members.get(c);
    if (list) list.push(i);
    else members.set(c, [i]);
  });
  const keys = [...members.keys()].sort((a, b) => a - b);
  const n = classes.length;
  const exact = keys.map((k) => (members.get(k)!.length * nTest) / n);
  const take = exact.map(Math.floor);
  let left = nTest - take.reduce((a, b) => a + b, 0);
  const byRemainder = keys.map((_, i) => i).sort((a, b) => exact[b] - take[b] - (exact[a] - take[a]) || a - b);
  for (const i of byRemainder) {
    if (left === 0) break;
    take[i]++;
    left--;
  }
  const test: number[] = [];
  keys.forEach((k, i) => {
    const list = members.get(k)!;
    const perm = rng.permutation(list.length);
    for (let j = 0; j < take[i]; j++) test.push(list[perm[j]]);
  });
  return test;
}

function shuffled(indices: number[], rng: Rng): Int32Array {
  const perm = rng.permutation(indices.length);
  const out = new Int32Array(indices.length);
  for (let i = 0; i < out.length; i++) out[i] = indices[perm[i]];
  return out;
}
