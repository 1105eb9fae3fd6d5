import * as path from 'node:path';
import { Rng, type Tensor, kernels } from '@tapegrad/core';
import { type DataName, type DataSplit, evaluateAccuracy, fit, loadProblem } from '@tapegrad/cli';
import { Adam, ExponentialLR, type Module, save } from '@tapegrad/nn';
import { exportOnnx } from '@tapegrad/onnx';
import { imageGrid, savePlot } from '@tapegrad/plot';
import { epochLine, lossWindows, saveEpochCurves } from './curves';
import { type ExampleOptions, type ExampleResult, secondsSince, writeJson } from './example';

/** The training settings of an image-classifier example (the book's, where it gives them). */
export interface ImageSettings {
  data: Extract<DataName, 'mnist' | 'fashion-mnist'>;
  lr: number;
  batchSize: number;
  epochs: number;
  seed: number;
  /** Multiply the learning rate by this after every epoch (ExponentialLR; default 1). */
  lrDecay?: number;
}

/** A convolutional network trained on 28×28 grey images by {@link trainImageClassifier}. */
export interface ImageClassifier<M extends Module & { forward(x: Tensor): Tensor }> {
  /** The title of the plots. */
  title: string;
  settings: ImageSettings;
  build(rng: Rng): M;
  /** The first convolution's weight `[out, 1, kH, kW]`, drawn before and after training. */
  filters(model: M): Tensor;
  /** The smoke run: the first `images` of each split, `epochs` epochs. */
  smoke: { images: number; epochs: number };
}

/** Mini-batches of the book's size, so the 60,000-image set is never one tensor through the net. */
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

/**
 * Trains `net` with Adam and softmax cross-entropy on shuffled mini-batches, scoring the test set
 * after every epoch, then the whole training set once. Writes into `outDir`: the first-layer
 * filters before and after training (`filters-before.png`, `filters-after.png`, as the book's
 * figure 7-24), the loss and accuracy curves, the weights (`model.safetensors`, PyTorch's
 * state-dict names), the model as ONNX with a dynamic batch (`model.onnx`) and `metrics.json`.
 *
 * @example
 * return trainImageClassifier(SIMPLE_CONVNET, { smoke: false, outDir, log: console.log });
 */
export async function trainImageClassifier<M extends Module & { forward(x: Tensor): Tensor }>(
  net: ImageClassifier<M>,
  { smoke, outDir, log }: ExampleOptions,
): Promise<ExampleResult> {
  const t0 = performance.now();
  const s = net.settings;
  const epochs = smoke ? net.smoke.epochs : s.epochs;
  const { train, test } = loadImages(s.data, smoke ? net.smoke.images : undefined);
  const rng = new Rng(s.seed);
  const model = net.build(rng);
  log(
    `${net.title}: ${model.numParameters()} parameters; Adam lr ${s.lr}${s.lrDecay ? ` ×${s.lrDecay}/epoch` : ''}, batch ${s.batchSize}, ${epochs} epochs on ` +
      `${train.x.shape[0]} ${s.data} images (test ${test.x.shape[0]}); kernels: ${kernels().name}`,
  );
  const files: string[] = [];
  const drawFilters = (when: string): void => {
    const weight = net.filters(model);
    // As the book's visualize_filter.py: 8 filters a row, gray_r (high values dark), each its own range.
    const svg = imageGrid(weight, { cols: 8, colormap: 'gray_r', title: `${net.title}: filters ${when}` });
    files.push(savePlot(svg, path.join(outDir, `filters-${when.split(' ')[0]}`)).png);
  };
  drawFilters('before training');

  const optimizer = new Adam(model.parameters(), { lr: s.lr });
  const scheduler = new ExponentialLR(optimizer, { gamma: s.lrDecay ?? 1 });
  const losses = lossWindows(20);
  const history = fit(model, optimizer, train, {
    epochs,
    batchSize: s.batchSize,
    rng,
    evalSet: test,
    log,
    quiet: smoke,
    afterStep: losses.add,
    afterEpoch: (r) => {
      scheduler.step();
      log(epochLine(r, epochs));
    },
  });
  const last = history[history.length - 1];
  const testAccuracy = last.evalAccuracy!;
  const trainSeconds = last.seconds;
  const forward = (x: Tensor): Tensor => model.forward(x);
  const trainAccuracy = evaluateAccuracy(forward, train.x, train.labels, EVAL_CHUNK);
  log(
    `test accuracy ${(testAccuracy * 100).toFixed(2)}% (best epoch ${(Math.max(...history.map((r) => r.evalAccuracy!)) * 100).toFixed(2)}%), ` +
      `train accuracy ${(trainAccuracy * 100).toFixed(2)}%, after ${trainSeconds.toFixed(1)} s of training`,
  );

  drawFilters('after training');
  files.push(...saveEpochCurves(outDir, net.title, losses.points, history, 20));
  const checkpoint = path.join(outDir, 'model.safetensors');
  save(model, checkpoint, { metadata: { data: s.data, testAccuracy: String(testAccuracy) } });
  const onnx = path.join(outDir, 'model.onnx');
  exportOnnx(model, test.x.slice([0, 2]), {
    path: onnx,
    dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } },
  });
  files.push(checkpoint, onnx);
  const metrics = {
    testAccuracy,
    bestTestAccuracy: Math.max(...history.map((r) => r.evalAccuracy!)),
    trainAccuracy,
    trainSeconds,
    secondsPerEpoch: trainSeconds / epochs,
    seconds: secondsSince(t0),
  };
  files.push(
    writeJson(outDir, 'metrics.json', {
      ...metrics,
      settings: { ...s, epochs },
      parameters: model.numParameters(),
      kernels: kernels().name,
      lossCurve: losses.points,
      history,
    }),
  );
  return { metrics, files };
}
