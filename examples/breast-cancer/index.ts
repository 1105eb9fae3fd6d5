import { noGrad, Rng, type Tensor } from '@tapegrad/core';
import { breastCancer, standardize, trainTestSplit } from '@tapegrad/datasets';
import { applyPenalty, bceWithLogits, init, Linear, Sequential, SGD, Sigmoid, type Initializer } from '@tapegrad/nn';
import { lineChart, savePlot } from '@tapegrad/plot';
import * as path from 'node:path';
import { epochBatches } from '@tapegrad/cli';
import { secondsSince, summaryStats, writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';

/** What `npm run example -- breast-cancer` shows. */
export const description =
  'Lecture: SingleLayer / DualLayer / MinibatchNetwork with L2 0.01 on the standardised breast-cancer set';

/**
 * Fraction of rows where (logit > 0) equals the 0/1 target.
 *
 * @example
 * binaryAccuracy(tensor([[2], [-1]]), tensor([[1], [1]])); // 0.5
 * binaryAccuracy(model.forward(val.x), val.t);
 */
export function binaryAccuracy(logits: Tensor, t: Tensor): number {
  let correct = 0;
  for (let i = 0; i < logits.size; i++) if ((logits.data[i] > 0 ? 1 : 0) === t.data[i]) correct++;
  return correct / logits.size;
}

/** One of the lecture's networks. */
export interface Variant {
  name: string;
  /** Hidden units (0 = the single-layer logistic regression). */
  units: number;
  /** Rows per update; 0 = the whole training set (batch gradient descent). */
  batchSize: number;
  epochs: number;
  /** `'ones'`: the lecture's `np.ones` weights; `'normal'`: `np.random.normal(0, 1)`. */
  init: 'ones' | 'normal';
  /** What the lecture prints for `score(x_val_scaled, y_val)`, if it prints one. */
  lecture: number | null;
}

/**
 * The lecture's five runs (ch. 6 of "Do it! 딥러닝 입문"), all with lr 0.1 and l2 = 0.01:
 * SingleLayer and DualLayer start from all-ones weights (so DualLayer's ten hidden units stay
 * identical), RandomInitNetwork and MinibatchNetwork from N(0, 1).
 */
export const VARIANTS: readonly Variant[] = [
  { name: 'SingleLayer', units: 0, batchSize: 0, epochs: 10000, init: 'ones', lecture: 0.978 },
  { name: 'DualLayer', units: 10, batchSize: 0, epochs: 20000, init: 'ones', lecture: 0.978 },
  { name: 'RandomInitNetwork', units: 10, batchSize: 0, epochs: 500, init: 'normal', lecture: null },
  { name: 'MinibatchNetwork (batch 32)', units: 10, batchSize: 32, epochs: 500, init: 'normal', lecture: 0.978 },
  { name: 'MinibatchNetwork (batch 128)', units: 10, batchSize: 128, epochs: 500, init: 'normal', lecture: 0.978 },
];

/** The lecture's data: train / validation / test, standardised with the training statistics. */
export interface BreastCancerSplit {
  train: { x: Tensor; t: Tensor };
  val: { x: Tensor; t: Tensor };
  test: { x: Tensor; t: Tensor };
}

/**
 * The lecture's two stratified splits — `train_test_split(x, y, stratify=y, test_size=0.2)`, then
 * the same on the remaining 80% for validation — and `StandardScaler` fitted on the training part
 * only. `seed` replaces `random_state=42` (our generator is not NumPy's, so the rows differ).
 *
 * @example
 * const { train, val } = lectureSplit(42); // 364 and 91 rows
 */
export function lectureSplit(seed: number): BreastCancerSplit {
  const data = breastCancer();
  const t = data.labels.astype('float32').reshape([-1, 1]);
  const outer = trainTestSplit(data.x, t, { testSize: 0.2, stratify: data.labels, rng: new Rng(seed) });
  const inner = trainTestSplit(outer.xTrain, outer.tTrain, {
    testSize: 0.2,
    stratify: outer.tTrain.reshape([-1]).astype('int32'),
    rng: new Rng(seed),
  });
  const scaler = standardize(inner.xTrain);
  return {
    train: { x: scaler.transform(inner.xTrain), t: inner.tTrain },
    val: { x: scaler.transform(inner.xTest), t: inner.tTest },
    test: { x: scaler.transform(outer.xTest), t: outer.tTest },
  };
}

/**
 * Trains one variant as the lecture does: sigmoid output with binary cross-entropy averaged over
 * the batch (the lecture's `err / m`), SGD lr 0.1, and the L2 term `w_grad += l2·w / m` on the
 * weights only (the lecture never penalises `b1`, `b2`); mini-batches follow `gen_batch`, a fresh
 * permutation per epoch with the remainder as a last smaller batch. `rng` draws the N(0, 1)
 * weights and the permutations. Returns the final scores and (unless `curve: false`) the
 * validation loss after every epoch.
 *
 * @example
 * trainVariant(VARIANTS[3], lectureSplit(42), new Rng(42)).valAccuracy; // ≈ 0.97
 */
export function trainVariant(
  v: Variant,
  data: BreastCancerSplit,
  rng: Rng,
  { epochs = v.epochs, curve = true }: { epochs?: number; curve?: boolean } = {},
): { valAccuracy: number; testAccuracy: number; valLoss: number[] } {
  const weightInit: Initializer = v.init === 'ones' ? init.ones : init.normal(1);
  const features = data.train.x.shape[1];
  const layers =
    v.units === 0
      ? [new Linear(features, 1, { init: weightInit, rng })]
      : [
          new Linear(features, v.units, { init: weightInit, rng }),
          new Sigmoid(),
          new Linear(v.units, 1, { init: weightInit, rng }),
        ];
  const model = new Sequential(...layers);
  const weights = layers.filter((l): l is Linear => l instanceof Linear).map((l) => l.weight);
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const n = data.train.x.shape[0];
  const batchSize = v.batchSize === 0 ? n : v.batchSize;
  const valLoss: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const batches =
      batchSize >= n ? [data.train] : Array.from(epochBatches(data.train.x, data.train.t, batchSize, rng, true));
    for (const b of batches) {
      const loss = bceWithLogits(model.forward(b.x), b.t);
      optimizer.zeroGrad();
      loss.backward();
      applyPenalty(weights, { l2: 0.01, batchSize: b.x.shape[0] });
      optimizer.step();
    }
    if (curve) valLoss.push(noGrad(() => bceWithLogits(model.forward(data.val.x), data.val.t).item()));
  }
  return noGrad(() => ({
    valAccuracy: binaryAccuracy(model.forward(data.val.x), data.val.t),
    testAccuracy: binaryAccuracy(model.forward(data.test.x), data.test.t),
    valLoss,
  }));
}

/** Mean, sample standard deviation, min and max. */
const f3 = (x: number): string => x.toFixed(3);

/**
 * The lecture's pipeline: 569 tumours, 20% held out as test (stratified, seed 42), 20% of the
 * rest as validation, features standardised with the training statistics; then the lecture's
 * five networks ({@link VARIANTS}, {@link trainVariant}). One validation row is 1.1% of the 91,
 * so besides the seed-42 run the example repeats every variant over 10 training seeds (weights
 * and shuffles, split fixed) and over 10 data splits, and prints mean ± standard deviation.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/bc', log: console.log });
 * // SingleLayer (ones, full batch, 10000 epochs): validation 0.9780 …
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  const data = lectureSplit(42);
  log(
    `breast cancer: ${data.train.x.shape[0]} train, ${data.val.x.shape[0]} validation, ${data.test.x.shape[0]} test rows (split seed 42)`,
  );
  const epochsOf = (v: Variant): number => (smoke ? Math.ceil(v.epochs / 50) : v.epochs);
  const describe = (v: Variant): string =>
    `${v.name} (${v.init === 'ones' ? 'ones' : 'N(0, 1)'}, ${v.batchSize === 0 ? 'full batch' : `batch ${v.batchSize}`}, ${epochsOf(v)} epochs)`;
  const metrics: Record<string, number> = {};
  const curves: { name: string; y: number[] }[] = [];
  const nVal = data.val.x.shape[0];
  for (const v of VARIANTS) {
    const r = trainVariant(v, data, new Rng(42), { epochs: epochsOf(v) });
    const lecture = v.lecture === null ? 'the lecture prints no score' : `lecture ${v.lecture}`;
    log(
      `${describe(v)}: validation ${r.valAccuracy.toFixed(4)} (${Math.round(r.valAccuracy * nVal)}/${nVal}; ${lecture}), test ${r.testAccuracy.toFixed(4)}`,
    );
    const key = v.name.replace(/\W+/g, '');
    metrics[`${key}Val`] = r.valAccuracy;
    metrics[`${key}Test`] = r.testAccuracy;
    curves.push({ name: v.name, y: r.valLoss });
  }

  // Seed luck on 91 rows: repeat over training seeds (split fixed) and over data splits.
  const seeds = Array.from({ length: smoke ? 2 : 10 }, (_, i) => i + 1);
  log(`validation accuracy over ${seeds.length} seeds, mean ± sd [min, max]:`);
  const splits = seeds.map((s) => lectureSplit(s));
  const repeats: Record<string, { trainingSeeds: number[]; splits: number[] }> = {};
  for (const v of VARIANTS) {
    // the all-ones full-batch runs draw no random numbers: the seed changes nothing
    const random = v.init === 'normal';
    const trainingSeeds = random
      ? seeds.map((s) => trainVariant(v, data, new Rng(s), { epochs: epochsOf(v), curve: false }).valAccuracy)
      : [metrics[`${v.name.replace(/\W+/g, '')}Val`]];
    const overSplits = splits.map(
      (d, i) => trainVariant(v, d, new Rng(seeds[i]), { epochs: epochsOf(v), curve: false }).valAccuracy,
    );
    const a = summaryStats(trainingSeeds);
    const b = summaryStats(overSplits);
    const seedText = random
      ? `training seeds ${f3(a.mean)} ± ${f3(a.sd)} [${f3(a.min)}, ${f3(a.max)}]`
      : 'training seeds: deterministic';
    log(`  ${v.name}: ${seedText}; data splits ${f3(b.mean)} ± ${f3(b.sd)} [${f3(b.min)}, ${f3(b.max)}]`);
    const key = v.name.replace(/\W+/g, '');
    metrics[`${key}SeedMean`] = a.mean;
    metrics[`${key}SplitMean`] = b.mean;
    repeats[v.name] = { trainingSeeds, splits: overSplits };
  }
  const best = Math.max(...VARIANTS.map((v) => metrics[`${v.name.replace(/\W+/g, '')}Val`]));
  log(`best validation accuracy (split seed 42) ${best.toFixed(4)} (lecture 0.978)`);
  const files: string[] = [];
  if (!smoke) {
    const svg = lineChart(
      curves.map((c) => ({ ...c, x: c.y.map((_, i) => (i + 1) / c.y.length) })),
      {
        title: 'Breast cancer: validation loss',
        xLabel: 'fraction of training',
        yLabel: 'binary cross-entropy',
        yDomain: [0, 0.5],
      },
    );
    files.push(savePlot(svg, path.join(outDir, 'val-loss')).png);
  }
  const result = { ...metrics, bestValAccuracy: best, seconds: secondsSince(t0) };
  files.push(writeJson(outDir, 'metrics.json', { ...result, repeats }));
  return { metrics: result, files };
}
