import * as path from 'node:path';
import { Rng, type Tensor, kernels } from '@tapegrad/core';
import {
  type DataName,
  type DataSplit,
  type EpochRecord,
  type FitSampling,
  evaluateAccuracy,
  fit,
  loadProblem,
} from '@tapegrad/cli';
import { Adam, ExponentialLR, type Module, save } from '@tapegrad/nn';
import { exportOnnx } from '@tapegrad/onnx';
import { imageGrid, savePlot } from '@tapegrad/plot';
import { type LossPoint, epochLine, lossWindows, saveEpochCurves } from './curves';
import { type ExampleOptions, type ExampleResult, secondsSince, summaryStats, writeJson } from './example';

/** The training settings of an image-classifier example (the book's, where it gives them). */
export interface ImageSettings {
  data: Extract<DataName, 'mnist' | 'fashion-mnist'>;
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Multiply the learning rate by this after every epoch (ExponentialLR; default 1). */
  lrDecay?: number;
  /** Adam's ε (default PyTorch's 1e-8; the books' `common/optimizer.py` adds 1e-7 to √v). */
  eps?: number;
  /**
   * How batches are drawn (fit's `sampling`; default `'shuffle'`): the book's `Trainer` draws each
   * with replacement (`'replacement'`).
   */
  sampling?: FitSampling;
}

/** A convolutional network trained on 28×28 grey images by {@link trainImageClassifier}. */
export interface ImageClassifier<M extends { forward(x: Tensor): Tensor } & Module> {
  /** The title of the plots. */
  title: string;
  settings: ImageSettings;
  build(rng: Rng): M;
  /** The first convolution's weight `[out, 1, kH, kW]`, drawn before and after training. */
  filters(model: M): Tensor;
  /** The smoke run: the first `images` of each split, `epochs` epochs. */
  smoke: { images: number; epochs: number };
}

/** Images scored at a time, so the 60,000 training images never go through the net as one tensor. */
const EVAL_CHUNK = 500;

/**
 * Loads MNIST or Fashion-MNIST as `[N, 1, 28, 28]` images in [0, 1] (the book's
 * `load_mnist(flatten=False)`), keeping the first `limit` of each split.
 *
 * @example
 * const { train, test } = loadImages('mnist', 1000);
 * train.x.shape; // [1000, 1, 28, 28]
 */
export function loadImages(name: ImageSettings['data'], limit?: number): { train: DataSplit; test: DataSplit } {
  const p = loadProblem(name, limit);
  const images = (s: DataSplit): DataSplit => ({ x: s.x.reshape([-1, 1, 28, 28]), labels: s.labels });
  return { train: images(p.train), test: images(p.test) };
}

/** One training run of {@link trainImageClassifier}: the model, its epochs, its loss curve. */
interface Run<M> {
  model: M;
  history: EpochRecord[];
  losses: LossPoint[];
}

/** Trains a fresh `net` from `seed`: Adam (and the lr decay), the settings' batches, test set scored per epoch. */
function trainOnce<M extends { forward(x: Tensor): Tensor } & Module>(
  net: ImageClassifier<M>,
  seed: number,
  data: { train: DataSplit; test: DataSplit },
  epochs: number,
  log: (line: string) => void,
  quiet: boolean,
  before: (model: M) => void = () => {},
): Run<M> {
  const s = net.settings;
  const rng = new Rng(seed);
  const model = net.build(rng);
  before(model);
  const optimizer = new Adam(model.parameters(), { lr: s.lr, ...(s.eps === undefined ? {} : { eps: s.eps }) });
  const scheduler = new ExponentialLR(optimizer, { gamma: s.lrDecay ?? 1 });
  const losses = lossWindows(20);
  const history = fit(model, optimizer, data.train, {
    epochs,
    batchSize: s.batchSize,
    sampling: s.sampling,
    rng,
    evalSet: data.test,
    log,
    quiet,
    afterStep: losses.add,
    afterEpoch: (r) => {
      scheduler.step();
      log(epochLine(r, epochs));
    },
  });
  return { model, history, losses: losses.points };
}

const final = (history: readonly EpochRecord[]): number => history[history.length - 1].evalAccuracy!;
const best = (history: readonly EpochRecord[]): number => Math.max(...history.map((r) => r.evalAccuracy!));
const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/**
 * Trains `net` with Adam and softmax cross-entropy on mini-batches, scoring the test set
 * after every epoch, then the whole training set once. Writes into `outDir`: the first-layer
 * filters before and after training (`filters-before.png`, `filters-after.png`, as the book's
 * figure 7-24), the loss and accuracy curves, the weights (`model.safetensors`, PyTorch's
 * state-dict names), the model as ONNX with a dynamic batch (`model.onnx`) and `metrics.json`.
 * With `seeds: N` it then trains seeds 1…N as well (the settings' seed is reused) and reports
 * mean ± sd of the final and the best-epoch test accuracy.
 *
 * @example
 * return trainImageClassifier(SIMPLE_CONVNET, { smoke: false, outDir, log: console.log });
 */
export async function trainImageClassifier<M extends { forward(x: Tensor): Tensor } & Module>(
  net: ImageClassifier<M>,
  { smoke, outDir, log, seeds = 0 }: ExampleOptions,
): Promise<ExampleResult> {
  const t0 = performance.now();
  const s = net.settings;
  const epochs = smoke ? net.smoke.epochs : s.epochs;
  const data = loadImages(s.data, smoke ? net.smoke.images : undefined);
  const { train, test } = data;
  const files: string[] = [];
  const drawFilters = (model: M, when: string): void => {
    // As the book's visualize_filter.py: 8 filters a row, gray_r (high values dark), each its own range.
    const svg = imageGrid(net.filters(model), { cols: 8, colormap: 'gray_r', title: `${net.title}: filters ${when}` });
    files.push(savePlot(svg, path.join(outDir, `filters-${when.split(' ')[0]}`)).png);
  };
  const { model, history, losses } = trainOnce(net, s.seed, data, epochs, log, smoke, (m) => {
    log(
      `${net.title}: ${m.numParameters()} parameters; Adam lr ${s.lr}${s.lrDecay ? ` ×${s.lrDecay}/epoch` : ''}` +
        `${s.eps === undefined ? '' : ` ε ${s.eps}`}, batch ${s.batchSize}` +
        `${s.sampling === 'replacement' ? ' (drawn with replacement)' : ''}, ${epochs} epochs on ${train.x.shape[0]} ${s.data} images (test ${test.x.shape[0]}); ` +
        `kernels: ${kernels().name}`,
    );
    drawFilters(m, 'before training');
  });
  const testAccuracy = final(history);
  const trainSeconds = history[history.length - 1].seconds;
  const trainAccuracy = evaluateAccuracy((x) => model.forward(x), train.x, train.labels, EVAL_CHUNK);
  log(
    `test accuracy ${pct(testAccuracy)} (best epoch ${pct(best(history))}), train accuracy ${pct(trainAccuracy)}, ` +
      `after ${trainSeconds.toFixed(1)} s of training`,
  );

  drawFilters(model, 'after training');
  files.push(...saveEpochCurves(outDir, net.title, losses, history, 20));
  const checkpoint = path.join(outDir, 'model.safetensors');
  save(model, checkpoint, { metadata: { data: s.data, testAccuracy: String(testAccuracy) } });
  const onnx = path.join(outDir, 'model.onnx');
  exportOnnx(model, test.x.slice([0, 2]), {
    path: onnx,
    dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } },
  });
  files.push(checkpoint, onnx);

  const sweep: { seed: number; testAccuracy: number; bestTestAccuracy: number }[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const h = seed === s.seed ? history : trainOnce(net, seed, data, epochs, () => {}, true).history;
    sweep.push({ seed, testAccuracy: final(h), bestTestAccuracy: best(h) });
    log(`seed ${seed}: test accuracy ${pct(final(h))} (best epoch ${pct(best(h))})`);
  }
  const spread: Record<string, number> = {};
  if (seeds > 0) {
    const last = summaryStats(sweep.map((r) => r.testAccuracy));
    const top = summaryStats(sweep.map((r) => r.bestTestAccuracy));
    log(
      `over seeds 1…${seeds}: final test accuracy ${pct(last.mean)} ± ${pct(last.sd)} (sd), min ${pct(last.min)}, ` +
        `max ${pct(last.max)}; best epoch ${pct(top.mean)} ± ${pct(top.sd)}`,
    );
    Object.assign(spread, { seedMean: last.mean, seedSd: last.sd, seedMin: last.min, seedMax: last.max });
  }
  const metrics = {
    testAccuracy,
    bestTestAccuracy: best(history),
    trainAccuracy,
    trainSeconds,
    secondsPerEpoch: trainSeconds / epochs,
    ...spread,
    seconds: secondsSince(t0),
  };
  files.push(
    writeJson(outDir, 'metrics.json', {
      ...metrics,
      settings: { ...s, epochs },
      parameters: model.numParameters(),
      kernels: kernels().name,
      lossCurve: losses,
      history,
      ...(seeds > 0 ? { seeds: sweep } : {}),
    }),
  );
  return { metrics, files };
}
