import { Rng } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { SGD } from '@tapegrad/nn';
import * as path from 'node:path';
import { epochBatches } from '@tapegrad/cli';
import { secondsSince, writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';
import { decisionBoundary, lineChart, savePlot, scatter } from '@tapegrad/plot';
import { TwoLayerNet } from '../lib/two-layer-net';

/** What `npm run example -- spiral` shows. */
export const description = 'DL from scratch 2, ch. 1: TwoLayerNet on the spiral set (train_custom_loop.py)';

/** The book's settings. */
export const SETTINGS = { maxEpoch: 300, batchSize: 30, hiddenSize: 10, learningRate: 1.0, seed: 1984 };

/**
 * Trains the book's 2-10-3 sigmoid TwoLayerNet (`0.01·randn` init) with SGD lr 1.0, batch 30,
 * 300 epochs, printing `| epoch 1 |  iter 10 / 10 | loss 1.13` every 10 iterations, and plots the
 * loss curve and the decision boundary.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/spiral', log: console.log });
 * // | epoch 300 |  iter 10 / 10 | loss 0.10
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  // The full run takes under a second, so smoke mode trains fully too and only skips the plots.
  const maxEpoch = SETTINGS.maxEpoch;
  const data = spiral({ seed: SETTINGS.seed });
  const rng = new Rng(SETTINGS.seed);
  const model = new TwoLayerNet(2, SETTINGS.hiddenSize, 3, { activation: 'sigmoid', rng });
  const optimizer = new SGD(model.parameters(), { lr: SETTINGS.learningRate });
  const lossList: number[] = [];
  const t0 = performance.now();
  let total = 0;
  let count = 0;
  for (let epoch = 0; epoch < maxEpoch; epoch++) {
    for (const { x, t, iter, iters } of epochBatches(data.x, data.labels, SETTINGS.batchSize, rng)) {
      const loss = model.loss(x, t);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      total += loss.item();
      count++;
      if ((iter + 1) % 10 === 0) {
        const avg = total / count;
        if (!smoke || epoch === maxEpoch - 1)
          log(`| epoch ${epoch + 1} |  iter ${iter + 1} / ${iters} | loss ${avg.toFixed(2)}`);
        lossList.push(avg);
        total = 0;
        count = 0;
      }
    }
  }
  const seconds = secondsSince(t0);
  const accuracy = model.accuracy(data.x, data.labels);
  const finalLoss = lossList[lossList.length - 1];
  log(`final loss ${finalLoss.toFixed(4)} (book 0.11), training accuracy ${accuracy.toFixed(4)}, ${seconds} s`);
  const files: string[] = [];
  if (!smoke) {
    const points = scatter(data.x.data, data.labels.data, {
      title: 'Spiral data (seed 1984)',
      xLabel: 'x₀',
      yLabel: 'x₁',
      width: 400,
      height: 400,
    });
    files.push(savePlot(points, path.join(outDir, 'data')).png);
    const curve = lineChart([{ name: 'loss', y: lossList }], {
      title: 'Spiral: training loss',
      xLabel: 'iterations (x10)',
      yLabel: 'loss',
    });
    files.push(savePlot(curve, path.join(outDir, 'loss')).png);
    const boundary = decisionBoundary(model, data.x.data, data.labels.data, { title: 'Spiral: decision boundary' });
    files.push(savePlot(boundary, path.join(outDir, 'decision-boundary')).png);
  }
  const metrics = { finalLoss, accuracy, epochs: maxEpoch, seconds };
  files.push(writeJson(outDir, 'metrics.json', { ...metrics, lossList }));
  return { metrics, files };
}
