import * as path from 'node:path';
import { kernels, Rng } from '@tapegrad/core';
import { loadMnist } from '@tapegrad/datasets';
import { Adam, ExponentialLR } from '@tapegrad/nn';
import { secondsSince, timestampDir, writeJson, displayPath } from '../lib/example';
import { fit, type EpochRecord, buildModel, saveCheckpoint, type ModelSpec } from '@tapegrad/cli';
import { epochLine, lossWindows, saveEpochCurves } from '../lib/curves';

/** The demo's settings: chosen to pass 97% test accuracy well inside 2 minutes on 2 cores. */
export const DEMO = {
  spec: { layers: [784, 256, 10], activation: 'relu' } as ModelSpec,
  lr: 2e-3,
  /** Learning rate multiplied by this after every epoch. */
  lrDecay: 0.8,
  batchSize: 100,
  epochs: 6,
  seed: 1,
};

/** Options of {@link main}: the defaults are the real demo; tests shrink it. */
export interface StartOptions {
  outDir?: string;
  /** Keep only this many training / test images. */
  limit?: number;
  epochs?: number;
  log?: (line: string) => void;
}

/**
 * `npm start`: trains an MLP on the 60,000 MNIST training images with a live progress bar,
 * evaluates on the 10,000 test images after every epoch, and writes loss and accuracy curves
 * (PNG + SVG), a safetensors checkpoint and metrics.json into `runs/<timestamp>/`.
 *
 * @example
 * const { testAccuracy, outDir } = await main(); // the full demo
 * await main({ limit: 2000, epochs: 2, outDir: '/tmp/demo' }); // a quick one
 */
export async function main(
  options: StartOptions = {},
): Promise<{ testAccuracy: number; outDir: string; seconds: number }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const outDir = options.outDir ?? timestampDir('');
  const epochs = options.epochs ?? DEMO.epochs;
  const t0 = performance.now();
  log(
    `tapegrad MNIST demo: MLP ${DEMO.spec.layers.join('-')} (${DEMO.spec.activation}), Adam lr ${DEMO.lr} ×${DEMO.lrDecay}/epoch, ` +
      `batch ${DEMO.batchSize}, ${epochs} epochs, kernels: ${kernels().name}`,
  );
  const trainSet = loadMnist({ split: 'train' });
  const testSet = loadMnist({ split: 'test' });
  const limit = options.limit;
  const cut = (x: { x: typeof trainSet.x; labels: typeof trainSet.labels }) =>
    limit === undefined ? x : { x: x.x.slice([0, limit]), labels: x.labels.slice([0, limit]) };
  const train = cut(trainSet);
  const test = cut(testSet);
  log(`loaded MNIST: ${train.x.shape[0]} training and ${test.x.shape[0]} test images (${secondsSince(t0)} s)`);

  const rng = new Rng(DEMO.seed);
  const model = buildModel(DEMO.spec, rng);
  const optimizer = new Adam(model.parameters(), { lr: DEMO.lr });
  const scheduler = new ExponentialLR(optimizer, { gamma: DEMO.lrDecay });
  const losses = lossWindows(20);
  const history: EpochRecord[] = fit(model, optimizer, train, {
    epochs,
    batchSize: DEMO.batchSize,
    rng,
    evalSet: test,
    log,
    afterStep: losses.add,
    afterEpoch: (r) => {
      scheduler.step();
      log(epochLine(r, epochs));
    },
  });
  const last = history[history.length - 1];
  const testAccuracy = last.evalAccuracy!;
  const trainSeconds = last.seconds;

  const files = saveEpochCurves(outDir, 'MNIST', losses.points, history, 20);
  const checkpoint = path.join(outDir, 'model.safetensors');
  saveCheckpoint(model, DEMO.spec, checkpoint, { data: 'mnist', testAccuracy: String(testAccuracy) });
  files.push(checkpoint);
  const seconds = secondsSince(t0);
  const metrics = {
    data: 'mnist',
    model: DEMO.spec,
    optimizer: { name: 'Adam', lr: DEMO.lr, lrDecayPerEpoch: DEMO.lrDecay },
    batchSize: DEMO.batchSize,
    epochs,
    seed: DEMO.seed,
    kernels: kernels().name,
    trainImages: train.x.shape[0],
    testImages: test.x.shape[0],
    testAccuracy,
    trainSeconds,
    totalSeconds: seconds,
    history,
  };
  files.push(writeJson(outDir, 'metrics.json', metrics));
  const correct = Math.round(testAccuracy * test.x.shape[0]);
  log('');
  log(
    `test accuracy: ${(testAccuracy * 100).toFixed(2)}% (${correct} / ${test.x.shape[0]}), trained in ${trainSeconds.toFixed(1)} s, ${seconds} s in all`,
  );
  log(`results in ${displayPath(outDir)}/:`);
  for (const f of files) log(`  ${displayPath(f)}`);
  return { testAccuracy, outDir, seconds };
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
