import { Rng } from '@tapegrad/core';
import { Adam, ExponentialLR } from '@tapegrad/nn';
import * as path from 'node:path';
import { loadProblem, fit, buildModel, saveCheckpoint, type ModelSpec } from '@tapegrad/cli';
import { secondsSince, writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';
import { lineChart, savePlot } from '@tapegrad/plot';
import { epochLine } from '../lib/curves';

/** What `npm run example -- mnist-beyond` shows. */
export const description = 'Beyond the books: 784-256-128-10 ReLU MLP with Adam on MNIST (target: 98% test accuracy)';

/** The settings. */
export const SETTINGS = {
  spec: { layers: [784, 256, 128, 10], activation: 'relu' } as ModelSpec,
  lr: 1e-3,
  gamma: 0.75,
  batchSize: 100,
  epochs: 10,
  seed: 1,
};

/**
 * A deeper MLP than the books': He-initialised 784-256-128-10 with ReLU, Adam (lr 1e-3, ×0.75 per
 * epoch), batch 100, 10 epochs; test accuracy after every epoch, curves and a checkpoint.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/beyond', log: console.log });
 * // test accuracy 0.9813 …
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  const problem = loadProblem('mnist', smoke ? 1000 : undefined);
  const epochs = smoke ? 2 : SETTINGS.epochs;
  const rng = new Rng(SETTINGS.seed);
  const model = buildModel(SETTINGS.spec, rng);
  const optimizer = new Adam(model.parameters(), { lr: SETTINGS.lr });
  const scheduler = new ExponentialLR(optimizer, { gamma: SETTINGS.gamma });
  const history = fit(model, optimizer, problem.train, {
    epochs,
    batchSize: SETTINGS.batchSize,
    rng,
    evalSet: problem.test,
    log,
    quiet: smoke,
    afterEpoch: (r) => {
      scheduler.step();
      log(epochLine(r, epochs));
    },
  });
  const last = history[history.length - 1];
  const testAccuracy = last.evalAccuracy!;
  const best = Math.max(...history.map((r) => r.evalAccuracy!));
  log(
    `test accuracy ${testAccuracy.toFixed(4)} (best epoch ${best.toFixed(4)}) after ${last.seconds.toFixed(1)} s of training`,
  );
  const files: string[] = [];
  if (!smoke) {
    const x = history.map((r) => r.epoch);
    const svg = lineChart(
      [
        { name: 'train (running)', x, y: history.map((r) => r.trainAccuracy) },
        { name: 'test', x, y: history.map((r) => r.evalAccuracy!) },
      ],
      {
        title: 'MNIST 784-256-128-10: accuracy',
        xLabel: 'epoch',
        yLabel: 'accuracy',
        points: true,
        legend: 'bottom-right',
        integerX: true,
      },
    );
    files.push(savePlot(svg, path.join(outDir, 'accuracy')).png);
    const checkpoint = path.join(outDir, 'model.safetensors');
    saveCheckpoint(model, SETTINGS.spec, checkpoint, { data: 'mnist', testAccuracy: String(testAccuracy) });
    files.push(checkpoint);
  }
  const metrics = { testAccuracy, bestTestAccuracy: best, trainSeconds: last.seconds, seconds: secondsSince(t0) };
  files.push(writeJson(outDir, 'metrics.json', { ...metrics, history }));
  return { metrics, files };
}
