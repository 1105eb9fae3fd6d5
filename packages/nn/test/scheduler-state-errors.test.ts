import { ValueError, tensor } from '@tapegrad/core';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  MultiStepLR,
  OneCycleLR,
  Parameter,
  ReduceLROnPlateau,
  SGD,
  type SchedulerLike,
  type SchedulerStateDict,
  StepLR,
  WarmupLR,
} from '@tapegrad/nn';

// A bad state dict is a ValueError naming the scheduler, the key and the value, and leaves the
// scheduler and its optimiser exactly as they were.

const optimizer = (): SGD =>
  new SGD(
    [0.1, 0.2].map((lr) => ({ params: [new Parameter(tensor([0]))], lr })),
    { lr: 1, momentum: 0.9 },
  );

const makers: [string, (o: SGD) => SchedulerLike][] = [
  ['StepLR', (o) => new StepLR(o, { stepSize: 2 })],
  ['MultiStepLR', (o) => new MultiStepLR(o, { milestones: [2, 4] })],
  ['ExponentialLR', (o) => new ExponentialLR(o, { gamma: 0.9 })],
  ['LambdaLR', (o) => new LambdaLR(o, { lrLambda: (e) => 1 / (1 + e) })],
  ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { tMax: 10 })],
  ['WarmupLR', (o) => new WarmupLR(o, { warmupEpochs: 2, after: (i) => new ExponentialLR(i, { gamma: 0.5 }) })],
  ['OneCycleLR', (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 20 })],
  ['ReduceLROnPlateau', (o) => new ReduceLROnPlateau(o, { patience: 0 })],
];

const advance = (s: SchedulerLike, n: number): void => {
  for (let i = 0; i < n; i++) {
    if (s instanceof ReduceLROnPlateau) s.step(1);
    else (s as StepLR).step();
  }
};

/** The scheduler's state and its optimiser's lrs and momenta. */
const everything = (s: SchedulerLike, o: SGD): unknown => [
  s.stateDict(),
  o.paramGroups.map((g) => [g.lr, g.options.momentum]),
];

describe.each(makers)('%s.loadStateDict rejects bad state and changes nothing', (name, make) => {
  const rates = name === 'ReduceLROnPlateau' ? 'lastLrs' : 'baseLrs';
  const good = (): SchedulerStateDict => {
    const s = make(optimizer());
    advance(s, 5);
    return s.stateDict();
  };
  const bad: [string, (sd: SchedulerStateDict) => unknown, RegExp][] = [
    ['not an object', () => null, new RegExp(`expected a ${name} state dict .*got null`)],
    ['an array', () => [], /state dict/],
    ['a wrong type', (sd) => ({ ...sd, type: 'Adam' }), new RegExp(`type must be '${name}', got "Adam"`)],
    ['no type', ({ type: _, ...sd }) => sd, new RegExp(`type must be '${name}', got undefined`)],
    ['no lastEpoch', ({ lastEpoch: _, ...sd }) => sd, /lastEpoch must be an integer (≥ 0|in \[0, 20\]), got undefined/],
    ['a NaN lastEpoch', (sd) => ({ ...sd, lastEpoch: NaN }), /lastEpoch must be an integer .*got NaN/],
    ['a negative lastEpoch', (sd) => ({ ...sd, lastEpoch: -1 }), /lastEpoch .*got -1/],
    ['a fractional lastEpoch', (sd) => ({ ...sd, lastEpoch: 2.5 }), /lastEpoch .*got 2\.5/],
    [
      'an unknown key',
      (sd) => ({ ...sd, lastEpochs: 3 }),
      /unknown option 'lastEpochs' \(did you mean 'lastEpoch'\?\)/,
    ],
    [
      'rates for 1 group',
      (sd) => ({ ...sd, [rates]: [0.1] }),
      new RegExp(`${rates} must hold 2 learning rates .*got \\[0\\.1\\]`),
    ],
    ['no rates', (sd) => ({ ...sd, [rates]: undefined }), new RegExp(`${rates} must hold 2 .*got undefined`)],
    [
      'an infinite rate',
      (sd) => ({ ...sd, [rates]: [0.1, Infinity] }),
      new RegExp(`${rates}\\[1\\] must be a finite number ≥ 0, got Infinity`),
    ],
    ['a negative rate', (sd) => ({ ...sd, [rates]: [-0.1, 0.1] }), new RegExp(`${rates}\\[0\\] must be .*got -0\\.1`)],
    ['a string rate', (sd) => ({ ...sd, [rates]: ['0.1', 0.1] }), new RegExp(`${rates}\\[0\\] must be .*got "0\\.1"`)],
  ];

  test.each(bad)('%s', (_what, corrupt, message) => {
    const opt = optimizer();
    const sched = make(opt);
    advance(sched, 2);
    const before = everything(sched, opt);
    const attempt = (): void => sched.loadStateDict(corrupt(good()) as SchedulerStateDict);
    expect(attempt).toThrow(ValueError);
    expect(attempt).toThrow(new RegExp(`^${name}\\.loadStateDict: `));
    expect(attempt).toThrow(message);
    expect(everything(sched, opt)).toEqual(before);
  });

  test('a good state loads (the errors above are about the corruption alone)', () => {
    const opt = optimizer();
    const sched = make(opt);
    sched.loadStateDict(good());
    expect(sched.stateDict()).toEqual(good());
  });
});

test('OneCycleLR: lastEpoch beyond totalSteps is refused', () => {
  const opt = optimizer();
  const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 20 });
  const before = everything(sched, opt);
  expect(() => sched.loadStateDict({ ...sched.stateDict(), lastEpoch: 21 })).toThrow(
    /OneCycleLR\.loadStateDict: lastEpoch must be an integer in \[0, 20\], got 21/,
  );
  expect(everything(sched, opt)).toEqual(before);
  sched.loadStateDict({ ...sched.stateDict(), lastEpoch: 20 });
  expect(opt.lr).toBeCloseTo(1 / 25 / 1e4, 15);
});

test('WarmupLR: the after schedule must match, and a bad after state changes nothing', () => {
  const opt = optimizer();
  const withCos = new WarmupLR(opt, { warmupEpochs: 2, after: (o) => new CosineAnnealingLR(o, { tMax: 5 }) });
  const plain = new WarmupLR(optimizer(), { warmupEpochs: 2 });
  const exp = new WarmupLR(optimizer(), { warmupEpochs: 2, after: (o) => new ExponentialLR(o, { gamma: 0.5 }) });
  withCos.step();
  const before = everything(withCos, opt);
  expect(() => withCos.loadStateDict(exp.stateDict())).toThrow(
    /WarmupLR\.loadStateDict \(after\): type must be 'CosineAnnealingLR', got "ExponentialLR"/,
  );
  expect(() => withCos.loadStateDict(plain.stateDict())).toThrow(
    /WarmupLR\.loadStateDict \(after\): expected a CosineAnnealingLR state dict .*got null/,
  );
  const sd = withCos.stateDict();
  expect(() => plain.loadStateDict(sd)).toThrow(/WarmupLR\.loadStateDict: after must be null .*got an object/);
  const badInner = { ...sd, lastEpoch: 4, after: { ...(sd.after as object), baseLrs: [1] } };
  expect(() => withCos.loadStateDict(badInner)).toThrow(/\(after\): baseLrs must hold 2 learning rates/);
  expect(everything(withCos, opt)).toEqual(before);
  // CosineAnnealingLR never ends, so WarmupLR → OneCycleLR bounds lastEpoch by warm-up + totalSteps.
  const one = new WarmupLR(optimizer(), {
    warmupEpochs: 3,
    after: (o) => new OneCycleLR(o, { maxLr: 1, totalSteps: 10 }),
  });
  expect(() => one.loadStateDict({ ...one.stateDict(), lastEpoch: 14 })).toThrow(
    /lastEpoch must be an integer in \[0, 13\], got 14/,
  );
});

test('LambdaLR: a lambda that is invalid at the loaded epoch is refused before anything changes', () => {
  const opt = optimizer();
  const sched = new LambdaLR(opt, { lrLambda: (e) => (e >= 7 ? NaN : 1) });
  const before = everything(sched, opt);
  expect(() => sched.loadStateDict({ ...sched.stateDict(), lastEpoch: 7 })).toThrow(
    /LambdaLR\.loadStateDict: lr of group 0 at epoch 7 must be a finite number ≥ 0, got NaN/,
  );
  expect(everything(sched, opt)).toEqual(before);
});

test('ReduceLROnPlateau: best, numBadEpochs and cooldownCounter are checked', () => {
  const opt = optimizer();
  const sched = new ReduceLROnPlateau(opt);
  sched.step(3);
  const sd = sched.stateDict();
  const before = everything(sched, opt);
  const cases: [object, RegExp][] = [
    [{ best: NaN }, /best must be a finite number, got NaN/],
    [{ best: 'inf' }, /best must be a finite number, null or '±Infinity', got "inf"/],
    [{ best: undefined }, /best must be a finite number, null or '±Infinity', got undefined/],
    [{ numBadEpochs: -1 }, /numBadEpochs must be an integer ≥ 0, got -1/],
    [{ numBadEpochs: undefined }, /numBadEpochs must be an integer ≥ 0, got undefined/],
    [{ cooldownCounter: 0.5 }, /cooldownCounter must be an integer ≥ 0, got 0\.5/],
  ];
  for (const [patch, message] of cases) {
    expect(() => sched.loadStateDict({ ...sd, ...patch })).toThrow(message);
    expect(everything(sched, opt)).toEqual(before);
  }
});
