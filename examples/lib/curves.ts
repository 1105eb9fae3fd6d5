import * as path from 'node:path';
import type { EpochRecord } from '@tapegrad/cli';
import { lineChart, savePlot } from '@tapegrad/plot';

/** A point of a loss curve: x in epochs (fractional), y the mean loss of a window of batches. */
export interface LossPoint {
  x: number;
  y: number;
}

/**
 * Collects a loss curve from `fit`'s `afterStep`: the mean of every `every` batches (and of the
 * rest at an epoch's end), placed at its epoch fraction.
 *
 * @example
 * const losses = lossWindows(20);
 * fit(model, optimizer, train, { ...options, afterStep: losses.add });
 * losses.points; // [{ x: 0.033, y: 2.1 }, …]
 */
export function lossWindows(every: number): {
  points: LossPoint[];
  add: (step: { epoch: number; iter: number; iters: number; loss: number }) => void;
} {
  const points: LossPoint[] = [];
  let sum = 0;
  let count = 0;
  return {
    points,
    add: ({ epoch, iter, iters, loss }) => {
      sum += loss;
      count++;
      if (count === every || iter + 1 === iters) {
        points.push({ x: epoch - 1 + (iter + 1) / iters, y: sum / count });
        sum = 0;
        count = 0;
      }
    },
  };
}

/**
 * The line an example prints after each epoch of `fit`.
 *
 * @example
 * epochLine(record, 20); // 'epoch 3/20: loss 0.0670 | train acc 0.9803 | test acc 0.9814 | 456.7 s'
 */
export function epochLine(r: EpochRecord, epochs: number): string {
  return (
    `epoch ${r.epoch}/${epochs}: loss ${r.loss.toFixed(4)} | train acc ${r.trainAccuracy.toFixed(4)} | ` +
    `test acc ${r.evalAccuracy!.toFixed(4)} | ${r.seconds.toFixed(1)} s`
  );
}

/**
 * Draws a run's loss curve (`loss.png`, `loss.svg`) and its per-epoch train and test accuracy
 * (`accuracy.png`, `accuracy.svg`) into `outDir`; returns the four paths.
 *
 * @example
 * saveEpochCurves(outDir, 'MNIST', losses.points, history, 20);
 */
export function saveEpochCurves(
  outDir: string,
  title: string,
  losses: readonly LossPoint[],
  history: readonly EpochRecord[],
  every: number,
): string[] {
  const lossSvg = lineChart([{ name: 'training loss', x: losses.map((p) => p.x), y: losses.map((p) => p.y) }], {
    title: `${title}: training loss (mean of ${every} batches)`,
    xLabel: 'epoch',
    yLabel: 'softmax cross-entropy',
  });
  const epochs = history.map((r) => r.epoch);
  const accSvg = lineChart(
    [
      { name: 'train (running)', x: epochs, y: history.map((r) => r.trainAccuracy) },
      { name: 'test', x: epochs, y: history.map((r) => r.evalAccuracy!) },
    ],
    {
      title: `${title}: accuracy`,
      xLabel: 'epoch',
      yLabel: 'accuracy',
      points: true,
      legend: 'bottom-right',
      integerX: true,
    },
  );
  const loss = savePlot(lossSvg, path.join(outDir, 'loss'));
  const acc = savePlot(accSvg, path.join(outDir, 'accuracy'));
  return [loss.png, loss.svg, acc.png, acc.svg];
}
