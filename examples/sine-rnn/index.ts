import * as path from 'node:path';
import { Rng, type Tensor, kernels, noGrad, tensor } from '@tapegrad/core';
import { sineWave, takeRows } from '@tapegrad/datasets';
import { Adam, CosineAnnealingLR, LSTM, Linear, Module, mseLoss } from '@tapegrad/nn';
import { lineChart, savePlot } from '@tapegrad/plot';
import { type ExampleOptions, type ExampleResult, fmt, secondsSince, writeJson } from '../lib/example';

/** What `npm run example -- sine-rnn` shows. */
export const description = 'Next-value prediction of a noisy sine wave with an LSTM, plotted against the truth';

/** The settings. */
export const SETTINGS = {
  hiddenSize: 32,
  batchSize: 32,
  epochs: 100,
  lr: 0.005,
  seed: 1,
};

/** An LSTM over the window, then a Linear on its last hidden state: the next value. */
export class SineRnn extends Module {
  lstm: LSTM;
  fc: Linear;

  constructor(hiddenSize: number, rng: Rng) {
    super();
    this.lstm = new LSTM(1, hiddenSize, { batchFirst: true, rng });
    this.fc = new Linear(hiddenSize, 1, { rng });
  }

  /** Windows `[N, T, 1]` → next values `[N, 1]`. */
  forward(x: Tensor): Tensor {
    const [, [h]] = this.lstm.forward(x);
    return this.fc.forward(h.reshape([x.shape[0], -1]));
  }
}

function predict(model: SineRnn, x: Tensor): Float32Array {
  return noGrad(() => Float32Array.from(model.forward(x).data));
}

/**
 * Feeds the model its own predictions: from the first held-out window on, each prediction is
 * appended to the window and the oldest value dropped.
 */
function freeRun(model: SineRnn, start: Float32Array, steps: number): Float32Array {
  const window = Array.from(start);
  const out = new Float32Array(steps);
  for (let i = 0; i < steps; i++) {
    out[i] = predict(model, tensor(window, { shape: [1, window.length, 1] }))[0];
    window.shift();
    window.push(out[i]);
  }
  return out;
}

function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/**
 * Trains an LSTM (hidden 32) with Adam (lr 0.005, cosine-annealed to 0 over 100 epochs, batch 32) to predict the next value of `sin(2πi/50)` plus uniform
 * noise of amplitude 0.05 from the 25 values before it, on the first 80% of the series; then
 * predicts the last 20% one step ahead and, fed its own outputs, free-running, and plots both
 * against the noiseless sine.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/sine', log: console.log });
 * // held-out MSE 0.0009 (noise floor 0.00083) …
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  const data = sineWave(smoke ? { numSteps: 200 } : {});
  const epochs = smoke ? 3 : SETTINGS.epochs;
  const rng = new Rng(SETTINGS.seed);
  const model = new SineRnn(smoke ? 8 : SETTINGS.hiddenSize, rng);
  const optimizer = new Adam(model.parameters(), { lr: SETTINGS.lr });
  const scheduler = new CosineAnnealingLR(optimizer, { tMax: epochs });
  log(`kernels: ${kernels().name}; ${data.xTrain.shape[0]} training and ${data.xTest.shape[0]} held-out windows`);
  const n = data.xTrain.shape[0];
  const losses: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const perm = rng.permutation(n);
    let total = 0;
    let batches = 0;
    for (let s = 0; s < n; s += SETTINGS.batchSize) {
      const rows = perm.subarray(s, s + SETTINGS.batchSize);
      const loss = mseLoss(model.forward(takeRows(data.xTrain, rows)), takeRows(data.tTrain, rows));
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      total += loss.item();
      batches++;
    }
    scheduler.step();
    losses.push(total / batches);
    if (epoch % 10 === 0 || epoch === epochs) log(`epoch ${epoch}/${epochs} | train MSE ${fmt(losses[epoch - 1], 5)}`);
  }
  const trainSeconds = secondsSince(t0);
  const w = data.x.shape[1];
  const series = data.series.data;
  const clean = data.clean.data;
  const testSteps = data.xTest.shape[0];
  const first = data.splitAt + w; // series index of the first held-out target
  const oneStep = predict(model, data.xTest);
  const free = freeRun(model, series.slice(data.splitAt, first) as Float32Array, testSteps);
  const truth = clean.subarray(first, first + testSteps);
  const lastValue = series.subarray(first - 1, first - 1 + testSteps); // the naive forecast
  const metrics = {
    testMse: mse(oneStep, data.tTest.data),
    testMseVsClean: mse(oneStep, truth),
    naiveMse: mse(lastValue, data.tTest.data),
    noiseFloor: 0.05 ** 2 / 3,
    freeRunMseVsClean: mse(free, truth),
    trainSeconds,
    seconds: 0,
  };
  log(
    `held-out one-step MSE ${fmt(metrics.testMse, 5)} against the noisy targets (noise alone: ${fmt(metrics.noiseFloor, 5)}; ` +
      `repeating the last value: ${fmt(metrics.naiveMse, 5)}), ${fmt(metrics.testMseVsClean, 5)} against the clean sine; ` +
      `free-running over ${testSteps} steps: ${fmt(metrics.freeRunMseVsClean, 5)}`,
  );
  const files: string[] = [];
  if (!smoke) {
    const x = Array.from({ length: testSteps }, (_, i) => first + i);
    const svg = lineChart(
      [
        { name: 'sin (truth)', x, y: truth },
        { name: 'noisy series', x, y: series.subarray(first, first + testSteps) },
        { name: 'LSTM, one step ahead', x, y: oneStep },
        { name: 'LSTM, free-running', x, y: free },
      ],
      {
        title: 'sine-rnn: held-out 20% of the series',
        xLabel: 'step',
        yLabel: 'value',
        legend: 'bottom-left',
        width: 640,
      },
    );
    files.push(savePlot(svg, path.join(outDir, 'prediction')).png);
    files.push(
      savePlot(
        lineChart([{ name: 'train MSE', x: losses.map((_, i) => i + 1), y: losses }], {
          title: 'sine-rnn: training loss',
          xLabel: 'epoch',
          yLabel: 'MSE',
          integerX: true,
        }),
        path.join(outDir, 'loss'),
      ).png,
    );
  }
  metrics.seconds = secondsSince(t0);
  files.push(writeJson(outDir, 'metrics.json', { settings: SETTINGS, ...metrics, losses }));
  return { metrics, files };
}
