import { noGrad, Rng, type Tensor } from '@tapegrad/core';
import { breastCancer, standardize, trainTestSplit } from '@tapegrad/datasets';
import { applyPenalty, bceWithLogits, init, Linear, Sequential, SGD, Sigmoid } from '@tapegrad/nn';
import { epochBatches } from '../lib/batches';
import * as path from 'node:path';
import { secondsSince, writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';
import { lineChart, savePlot } from '@tapegrad/plot';

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
interface Variant {
  name: string;
  /** Hidden units (0 = the single-layer logistic regression). */
  units: number;
  batchSize: number;
  epochs: number;
}

/**
 * The lecture's pipeline: 569 tumours, 20% held out as test (stratified, seed 42), 20% of the
 * rest as validation, features standardised with the training statistics; sigmoid output with
 * binary cross-entropy, SGD lr 0.1, and the lecture's L2 term `w_grad += l2·w / m` (l2 = 0.01,
 * `applyPenalty`), over the lecture's `gen_batch` mini-batches (the remainder included).
 * SingleLayer (logistic regression, per-sample updates, 100 epochs), DualLayer (10 sigmoid
 * units, full batch), MinibatchNetwork (10 units, batch 32 and 128), weights from N(0, 1).
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/bc', log: console.log });
 * // SingleLayer: 100 epochs, batch 1 → validation accuracy 0.9780 …
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  const data = breastCancer();
  const t = data.labels.astype('float32').reshape([-1, 1]);
  const outer = trainTestSplit(data.x, t, { testSize: 0.2, stratify: data.labels, rng: new Rng(42) });
  const inner = trainTestSplit(outer.xTrain, outer.tTrain, {
    testSize: 0.2,
    stratify: outer.tTrain.reshape([-1]).astype('int32'),
    rng: new Rng(42),
  });
  const scaler = standardize(inner.xTrain);
  const train = { x: scaler.transform(inner.xTrain), t: inner.tTrain };
  const val = { x: scaler.transform(inner.xTest), t: inner.tTest };
  const test = { x: scaler.transform(outer.xTest), t: outer.tTest };
  log(`breast cancer: ${train.x.shape[0]} train, ${val.x.shape[0]} validation, ${test.x.shape[0]} test rows`);
  const scale = smoke ? 0.1 : 1;
  const variants: Variant[] = [
    { name: 'SingleLayer', units: 0, batchSize: 1, epochs: Math.ceil(100 * scale) },
    { name: 'DualLayer', units: 10, batchSize: train.x.shape[0], epochs: Math.ceil(20000 * scale * (smoke ? 0.1 : 1)) },
    { name: 'MinibatchNetwork (batch 32)', units: 10, batchSize: 32, epochs: Math.ceil(500 * scale) },
    { name: 'MinibatchNetwork (batch 128)', units: 10, batchSize: 128, epochs: Math.ceil(500 * scale) },
  ];
  const metrics: Record<string, number> = {};
  const curves: { name: string; y: number[] }[] = [];
  for (const v of variants) {
    const rng = new Rng(42);
    const normal = init.normal(1);
    const model =
      v.units === 0
        ? new Sequential(new Linear(30, 1, { init: normal, rng }))
        : new Sequential(
            new Linear(30, v.units, { init: normal, rng }),
            new Sigmoid(),
            new Linear(v.units, 1, { init: normal, rng }),
          );
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const valLoss: number[] = [];
    for (let epoch = 0; epoch < v.epochs; epoch++) {
      // the lecture's gen_batch: a fresh permutation, and the remainder as a last smaller batch
      for (const b of epochBatches(train.x, train.t, v.batchSize, rng, true)) {
        const loss = bceWithLogits(model.forward(b.x), b.t);
        optimizer.zeroGrad();
        loss.backward();
        applyPenalty(model.parameters(), { l2: 0.01, batchSize: b.x.shape[0] });
        optimizer.step();
      }
      valLoss.push(noGrad(() => bceWithLogits(model.forward(val.x), val.t).item()));
    }
    const valAcc = noGrad(() => binaryAccuracy(model.forward(val.x), val.t));
    const testAcc = noGrad(() => binaryAccuracy(model.forward(test.x), test.t));
    log(
      `${v.name}: ${v.epochs} epochs, batch ${v.batchSize} → validation accuracy ${valAcc.toFixed(4)}, test accuracy ${testAcc.toFixed(4)}`,
    );
    const key = v.name.replace(/\W+/g, '');
    metrics[`${key}Val`] = valAcc;
    metrics[`${key}Test`] = testAcc;
    curves.push({ name: v.name, y: valLoss });
  }
  const best = Math.max(
    ...Object.entries(metrics)
      .filter(([k]) => k.endsWith('Val'))
      .map(([, v]) => v),
  );
  log(`best validation accuracy ${best.toFixed(4)} (lecture 0.978)`);
  const files: string[] = [];
  if (!smoke) {
    const svg = lineChart(
      curves.map((c) => ({ ...c, x: c.y.map((_, i) => (i + 1) / c.y.length) })),
      { title: 'Breast cancer: validation loss', xLabel: 'fraction of training', yLabel: 'binary cross-entropy' },
    );
    files.push(savePlot(svg, path.join(outDir, 'val-loss')).png);
  }
  const result = { ...metrics, bestValAccuracy: best, seconds: secondsSince(t0) };
  files.push(writeJson(outDir, 'metrics.json', result));
  return { metrics: result, files };
}
