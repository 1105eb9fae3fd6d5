import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tensor } from '@tapegrad/core';
import * as breastCancer from '../breast-cancer';
import * as fashion from '../fashion-mnist';
import * as multiclass from '../multiclass-fashion';
import * as reluSoftmax from '../mnist-relu-softmax';

const opts = (lines: string[] = []) => ({
  smoke: true,
  outDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-lect-')),
  log: (l: string) => lines.push(l),
});

describe('textbook and lecture nets (smoke sizes)', () => {
  it('mnist-relu-softmax: per-sample and batch-100 SGD both learn', async () => {
    const { metrics } = await reluSoftmax.run(opts());
    expect(metrics.trainAccuracy).toBeGreaterThan(0.7);
    expect(metrics.batchTrainAccuracy).toBeGreaterThan(0.5);
    expect(metrics.trainSeconds).toBeGreaterThan(0);
  });

  it('fashion-mnist: the same net learns Fashion-MNIST', async () => {
    const lines: string[] = [];
    const { metrics } = await fashion.run(opts(lines));
    expect(lines[0]).toContain('fashion-mnist, per-sample SGD');
    expect(metrics.trainAccuracy).toBeGreaterThan(0.6);
  });

  it('multiclass-fashion: the hand-written network (both inits) and the Sequential twin train; --seeds sweeps', async () => {
    const lines: string[] = [];
    const { metrics } = await multiclass.run({ ...opts(lines), seeds: 2 });
    expect(metrics.valAccuracy).toBeGreaterThan(0.1);
    expect(metrics.glorotValAccuracy).toBeGreaterThan(0.3);
    expect(metrics.kerasValAccuracy).toBeGreaterThan(0.3);
    expect(metrics.lectureSeedMean).toBeGreaterThan(0.1);
    expect(metrics.glorotSeedMean).toBeGreaterThan(0.3);
    expect(lines.join('\n')).toContain('over seeds 1…2');
  });

  it('breast-cancer: binary accuracy, and the lecture nets separate the classes', async () => {
    expect(breastCancer.binaryAccuracy(tensor([[2], [-1], [0.5]]), tensor([[1], [1], [0]]))).toBeCloseTo(1 / 3);
    const lines: string[] = [];
    const { metrics } = await breastCancer.run(opts(lines));
    expect(metrics.SingleLayerVal).toBeGreaterThan(0.9);
    expect(metrics.bestValAccuracy).toBeGreaterThan(0.9);
    expect(metrics.MinibatchNetworkbatch128SeedMean).toBeGreaterThan(0.8);
    expect(lines.join('\n')).toContain('validation accuracy over 2 seeds');
  });
});

describe('mnist-beyond (smoke)', () => {
  it('trains the 784-256-128-10 net and scores the test images every epoch', async () => {
    const { run } = await import('../mnist-beyond');
    const { metrics } = await run(opts());
    expect(metrics.testAccuracy).toBeGreaterThan(0.6);
    expect(metrics.bestTestAccuracy).toBeGreaterThanOrEqual(metrics.testAccuracy as number);
  });
});
