import { OrderedMap } from 'immutable';
import { Rng, Tensor, tensor } from '@tapegrad/core';
import {
  Adam,
  type Callback,
  EarlyStopping,
  History,
  SGD,
  StepLR,
  TrainRecord,
  Trainer,
  accuracy,
  bceWithLogits,
  binaryCrossEntropy,
  init,
  mlp,
  softmaxCrossEntropy,
} from '@tapegrad/nn';

class Capture {
  chunks: string[] = [];
  constructor(readonly isTTY = false) {}
  write(s: string): boolean {
    this.chunks.push(s);
    return true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const xorX = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const xorT = tensor([[0], [1], [1], [0]]);

function blobs(n: number, seed = 0): { x: Tensor; t: Tensor } {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 2);
  const t = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = i % 3;
    x[2 * i] = Math.cos((2 * Math.PI * t[i]) / 3) * 2 + rng.normal() * 0.3;
    x[2 * i + 1] = Math.sin((2 * Math.PI * t[i]) / 3) * 2 + rng.normal() * 0.3;
  }
  return { x: tensor(x, { shape: [n, 2] }), t: tensor(t) };
}

test('learns XOR (2-4-1, tanh, binary cross-entropy)', () => {
  const model = mlp([2, 4, 1], { activation: 'tanh', init: init.xavierNormal, rng: new Rng(0) });
  const trainer = new Trainer(model, new Adam(model.parameters(), { lr: 0.05 }), {
    loss: bceWithLogits,
    metric: (y, t) => accuracy(y, t),
  });
  const history = trainer.fit(xorX, xorT, { maxEpoch: 500, batchSize: 4, verbose: 0 });
  expect(history.lossList.at(-1)!).toBeLessThan(0.05);
  expect(history.last!.accuracy).toBe(1);
  const p = trainer.predict(xorX).sigmoid();
  expect(Array.from(p.data).map((v) => (v > 0.5 ? 1 : 0))).toEqual([0, 1, 1, 0]);
  // The same net trained on probabilities with the lecture's clipped BCE.
  const m2 = mlp([2, 4, 1], { activation: 'tanh', init: init.xavierNormal, rng: new Rng(0) });
  const t2 = new Trainer(m2, new Adam(m2.parameters(), { lr: 0.05 }), {
    loss: (y, t) => binaryCrossEntropy(y.sigmoid(), t),
  });
  expect(t2.fit(xorX, xorT, { maxEpoch: 500, batchSize: 4, verbose: 0 }).lossList.at(-1)!).toBeLessThan(0.05);
});

test("prints the book's lines when the output is not a terminal", () => {
  const { x, t } = blobs(90);
  const model = mlp([2, 8, 3], { rng: new Rng(1) });
  const out = new Capture(false);
  const trainer = new Trainer(model, new SGD(model.parameters(), { lr: 0.1 }), { loss: softmaxCrossEntropy });
  const history = trainer.fit(x, t, { maxEpoch: 3, batchSize: 30, evalInterval: 1, output: out });
  const lines = out.text.trimEnd().split('\n');
  expect(lines).toHaveLength(9);
  expect(lines[0]).toMatch(/^\| epoch 1 \| {2}iter 1 \/ 3 \| time \d+\[s\] \| loss \d+\.\d{2}$/);
  expect(lines[8]).toMatch(/^\| epoch 3 \| {2}iter 3 \/ 3 \| time \d+\[s\] \| loss \d+\.\d{2}$/);
  expect(lines[8]).toContain(`loss ${history.lossList[8].toFixed(2)}`);
  expect(history).toBeInstanceOf(History);
  expect(history.column('iter')).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
});

test('shows a live cli-progress bar on a terminal, and nothing with verbose 0', () => {
  const { x, t } = blobs(60);
  const model = mlp([2, 8, 3], { rng: new Rng(1) });
  const trainer = new Trainer(model, new SGD(model.parameters(), { lr: 0.1 }), { loss: softmaxCrossEntropy });
  const tty = new Capture(true);
  trainer.fit(x, t, { maxEpoch: 2, batchSize: 20, output: tty });
  expect(tty.text).toMatch(/epoch 2\/2 \|█+\| 100% \| iter 6\/6 \| loss \d\.\d{4} \| acc \d\.\d{3}/);
  expect(tty.text).toContain('\x1B[?25l');
  const silent = new Capture(true);
  trainer.fit(x, t, { maxEpoch: 2, batchSize: 20, output: silent, verbose: 0 });
  expect(silent.chunks).toEqual([]);
});

test('validation, callbacks, schedulers, gradient clipping, penalties and early stopping', () => {
  const { x, t } = blobs(120, 3);
  const model = mlp([2, 16, 3], { rng: new Rng(2) });
  const opt = new SGD(model.parameters(), { lr: 0.5 });
  const trainer = new Trainer(model, opt, { loss: softmaxCrossEntropy });
  const epochs: number[] = [];
  const cb: Callback = { onEpochEnd: (r) => void epochs.push(r.epoch) };
  const history = trainer.fit(x, t, {
    maxEpoch: 6,
    batchSize: 16,
    validationSplit: 0.25,
    callbacks: [cb],
    scheduler: new StepLR(opt, { stepSize: 2, gamma: 0.5 }),
    maxGrad: 1,
    penalty: { l2: 1e-3 },
    verbose: 0,
  });
  expect(epochs).toEqual([1, 2, 3, 4, 5, 6]);
  expect(history.column('lr')).toEqual([0.5, 0.5, 0.25, 0.25, 0.125, 0.125]);
  expect(history.column('iter')).toEqual([5, 5, 5, 5, 5, 5]); // ⌊90 / 16⌋ batches
  expect(history.last!.valAccuracy!).toBeGreaterThan(0.9);
  expect(history.last!.valLoss!).toBeLessThan(0.5);
  const ev = trainer.evaluate(x, t);
  expect(ev.accuracy!).toBeGreaterThan(0.9);
  expect(model.training).toBe(true);

  // A loss that cannot improve stops after `patience` epochs without improvement.
  const stuck = mlp([2, 3], { rng: new Rng(0) });
  const stuckTrainer = new Trainer(stuck, new SGD(stuck.parameters(), { lr: 0 }), { loss: softmaxCrossEntropy });
  const h = stuckTrainer.fit(x, t, {
    maxEpoch: 50,
    batchSize: 120,
    shuffle: false,
    verbose: 0,
    earlyStopping: { patience: 2, monitor: 'loss' },
  });
  expect(h.size).toBe(3);
  expect(() => stuckTrainer.fit(x, t, { earlyStopping: { patience: 1, monitor: 'valLoss' }, verbose: 0 })).toThrow(
    /needs validation/,
  );
  expect(() => stuckTrainer.fit(x, t.slice([0, 10]), { verbose: 0 })).toThrow(/rows/);
});

test('evaluate and predict work in batches, in eval mode, without recording', () => {
  const { x, t } = blobs(50);
  const model = mlp([2, 4, 3], { rng: new Rng(4) });
  const trainer = new Trainer(model, new SGD(model.parameters(), { lr: 0.1 }), { loss: softmaxCrossEntropy });
  const all = trainer.predict(x);
  const batched = trainer.predict(x, { batchSize: 7 });
  expect(batched.shape).toEqual([50, 3]);
  expect(batched.requiresGrad).toBe(false);
  Array.from(all.data).forEach((v, i) => expect(batched.data[i]).toBeCloseTo(v, 6));
  const e1 = trainer.evaluate(x, t);
  const e2 = trainer.evaluate(x, t, { batchSize: 9 });
  expect(e2.loss).toBeCloseTo(e1.loss, 5);
  expect(e2.accuracy).toBeCloseTo(accuracy(all, t), 10);
});

test('accuracy handles indices, one-hot and binary logits', () => {
  const y = tensor([
    [2, 1, 0],
    [0, 3, 1],
    [0, 0, 1],
  ]);
  expect(accuracy(y, tensor([0, 1, 0], { dtype: 'int32' }))).toBeCloseTo(2 / 3, 12);
  expect(
    accuracy(
      y,
      tensor([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ]),
    ),
  ).toBe(1);
  expect(accuracy(tensor([[1.5], [-2]]), tensor([[1], [0]]))).toBe(1);
  expect(accuracy(tensor([0.7, 0.2]), tensor([1, 1]), { threshold: 0.5 })).toBe(0.5);
  expect(() => accuracy(y, tensor([0, 1], { dtype: 'int32' }))).toThrow(/labels must be/);
});

test('EarlyStopping: patience counts epochs without improvement; restoreBest puts the best weights back', () => {
  const snapshots: number[] = [];
  let current = 0;
  const ctx = {
    stopped: false,
    stop() {
      this.stopped = true;
    },
    trainer: {
      model: {
        stateDict: () => {
          snapshots.push(current);
          return OrderedMap({ w: tensor([current]) });
        },
        loadStateDict: (sd: OrderedMap<string, Tensor>) => {
          current = sd.get('w')!.item();
        },
      },
    },
  };
  const es = new EarlyStopping({ patience: 2, monitor: 'valAccuracy', restoreBest: true, minDelta: 0.01 }, true);
  const accs = [0.5, 0.8, 0.805, 0.7];
  accs.forEach((a, i) => {
    current = i + 1;
    if (!ctx.stopped) es.onEpochEnd(TrainRecord({ epoch: i + 1, valAccuracy: a }), ctx);
  });
  expect(ctx.stopped).toBe(true);
  expect(es.stoppedEpoch).toBe(4);
  expect(snapshots).toEqual([1, 2]); // 0.805 is not better than 0.8 by minDelta
  es.onTrainEnd(ctx);
  expect(current).toBe(2);
});

test('dropLast: false also trains on the smaller last batch (the lecture’s gen_batch)', () => {
  const { x, t } = blobs(100);
  const iters = (dropLast?: boolean): number[] => {
    const model = mlp([2, 8, 3], { rng: new Rng(1) });
    const trainer = new Trainer(model, new SGD(model.parameters(), { lr: 0.1 }), { loss: softmaxCrossEntropy });
    return trainer.fit(x, t, { maxEpoch: 1, batchSize: 30, evalInterval: 1, verbose: 0, dropLast }).column('iter');
  };
  expect(iters()).toEqual([1, 2, 3]); // ⌊100/30⌋, the book's rule
  expect(iters(false)).toEqual([1, 2, 3, 4]); // ⌈100/30⌉: the last batch holds 10 rows
});
