/**
 * The training worker: tapegrad runs here, off the page's thread, so the page never freezes. It
 * trains in slices of about 40 ms, reporting after each and yielding to its message queue, so
 * pause and step commands take effect at once.
 */
import { Rng, type Tensor, kernels, noGrad, ready, tensor, wasmUnavailableReason } from '@tapegrad/core';
import { circles, gaussians, moons, spiral, xorPoints } from '@tapegrad/datasets';
import {
  AdaGrad,
  Adam,
  type Sequential,
  type Optimizer,
  RMSProp,
  SGD,
  accuracy,
  mlp,
  saveBlob,
  softmaxCrossEntropy,
} from '@tapegrad/nn';
import type { Boundary, Command, Report } from './protocol';
import { type Settings, classCount } from './settings';

const SLICE_MS = 40;
const BOUNDARY_EVERY_MS = 150;
const GRID = 64;

interface Run {
  settings: Settings;
  net: Sequential;
  opt: Optimizer;
  x: Tensor;
  labels: Tensor;
  rng: Rng;
  step: number;
  extent: number;
  grid: Tensor;
}

let run: Run | null = null;
let running = false;
let lastBoundary = 0;
// Each start begins a new loop; an older one still waiting for its next slice then ends.
let generation = 0;

const post = (r: Report, transfer: Transferable[] = []): void =>
  (self as unknown as { postMessage(m: Report, t: Transferable[]): void }).postMessage(r, transfer);

function dataSet(s: Settings) {
  const options = { numPerClass: s.points, noise: s.noise, seed: s.seed };
  switch (s.data) {
    case 'spiral':
      return spiral({ numPerClass: s.points, numClasses: 3, seed: s.seed + 1984 });
    case 'xor':
      return xorPoints(options);
    case 'circles':
      return circles(options);
    case 'moons':
      return moons(options);
    case 'gaussians':
      return gaussians(options);
  }
}

function optimizer(s: Settings, params: Iterable<Tensor>): Optimizer {
  const o = { lr: s.lr, weightDecay: s.l2 };
  switch (s.optimizer) {
    case 'adam':
      return new Adam(params, o);
    case 'sgd':
      return new SGD(params, o);
    case 'momentum':
      return new SGD(params, { ...o, momentum: 0.9 });
    case 'rmsprop':
      return new RMSProp(params, o);
    case 'adagrad':
      return new AdaGrad(params, o);
  }
}

function configure(s: Settings): void {
  const data = dataSet(s);
  const rng = new Rng(s.seed);
  const net = mlp([2, ...s.hidden, classCount(s.data)], { activation: s.activation, rng });
  const points = data.x.data as Float32Array;
  let extent = 1;
  for (const v of points) extent = Math.max(extent, Math.abs(v) * 1.1);
  const grid = new Float32Array(GRID * GRID * 2);
  for (let i = 0; i < GRID; i++) {
    for (let j = 0; j < GRID; j++) {
      grid[2 * (i * GRID + j)] = -extent + ((j + 0.5) * 2 * extent) / GRID;
      grid[2 * (i * GRID + j) + 1] = extent - ((i + 0.5) * 2 * extent) / GRID;
    }
  }
  run = {
    settings: s,
    net,
    opt: optimizer(s, net.parameters()),
    x: data.x,
    labels: data.labels,
    rng,
    step: 0,
    extent,
    grid: tensor(grid, { shape: [GRID * GRID, 2] }),
  };
  post({
    type: 'configured',
    model: net.toString(),
    points: Float32Array.from(points),
    labels: Int32Array.from(data.labels.data as Int32Array),
    classes: classCount(s.data),
    extent,
  });
  report([], 0, true);
}

// One step of minibatch SGD-style training: a random batch, the loss, backward, the update.
function trainStep(r: Run): number {
  const n = r.labels.size;
  const b = Math.min(r.settings.batchSize, n);
  const idx = new Int32Array(b);
  for (let i = 0; i < b; i++) idx[i] = r.rng.randint(0, n);
  const batch = tensor(idx, { dtype: 'int32' });
  const loss = softmaxCrossEntropy(r.net.forward(r.x.take(batch)), r.labels.take(batch));
  r.opt.zeroGrad();
  loss.backward();
  r.opt.step();
  r.step++;
  const value = loss.item();
  if (!Number.isFinite(value)) throw new Error(`the loss became ${value} at step ${r.step}: lower the learning rate`);
  return value;
}

function boundary(r: Run): Boundary {
  const probs = noGrad(() => r.net.forward(r.grid).softmax(-1));
  const c = probs.shape[1];
  const p = probs.data as Float32Array;
  const classes = new Uint8Array(GRID * GRID);
  const confidence = new Float32Array(GRID * GRID);
  for (let i = 0; i < GRID * GRID; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (p[i * c + k] > p[i * c + best]) best = k;
    classes[i] = best;
    confidence[i] = p[i * c + best];
  }
  return { size: GRID, extent: r.extent, classes, confidence };
}

function report(losses: number[], stepsPerSecond: number, drawBoundary: boolean): void {
  const r = run!;
  const acc = noGrad(() => accuracy(r.net.forward(r.x), r.labels));
  const now = performance.now();
  const b = drawBoundary || now - lastBoundary > BOUNDARY_EVERY_MS ? boundary(r) : null;
  if (b) lastBoundary = now;
  post(
    { type: 'progress', step: r.step, losses, accuracy: acc, stepsPerSecond, running, boundary: b },
    b ? [b.classes.buffer, b.confidence.buffer] : [],
  );
}

async function loop(): Promise<void> {
  const gen = ++generation;
  while (running && run && gen === generation) {
    const t0 = performance.now();
    const losses: number[] = [];
    while (performance.now() - t0 < SLICE_MS) losses.push(trainStep(run));
    report(losses, (losses.length * 1000) / (performance.now() - t0), false);
    await new Promise((resolve) => setTimeout(resolve, 0)); // let pause and step in
  }
}

function fail(e: unknown): void {
  running = false;
  post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
}

const started = ready().then(
  (k) => post({ type: 'ready', kernels: k.name, reason: wasmUnavailableReason() }),
  (e) => fail(e),
);

self.onmessage = async (e: MessageEvent<Command>) => {
  await started;
  const cmd = e.data;
  try {
    if (cmd.type === 'configure') {
      running = false;
      configure(cmd.settings);
    } else if (run === null) {
      throw new Error('no model yet: the settings were not accepted');
    } else if (cmd.type === 'start' && !running) {
      running = true;
      loop().catch(fail);
    } else if (cmd.type === 'pause') {
      running = false;
      report([], 0, true);
    } else if (cmd.type === 'step') {
      running = false;
      const t0 = performance.now();
      const loss = trainStep(run);
      report([loss], 1000 / (performance.now() - t0), true);
    } else if (cmd.type === 'export') {
      post({
        type: 'exported',
        blob: saveBlob(run.net, { metadata: { step: String(run.step), kernels: kernels().name } }),
      });
    }
  } catch (err) {
    fail(err);
  }
};
