import { Rng, Tensor, tensor } from '@tapegrad/core';
import { DataLoader, TensorDataset, spiral } from '@tapegrad/datasets';
import { OneCycleLR, ReduceLROnPlateau, SGD, Trainer, accuracy, init, mlp, softmaxCrossEntropy } from '@tapegrad/nn';

const book = (): { trainer: Trainer; model: ReturnType<typeof mlp>; opt: SGD } => {
  const model = mlp([2, 10, 3], { activation: 'sigmoid', init: init.normal(0.01), rng: new Rng(1984) });
  const opt = new SGD(model.parameters(), { lr: 1 });
  return { trainer: new Trainer(model, opt, { loss: softmaxCrossEntropy }), model, opt };
};

test('fit(loader) trains exactly like fit(x, t): both batch through a DataLoader', () => {
  const { x, t } = spiral();
  const a = book();
  const ha = a.trainer.fit(x, t, { maxEpoch: 20, batchSize: 30, rng: new Rng(7), verbose: 0 });
  const b = book();
  const loader = new DataLoader(new TensorDataset(x, t), {
    batchSize: 30,
    shuffle: true,
    dropLast: true,
    rng: new Rng(7),
  });
  const hb = b.trainer.fit(loader, { maxEpoch: 20, verbose: 0 });
  expect(hb.lossList).toEqual(ha.lossList);
  expect(hb.column('iter')).toEqual(Array(20).fill(10));
  expect(Array.from(b.model.parameters()[0].data)).toEqual(Array.from(a.model.parameters()[0].data));
});

test('a loader for validation, evaluate(loader), and loader-only options rejected', () => {
  const { x, t, labels } = spiral();
  const { trainer } = book();
  const train = new DataLoader(new TensorDataset(x, t), { batchSize: 30, shuffle: true, rng: new Rng(0) });
  const val = new DataLoader(new TensorDataset(x, labels), { batchSize: 64 });
  const h = trainer.fit(train, { maxEpoch: 3, validation: val, verbose: 0 });
  expect(h.column('valLoss').every((v) => typeof v === 'number' && v > 0)).toBe(true);
  const ev = trainer.evaluate(val);
  expect(ev.accuracy).toBeCloseTo(accuracy(trainer.predict(x), labels), 10);
  expect(ev.loss).toBeCloseTo(trainer.evaluate(x, labels).loss, 5);
  expect(h.last!.valLoss).toBeCloseTo(ev.loss, 5);
  expect(() => trainer.fit(train, { batchSize: 10 })).toThrow(
    /batchSize applies to fit\(x, t\); with a DataLoader set it on the loader/,
  );
  expect(() => trainer.fit(train, { validationSplit: 0.2 })).toThrow(/validationSplit applies to fit\(x, t\)/);
  expect(() => trainer.fit({ length: 3 } as never)).toThrow(/must be a DataLoader/);
  expect(() => (trainer.evaluate as (...args: unknown[]) => unknown).call(trainer, val, { batchSize: 5 })).toThrow(
    /set batchSize on the loader/,
  );
  const empty = new DataLoader(new TensorDataset(x.slice([0, 5]), t.slice([0, 5])), { batchSize: 30, dropLast: true });
  expect(() => trainer.fit(empty, { verbose: 0 })).toThrow(/the loader yields no batches/);
});

test('schedulers through fit: OneCycleLR per batch, ReduceLROnPlateau on the monitored record field', () => {
  const { x, t } = spiral();
  const { trainer, opt } = book();
  opt.paramGroups[0].momentum = 0.9;
  const sched = new OneCycleLR(opt, { maxLr: 1, epochs: 2, stepsPerEpoch: 10 });
  const lrs: number[] = [];
  trainer.fit(x, t, {
    maxEpoch: 2,
    batchSize: 30,
    scheduler: sched,
    schedulerInterval: 'batch',
    evalInterval: 1,
    callbacks: [{ onRecord: (r) => void lrs.push(r.lr) }],
    verbose: 0,
  });
  expect(sched.lastEpoch).toBe(20);
  lrs.forEach((lr, i) => expect(lr).toBeCloseTo(sched.lrAt(i + 1, 0, 0), 12)); // recorded after each batch's step
  expect(Math.max(...lrs)).toBeCloseTo(1, 12);

  const b = book();
  const plateau = new ReduceLROnPlateau(b.opt, { factor: 0.5, patience: 0, monitor: 'loss' });
  const seen: number[] = [];
  const step = plateau.step.bind(plateau);
  plateau.step = (m: number) => {
    seen.push(m);
    step(m);
  };
  const h = b.trainer.fit(x, t, { maxEpoch: 4, batchSize: 30, scheduler: plateau, verbose: 0 });
  expect(seen).toEqual(h.column('loss'));
  expect(() => b.trainer.fit(x, t, { scheduler: plateau, schedulerInterval: 'batch' })).toThrow(
    /ReduceLROnPlateau steps once per epoch/,
  );
});

test('fit(x, t) still accepts tensors of any label form', () => {
  const { x, labels } = spiral();
  const { trainer } = book();
  const h = trainer.fit(x, labels as Tensor, { maxEpoch: 2, batchSize: 100, verbose: 0 });
  expect(h.size).toBe(2);
  expect(() => trainer.fit(x, tensor([1, 2]), { verbose: 0 })).toThrow(/x has 300 rows but t has 2/);
});
