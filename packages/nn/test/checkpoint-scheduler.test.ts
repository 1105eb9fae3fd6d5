import { Rng, ValueError, randn } from '@tapegrad/core';
import {
  CheckpointError,
  CosineAnnealingLR,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  WarmupLR,
  load,
  loadBytes,
  mlp,
  save,
  saveBytes,
} from '@tapegrad/nn';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const trained = (seed: number) => {
  const model = mlp([3, 4, 2], { rng: new Rng(seed) });
  const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  return { model, opt };
};

const trainStep = (model: ReturnType<typeof mlp>, opt: SGD): void => {
  opt.zeroGrad();
  model
    .forward(randn([5, 3], { rng: new Rng(2) }))
    .square()
    .mean()
    .backward();
  opt.step();
};

/** Trains `epochs` epochs of one batch, stepping the schedule; returns the lr after each. */
const train = (run: ReturnType<typeof trained>, sched: { step(): void }, epochs: number): number[] =>
  Array.from({ length: epochs }, () => {
    trainStep(run.model, run.opt);
    sched.step();
    return run.opt.lr;
  });

const warmCos = (opt: SGD) =>
  new WarmupLR(opt, { warmupEpochs: 2, after: (o) => new CosineAnnealingLR(o, { tMax: 8 }) });

test('save/load carry the scheduler next to the optimiser; the resumed run has the lrs of an unbroken one', () => {
  const unbroken = trained(1);
  const lrs = train(unbroken, warmCos(unbroken.opt), 7);

  const a = trained(1);
  const sa = warmCos(a.opt);
  const resumedLrs = train(a, sa, 3);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-sched-')), 'ckpt.safetensors');
  save(a.model, file, { optimizer: a.opt, scheduler: sa, metadata: { epoch: '3' } });

  const b = trained(9);
  const sb = warmCos(b.opt);
  expect(load(b.model, file, { optimizer: b.opt, scheduler: sb })).toEqual({ epoch: '3' });
  expect(sb.stateDict()).toEqual(sa.stateDict());
  expect(b.opt.lr).toBe(a.opt.lr);
  resumedLrs.push(...train(b, sb, 4));
  expect(resumedLrs).toEqual(lrs);
  for (const [name, p] of unbroken.model.namedParameters()) {
    expect(Array.from(b.model.namedParameters().get(name)!.data)).toEqual(Array.from(p.data));
  }
});

test('the scheduler alone (no optimiser state) loads, ReduceLROnPlateau included', () => {
  const a = trained(1);
  const sa = new ReduceLROnPlateau(a.opt, { patience: 0, factor: 0.5 });
  [1, 1, 1].forEach((m) => sa.step(m));
  const bytes = saveBytes(a.model, { scheduler: sa });
  const b = trained(1);
  const sb = new ReduceLROnPlateau(b.opt, { patience: 0, factor: 0.5 });
  loadBytes(b.model, bytes, { scheduler: sb });
  expect(sb.stateDict()).toEqual(sa.stateDict());
  expect(b.opt.lr).toBe(0.025);
});

test('a missing, corrupt or mismatched scheduler state is an error and changes nothing', () => {
  const a = trained(1);
  const sa = new StepLR(a.opt, { stepSize: 2 });
  sa.step();
  const b = trained(9);
  const sb = new StepLR(b.opt, { stepSize: 2 });
  trainStep(b.model, b.opt);
  const unchanged = (): unknown => [
    Array.from(b.model.namedParameters().get('0.weight')!.data),
    b.opt.stateDict().state.get('0.weight'),
    b.opt.lr,
    sb.stateDict(),
  ];
  const before = unchanged();

  const noScheduler = saveBytes(a.model, { optimizer: a.opt });
  expect(() => loadBytes(b.model, noScheduler, { optimizer: b.opt, scheduler: sb })).toThrow(CheckpointError);
  expect(() => loadBytes(b.model, noScheduler, { scheduler: sb })).toThrow(/the file holds no scheduler state/);
  expect(unchanged()).toEqual(before);

  const other = saveBytes(a.model, { optimizer: a.opt, scheduler: new ReduceLROnPlateau(a.opt) });
  const attempt = (): unknown => loadBytes(b.model, other, { optimizer: b.opt, scheduler: sb });
  expect(attempt).toThrow(ValueError);
  expect(attempt).toThrow(/loadBytes scheduler: type must be 'StepLR', got "ReduceLROnPlateau"/);
  expect(unchanged()).toEqual(before);

  expect(() => saveBytes(a.model, { scheduler: {} as StepLR })).toThrow(
    /saveBytes: scheduler must be an lr scheduler .*got an object/,
  );
  expect(() => loadBytes(b.model, other, { scheduler: 3 as unknown as StepLR })).toThrow(
    /loadBytes: scheduler must be an lr scheduler .*got 3/,
  );
  expect(() => saveBytes(a.model, { metadata: { 'tapegrad.scheduler': '{}' } })).toThrow(/reserved/);
});
