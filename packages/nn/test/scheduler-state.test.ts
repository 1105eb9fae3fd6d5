import fc from 'fast-check';
import { tensor } from '@tapegrad/core';
import {
  CosineAnnealingLR,
  ExponentialLR,
  type LRScheduler,
  LambdaLR,
  MultiStepLR,
  OneCycleLR,
  Parameter,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  WarmupLR,
} from '@tapegrad/nn';

// Resuming must be invisible: N steps, stateDict through JSON, a fresh optimiser (made with the
// lrs the saved one had at that point, as after loading its state) and a fresh scheduler with
// the same options, loadStateDict, M more steps — the same lrs as N + M uninterrupted steps.

const optimizer = (lrs: readonly number[]): SGD =>
  new SGD(
    lrs.map((lr) => ({ params: [new Parameter(tensor([0]))], lr })),
    { lr: 1, momentum: 0.9 },
  );

/** Every group's lr and momentum, after construction and after each step. */
type Trace = number[][];

const snapshot = (opt: SGD): number[] => opt.paramGroups.flatMap((g) => [g.lr, g.options.momentum as number]);

function uninterrupted(lrs: number[], make: (o: SGD) => LRScheduler, steps: number): Trace {
  const opt = optimizer(lrs);
  const sched = make(opt);
  const out = [snapshot(opt)];
  for (let i = 0; i < steps; i++) {
    sched.step();
    out.push(snapshot(opt));
  }
  return out;
}

function resumed(lrs: number[], make: (o: SGD) => LRScheduler, n: number, m: number): Trace {
  const first = uninterrupted(lrs, make, 0);
  const opt = optimizer(lrs);
  const sched = make(opt);
  for (let i = 0; i < n; i++) {
    sched.step();
    first.push(snapshot(opt));
  }
  const saved = JSON.parse(JSON.stringify(sched.stateDict()));
  const opt2 = optimizer(opt.paramGroups.map((g) => g.lr));
  const sched2 = make(opt2);
  sched2.loadStateDict(saved);
  expect(sched2.stateDict()).toEqual(sched.stateDict());
  expect(snapshot(opt2).filter((_, i) => i % 2 === 0)).toEqual(snapshot(opt).filter((_, i) => i % 2 === 0));
  for (let i = 0; i < m; i++) {
    sched2.step();
    first.push(snapshot(opt2));
  }
  return first;
}

const lrsArb = fc.array(fc.double({ min: 1e-4, max: 2, noNaN: true }), { minLength: 1, maxLength: 3 });
const steps = fc.integer({ min: 0, max: 25 });
const gamma = fc.double({ min: 0.05, max: 1.5, noNaN: true });

/** For each class: an arbitrary of its construction, given the number of groups. */
const schedules: [string, fc.Arbitrary<(o: SGD) => LRScheduler>][] = [
  [
    'StepLR',
    fc.tuple(fc.integer({ min: 1, max: 6 }), gamma).map(
      ([s, g]) =>
        (o) =>
          new StepLR(o, { stepSize: s, gamma: g }),
    ),
  ],
  [
    'MultiStepLR',
    fc.tuple(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 4 }), gamma).map(
      ([ms, g]) =>
        (o) =>
          new MultiStepLR(o, { milestones: ms, gamma: g }),
    ),
  ],
  ['ExponentialLR', gamma.map((g) => (o) => new ExponentialLR(o, { gamma: g }))],
  [
    'LambdaLR',
    fc.double({ min: 0.01, max: 3, noNaN: true }).map((k) => (o) => new LambdaLR(o, { lrLambda: (e) => k / (1 + e) })),
  ],
  [
    'CosineAnnealingLR',
    fc.tuple(fc.integer({ min: 1, max: 30 }), fc.double({ min: 0, max: 1e-4, noNaN: true })).map(
      ([t, eta]) =>
        (o) =>
          new CosineAnnealingLR(o, { tMax: t, etaMin: eta }),
    ),
  ],
  [
    'WarmupLR',
    fc.tuple(fc.integer({ min: 1, max: 8 }), fc.option(fc.integer({ min: 1, max: 30 }))).map(
      ([w, t]) =>
        (o) =>
          new WarmupLR(o, {
            warmupEpochs: w,
            after: t === null ? undefined : (inner) => new CosineAnnealingLR(inner, { tMax: t }),
          }),
    ),
  ],
  [
    'OneCycleLR',
    fc
      .tuple(
        fc.double({ min: 0.01, max: 0.9, noNaN: true }),
        fc.boolean(),
        fc.constantFrom('cos', 'linear') as fc.Arbitrary<'cos' | 'linear'>,
      )
      .map(
        ([pct, three, anneal]) =>
          (o) =>
            new OneCycleLR(o, { maxLr: 1, totalSteps: 60, pctStart: pct, threePhase: three, annealStrategy: anneal }),
      ),
  ],
];

describe.each(schedules)('%s resumes from its stateDict', (_name, makeArb) => {
  test('N steps + save/load + M steps gives the lrs (and momentum) of N + M steps', () => {
    fc.assert(
      fc.property(lrsArb, makeArb, steps, steps, (lrs, make, n, m) => {
        expect(resumed(lrs, make, n, m)).toEqual(uninterrupted(lrs, make, n + m));
      }),
      { numRuns: 40 },
    );
  });
});

test('stateDict layouts: plain numbers with the type, lastEpoch and baseLrs (WarmupLR nests its after schedule)', () => {
  const opt = optimizer([0.1, 0.2]);
  const step = new StepLR(opt, { stepSize: 2 });
  step.step();
  expect(step.stateDict()).toEqual({ type: 'StepLR', lastEpoch: 1, baseLrs: [0.1, 0.2] });
  const opt2 = optimizer([0.1]);
  const warm = new WarmupLR(opt2, { warmupEpochs: 2, after: (o) => new ExponentialLR(o, { gamma: 0.5 }) });
  warm.step();
  warm.step();
  warm.step();
  expect(warm.stateDict()).toEqual({
    type: 'WarmupLR',
    lastEpoch: 3,
    baseLrs: [0.1],
    after: { type: 'ExponentialLR', lastEpoch: 0, baseLrs: [0.1] },
  });
  expect(new WarmupLR(optimizer([1]), { warmupEpochs: 2 }).stateDict().after).toBeNull();
});

describe('ReduceLROnPlateau resumes from its stateDict', () => {
  const metrics = fc.array(fc.constantFrom(1, 0.9, 0.5, 0.5, 0.5, 2, 0.4999, 0.1), { maxLength: 40 });
  const options = fc.record({
    mode: fc.constantFrom('min', 'max') as fc.Arbitrary<'min' | 'max'>,
    factor: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
    patience: fc.integer({ min: 0, max: 3 }),
    cooldown: fc.integer({ min: 0, max: 3 }),
    thresholdMode: fc.constantFrom('rel', 'abs') as fc.Arbitrary<'rel' | 'abs'>,
    threshold: fc.constantFrom(0, 1e-4, 0.1),
    minLr: fc.constantFrom(0, 1e-3),
  });

  const lrsAfter = (lrs: number[], o: object, ms: number[], cut: number): number[][] => {
    let opt = optimizer(lrs);
    let sched = new ReduceLROnPlateau(opt, o);
    const out: number[][] = [];
    ms.forEach((metric, i) => {
      if (i === cut) {
        const saved = JSON.parse(JSON.stringify(sched.stateDict()));
        opt = optimizer(lrs);
        sched = new ReduceLROnPlateau(opt, o);
        sched.loadStateDict(saved);
      }
      sched.step(metric);
      out.push([...opt.paramGroups.map((g) => g.lr), sched.best, sched.numBadEpochs, sched.cooldownCounter]);
    });
    return out;
  };

  test('N steps + save/load + M steps gives the lrs, best and counters of N + M steps, in either mode', () => {
    fc.assert(
      fc.property(lrsArb, options, metrics, fc.nat(40), (lrs, o, ms, cut) => {
        expect(lrsAfter(lrs, o, ms, cut)).toEqual(lrsAfter(lrs, o, ms, -1));
      }),
      { numRuns: 200 },
    );
  });

  test('best is null before any improvement, a number after, and infinite metrics survive JSON as strings', () => {
    const opt = optimizer([1]);
    const sched = new ReduceLROnPlateau(opt, { mode: 'max' });
    expect(sched.stateDict()).toEqual({
      type: 'ReduceLROnPlateau',
      lastEpoch: 0,
      best: null,
      numBadEpochs: 0,
      cooldownCounter: 0,
      lastLrs: [1],
    });
    sched.step(0.5);
    expect(sched.stateDict().best).toBe(0.5);
    sched.step(Infinity);
    expect(sched.stateDict().best).toBe('Infinity');
    const fresh = new ReduceLROnPlateau(optimizer([1]), { mode: 'max' });
    fresh.loadStateDict(JSON.parse(JSON.stringify(sched.stateDict())));
    expect(fresh.best).toBe(Infinity);
    const min = new ReduceLROnPlateau(optimizer([1]));
    min.loadStateDict({ ...min.stateDict(), best: null });
    expect(min.best).toBe(Infinity);
  });

  test('loading sets the lrs it saved, whatever the fresh optimiser starts from', () => {
    const opt = optimizer([1, 0.5]);
    const sched = new ReduceLROnPlateau(opt, { patience: 0, factor: 0.5 });
    [1, 1, 1].forEach((m) => sched.step(m));
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.25, 0.125]);
    const opt2 = optimizer([1, 0.5]);
    new ReduceLROnPlateau(opt2, { patience: 0, factor: 0.5 }).loadStateDict(sched.stateDict());
    expect(opt2.paramGroups.map((g) => g.lr)).toEqual([0.25, 0.125]);
  });
});
