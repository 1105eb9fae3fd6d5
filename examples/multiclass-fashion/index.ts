import { noGrad, randn, Rng, zeros, type Tensor } from '@tapegrad/core';
import { loadFashionMnist, trainTestSplit } from '@tapegrad/datasets';
import { init, Linear, Sequential, SGD, Sigmoid, softmaxCrossEntropy, Trainer } from '@tapegrad/nn';
import * as path from 'node:path';
import { epochBatches, evaluateAccuracy } from '@tapegrad/cli';
import { secondsSince, summaryStats, writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';
import { lineChart, savePlot } from '@tapegrad/plot';

/** What `npm run example -- multiclass-fashion` shows. */
export const description =
  'Lecture: MultiClassNetwork 784-100-10 sigmoid/softmax on Fashion-MNIST, and its Keras-style Sequential twin';

/**
 * The lecture's hand-written `MultiClassNetwork` on raw tensors: weights drawn from N(0, 1)
 * (`initKind: 'lecture'`; this saturates most hidden sigmoids on 784 inputs) or from Glorot's
 * normal N(0, 2 / (fanIn + fanOut)) (`'glorot'`, the variance of Keras's default initialiser),
 * zero biases, sigmoid hidden layer, softmax cross-entropy, and the update `w ← w − lr·∇w` written
 * out by hand (autograd supplies ∇w, nothing else from `@tapegrad/nn` but the loss and the init).
 *
 * @example
 * const net = new MultiClassNetwork(100, 0.1, new Rng(42));
 * net.step(xBatch, labels); // the batch loss
 * new MultiClassNetwork(100, 0.1, new Rng(42), 'glorot');
 */
export class MultiClassNetwork {
  readonly params: Tensor[];

  constructor(
    readonly units: number,
    readonly lr: number,
    rng: Rng,
    readonly initKind: 'lecture' | 'glorot' = 'lecture',
  ) {
    const draw = (fanIn: number, fanOut: number): Tensor =>
      initKind === 'lecture'
        ? randn([fanIn, fanOut], { rng })
        : init.xavierNormal([fanIn, fanOut], { rng, fanIn, fanOut });
    this.params = [draw(784, units), zeros([units]), draw(units, 10), zeros([10])];
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

/** The data of the lecture: 48,000 training and 12,000 validation images (stratified, seed 42). */
interface Data {
  train: { x: Tensor; labels: Tensor };
  val: { x: Tensor; labels: Tensor };
}

/** Per-epoch curves of one MultiClassNetwork run. */
interface OwnRun {
  loss: number[];
  valLoss: number[];
  valAcc: number[];
  seconds: number;
}

/**
 * The lecture's `fc.fit(x_train, y_train_encoded, epochs=40)` with `batch_size=256` (the
 * remainder batch kept, as its `gen_batch`): `rng` draws the weights and the shuffles.
 */
function trainOwn(
  data: Data,
  initKind: 'lecture' | 'glorot',
  rng: Rng,
  epochs: number,
  log: ((line: string) => void) | null,
): OwnRun {
  const t0 = performance.now();
  const net = new MultiClassNetwork(100, 0.1, rng, initKind);
  const name = initKind === 'lecture' ? 'MultiClassNetwork' : 'MultiClassNetwork (Glorot)';
  const out: OwnRun = { loss: [], valLoss: [], valAcc: [], seconds: 0 };
  for (let epoch = 1; epoch <= epochs; epoch++) {
    let total = 0;
    let steps = 0;
    for (const b of epochBatches(data.train.x, data.train.labels, 256, rng, true)) {
      total += net.step(b.x, b.t);
      steps++;
    }
    out.loss.push(total / steps);
    out.valLoss.push(noGrad(() => softmaxCrossEntropy(net.forward(data.val.x), data.val.labels).item()));
    out.valAcc.push(evaluateAccuracy((v) => net.forward(v), data.val.x, data.val.labels));
    if (log && (epoch % 5 === 0 || epoch === epochs))
      log(
        `${name} epoch ${epoch}: loss ${out.loss[epoch - 1].toFixed(4)}, val loss ${out.valLoss[epoch - 1].toFixed(4)}, val acc ${out.valAcc[epoch - 1].toFixed(4)}`,
      );
  }
  out.seconds = secondsSince(t0);
  return out;
}

/** Mean, sample standard deviation, min and max. */
/**
 * Fashion-MNIST's 60,000 training images split 80/20 stratified (seed 42, as the lecture's
 * `random_state=42`) into training and validation; then (1) the lecture's MultiClassNetwork,
 * 100 units, N(0, 1) weights, lr 0.1, batch 256, 40 epochs, exactly as the lecture; (2) the same
 * network and settings with Glorot-normal weights instead; and (3) the Keras-style twin —
 * Dense(100, sigmoid), Dense(10, softmax), Glorot init, SGD lr 0.01, batch 32, 40 epochs —
 * through `Trainer.fit` with validation data. All three use seed 42. Plots the losses and
 * validation accuracies. With `seeds: N` (`npm run example -- multiclass-fashion --seeds 10`)
 * it also trains both MultiClassNetworks with seeds 1…N and prints mean ± sd of the final
 * validation accuracy.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/mcf', log: console.log });
 * // MultiClassNetwork: validation accuracy 0.8072 …
 */
export async function run({ smoke, outDir, log, seeds = 0 }: ExampleOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  const all = loadFashionMnist({ split: 'train' });
  const x = smoke ? all.x.slice([0, 2000]) : all.x;
  const labels = smoke ? all.labels.slice([0, 2000]) : all.labels;
  const split = trainTestSplit(x, labels, { testSize: 0.2, stratify: true, rng: new Rng(42) });
  const data: Data = {
    train: { x: split.xTrain, labels: split.tTrain },
    val: { x: split.xTest, labels: split.tTest },
  };
  const epochs = smoke ? 2 : 40;
  log(`Fashion-MNIST: ${data.train.x.shape[0]} training, ${data.val.x.shape[0]} validation images`);

  const own = trainOwn(data, 'lecture', new Rng(42), epochs, log);
  const ownAccuracy = own.valAcc[own.valAcc.length - 1];
  log(
    `MultiClassNetwork, N(0, 1) init as the lecture: validation accuracy ${ownAccuracy.toFixed(4)} (the lecture prints 0.8151), ${own.seconds} s`,
  );
  const glorot = trainOwn(data, 'glorot', new Rng(42), epochs, log);
  const glorotAccuracy = glorot.valAcc[glorot.valAcc.length - 1];
  log(
    `MultiClassNetwork, Glorot-normal init, same lr 0.1 / batch 256 / ${epochs} epochs: validation accuracy ${glorotAccuracy.toFixed(4)}, ${glorot.seconds} s`,
  );

  const t1 = performance.now();
  const rng = new Rng(42);
  const model = new Sequential(
    new Linear(784, 100, { init: init.xavierUniform, rng }),
    new Sigmoid(),
    new Linear(100, 10, { init: init.xavierUniform, rng }),
  );
  const trainer = new Trainer(model, new SGD(model.parameters(), { lr: 0.01 }), { loss: softmaxCrossEntropy });
  const history = trainer.fit(data.train.x, data.train.labels, {
    maxEpoch: epochs,
    batchSize: 32,
    rng,
    validation: { x: data.val.x, t: data.val.labels },
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

  const sweep: Record<string, number[]> = {};
  if (seeds > 0) {
    log(`MultiClassNetwork over seeds 1…${seeds} (weights and shuffles; split fixed), final validation accuracy:`);
    for (const kind of ['lecture', 'glorot'] as const) {
      const accs: number[] = [];
      for (let s = 1; s <= seeds; s++) {
        const r = trainOwn(data, kind, new Rng(s), epochs, null);
        accs.push(r.valAcc[r.valAcc.length - 1]);
      }
      const st = summaryStats(accs);
      const name = kind === 'lecture' ? 'N(0, 1) init' : 'Glorot init';
      log(
        `  ${name}: mean ${st.mean.toFixed(4)} ± ${st.sd.toFixed(4)} (sd), min ${st.min.toFixed(4)}, max ${st.max.toFixed(4)}; ${accs.map((a) => a.toFixed(4)).join(' ')}`,
      );
      sweep[kind] = accs;
    }
  }

  const files: string[] = [];
  if (!smoke) {
    const ep = own.loss.map((_, i) => i + 1);
    const kep = records.map((r) => r.epoch);
    const loss = lineChart(
      [
        { name: 'MultiClassNetwork N(0, 1) train', x: ep, y: own.loss },
        { name: 'MultiClassNetwork N(0, 1) val', x: ep, y: own.valLoss },
        { name: 'MultiClassNetwork Glorot train', x: ep, y: glorot.loss },
        { name: 'MultiClassNetwork Glorot val', x: ep, y: glorot.valLoss },
        { name: 'Sequential train', x: kep, y: records.map((r) => r.loss) },
        { name: 'Sequential val', x: kep, y: records.map((r) => r.valLoss!) },
      ],
      { title: 'Fashion-MNIST: loss', xLabel: 'epoch', yLabel: 'loss' },
    );
    files.push(savePlot(loss, path.join(outDir, 'loss')).png);
    const acc = lineChart(
      [
        { name: 'MultiClassNetwork N(0, 1)', x: ep, y: own.valAcc },
        { name: 'MultiClassNetwork Glorot', x: ep, y: glorot.valAcc },
        { name: 'Sequential', x: kep, y: records.map((r) => r.valAccuracy!) },
      ],
      { title: 'Fashion-MNIST: validation accuracy', xLabel: 'epoch', yLabel: 'accuracy', legend: 'bottom-right' },
    );
    files.push(savePlot(acc, path.join(outDir, 'accuracy')).png);
  }
  const metrics: Record<string, number> = {
    valAccuracy: ownAccuracy,
    glorotValAccuracy: glorotAccuracy,
    kerasValAccuracy: kerasAccuracy,
    ownSeconds: own.seconds,
    glorotSeconds: glorot.seconds,
    kerasSeconds,
  };
  for (const [kind, accs] of Object.entries(sweep)) metrics[`${kind}SeedMean`] = summaryStats(accs).mean;
  metrics.seconds = secondsSince(t0);
  files.push(
    writeJson(outDir, 'metrics.json', {
      ...metrics,
      ownLoss: own.loss,
      ownValLoss: own.valLoss,
      ownValAcc: own.valAcc,
      glorotLoss: glorot.loss,
      glorotValLoss: glorot.valLoss,
      glorotValAcc: glorot.valAcc,
      seedSweep: sweep,
    }),
  );
  return { metrics, files };
}
