import { noGrad, randn, Rng, zeros, type Tensor } from '@tapegrad/core';
import { loadFashionMnist, trainTestSplit } from '@tapegrad/datasets';
import { init, Linear, Sequential, SGD, Sigmoid, softmaxCrossEntropy, Trainer } from '@tapegrad/nn';
import * as path from 'node:path';
import { epochBatches } from '../lib/batches';
import { secondsSince, writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';
import { lineChart, savePlot } from '@tapegrad/plot';
import { evaluateAccuracy } from '../lib/two-layer-net';

/** What `npm run example -- multiclass-fashion` shows. */
export const description =
  'Lecture: MultiClassNetwork 784-100-10 sigmoid/softmax on Fashion-MNIST, and its Keras-style Sequential twin';

/**
 * The lecture's hand-written `MultiClassNetwork` on raw tensors: weights drawn from N(0, 1),
 * zero biases, sigmoid hidden layer, softmax cross-entropy, and the update `w ← w − lr·∇w` written
 * out by hand (autograd supplies ∇w, nothing else from `@tapegrad/nn` but the loss).
 *
 * @example
 * const net = new MultiClassNetwork(100, 0.1, new Rng(42));
 * net.step(xBatch, labels); // the batch loss
 */
export class MultiClassNetwork {
  readonly params: Tensor[];

  constructor(
    readonly units: number,
    readonly lr: number,
    rng: Rng,
  ) {
    this.params = [randn([784, units], { rng }), zeros([units]), randn([units, 10], { rng }), zeros([10])];
    for (const p of this.params) p.requiresGrad = true;
  }

  forward(x: Tensor): Tensor {
    const [w1, b1, w2, b2] = this.params;
    return x.matmul(w1).add(b1).sigmoid().matmul(w2).add(b2);
  }

  /** One mini-batch update; returns the batch loss. */
  step(x: Tensor, labels: Tensor): number {
    for (const p of this.params) p.zeroGrad();
    const loss = softmaxCrossEntropy(this.forward(x), labels);
    loss.backward();
    noGrad(() => {
      for (const p of this.params) {
        const w = p.data;
        const g = p.grad!.data;
        for (let i = 0; i < w.length; i++) w[i] -= this.lr * g[i];
      }
    });
    return loss.item();
  }
}

/**
 * Fashion-MNIST's 60,000 training images split 80/20 stratified (seed 42, as the lecture's
 * `random_state=42`) into training and validation; then (1) the lecture's MultiClassNetwork,
 * 100 units, lr 0.1, batch 256, 40 epochs, and (2) the Keras-style twin — Dense(100, sigmoid),
 * Dense(10, softmax), Glorot init, SGD lr 0.01, batch 32, 40 epochs — through `Trainer.fit`
 * with validation data. Plots losses and validation accuracy of both.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/mcf', log: console.log });
 * // MultiClassNetwork: validation accuracy 0.8072 …
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  const all = loadFashionMnist({ split: 'train' });
  const x = smoke ? all.x.slice([0, 2000]) : all.x;
  const labels = smoke ? all.labels.slice([0, 2000]) : all.labels;
  const split = trainTestSplit(x, labels, { testSize: 0.2, stratify: true, rng: new Rng(42) });
  const train = { x: split.xTrain, labels: split.tTrain };
  const val = { x: split.xTest, labels: split.tTest };
  const epochs = smoke ? 2 : 40;
  log(`Fashion-MNIST: ${train.x.shape[0]} training, ${val.x.shape[0]} validation images`);

  const rng = new Rng(42);
  const own = new MultiClassNetwork(100, 0.1, rng);
  const ownLoss: number[] = [];
  const ownValLoss: number[] = [];
  const ownValAcc: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let total = 0;
    let steps = 0;
    for (const b of epochBatches(train.x, train.labels, 256, rng, true)) {
      total += own.step(b.x, b.t);
      steps++;
    }
    ownLoss.push(total / steps);
    ownValLoss.push(noGrad(() => softmaxCrossEntropy(own.forward(val.x), val.labels).item()));
    ownValAcc.push(evaluateAccuracy((v) => own.forward(v), val.x, val.labels));
    if (epoch % 5 === 0 || epoch === epochs)
      log(
        `MultiClassNetwork epoch ${epoch}: loss ${ownLoss[epoch - 1].toFixed(4)}, val loss ${ownValLoss[epoch - 1].toFixed(4)}, val acc ${ownValAcc[epoch - 1].toFixed(4)}`,
      );
  }
  const ownSeconds = secondsSince(t0);
  const ownAccuracy = ownValAcc[ownValAcc.length - 1];
  log(`MultiClassNetwork: validation accuracy ${ownAccuracy.toFixed(4)} (the lecture prints 0.8151), ${ownSeconds} s`);

  const t1 = performance.now();
  const model = new Sequential(
    new Linear(784, 100, { init: init.xavierUniform, rng }),
    new Sigmoid(),
    new Linear(100, 10, { init: init.xavierUniform, rng }),
  );
  const trainer = new Trainer(model, new SGD(model.parameters(), { lr: 0.01 }), { loss: softmaxCrossEntropy });
  const history = trainer.fit(train.x, train.labels, {
    maxEpoch: epochs,
    batchSize: 32,
    rng,
    validation: { x: val.x, t: val.labels },
    verbose: 0,
  });
  const records = history.records.toArray().filter((r) => r.valAccuracy !== null);
  const kerasAccuracy = records[records.length - 1].valAccuracy!;
  const kerasSeconds = secondsSince(t1);
  for (const r of records)
    if (r.epoch % 5 === 0 || r.epoch === epochs)
      log(
        `Sequential epoch ${r.epoch}: loss ${r.loss.toFixed(4)}, val loss ${r.valLoss!.toFixed(4)}, val acc ${r.valAccuracy!.toFixed(4)}`,
      );
  log(`Sequential (Keras-style): validation accuracy ${kerasAccuracy.toFixed(4)} (lecture 0.863), ${kerasSeconds} s`);

  const files: string[] = [];
  if (!smoke) {
    const ep = ownLoss.map((_, i) => i + 1);
    const kep = records.map((r) => r.epoch);
    const loss = lineChart(
      [
        { name: 'MultiClassNetwork train', x: ep, y: ownLoss },
        { name: 'MultiClassNetwork val', x: ep, y: ownValLoss },
        { name: 'Sequential train', x: kep, y: records.map((r) => r.loss) },
        { name: 'Sequential val', x: kep, y: records.map((r) => r.valLoss!) },
      ],
      { title: 'Fashion-MNIST: loss', xLabel: 'epoch', yLabel: 'loss' },
    );
    files.push(savePlot(loss, path.join(outDir, 'loss')).png);
    const acc = lineChart(
      [
        { name: 'MultiClassNetwork', x: ep, y: ownValAcc },
        { name: 'Sequential', x: kep, y: records.map((r) => r.valAccuracy!) },
      ],
      { title: 'Fashion-MNIST: validation accuracy', xLabel: 'epoch', yLabel: 'accuracy', legend: 'bottom-right' },
    );
    files.push(savePlot(acc, path.join(outDir, 'accuracy')).png);
  }
  const metrics = {
    valAccuracy: ownAccuracy,
    kerasValAccuracy: kerasAccuracy,
    ownSeconds,
    kerasSeconds,
    seconds: secondsSince(t0),
  };
  files.push(writeJson(outDir, 'metrics.json', { ...metrics, ownLoss, ownValLoss, ownValAcc }));
  return { metrics, files };
}
