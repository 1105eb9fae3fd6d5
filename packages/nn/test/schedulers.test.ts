import { tensor } from '@tapegrad/core';
import { AdaGrad, Adam, LambdaLR, MultiStepLR, OneCycleLR, Parameter, ReduceLROnPlateau, SGD } from '@tapegrad/nn';

// Expected values come from the formulas in PyTorch's documentation, worked by hand (the
// comments show the steps); they were also checked against torch 2.x's schedulers.
const param = (): Parameter => new Parameter(tensor([0]));

function run(sched: { step(): void }, opt: { paramGroups: readonly { lr: number }[] }, n: number): number[] {
  const out = [opt.paramGroups[0].lr];
  for (let i = 0; i < n; i++) {
    sched.step();
    out.push(opt.paramGroups[0].lr);
  }
  return out;
}

const close = (actual: number[], expected: number[], digits = 12): void => {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, digits));
};

test('MultiStepLR: lr·γ^(milestones ≤ epoch); unsorted and repeated milestones as PyTorch', () => {
  const o1 = new SGD([param()], { lr: 1 });
  close(run(new MultiStepLR(o1, { milestones: [5, 2], gamma: 0.1 }), o1, 6), [1, 1, 0.1, 0.1, 0.1, 0.01, 0.01]);
  const o2 = new SGD([param()], { lr: 1 });
  close(run(new MultiStepLR(o2, { milestones: [2, 2] }), o2, 3), [1, 1, 0.01, 0.01]);
});

test('LambdaLR: lr·λ(epoch), set at once, one function per group if given', () => {
  const o1 = new SGD([param()], { lr: 0.5 });
  close(run(new LambdaLR(o1, { lrLambda: (e) => 1 / (e + 1) }), o1, 3), [0.5, 0.25, 0.5 / 3, 0.125]);
  const o2 = new SGD([param()], { lr: 0.2 });
  new LambdaLR(o2, { lrLambda: (e) => 0.5 * (e + 1) });
  expect(o2.lr).toBeCloseTo(0.1, 15); // λ(0) = 0.5 applies at construction
  const o3 = new SGD([
    { params: [param()], lr: 1 },
    { params: [param()], lr: 0.1 },
  ]);
  const s3 = new LambdaLR(o3, { lrLambda: [(e) => 0.9 ** e, () => 1] });
  s3.step();
  s3.step();
  close(s3.lastLrs, [0.81, 0.1]);
  expect(() => new LambdaLR(o3, { lrLambda: [() => 1] })).toThrow(/1 functions for 2 parameter groups/);
  const o4 = new SGD([param()], { lr: 1 });
  const s4 = new LambdaLR(o4, { lrLambda: (e) => (e === 2 ? NaN : 1) });
  s4.step();
  expect(() => s4.step()).toThrow(/LambdaLR\.step: lr of group 0 at epoch 2 must be a finite number ≥ 0, got NaN/);
  expect(o4.lr).toBe(1);
});

describe('OneCycleLR', () => {
  // maxLr 1, 10 steps, pctStart 0.3: initial = 1/25 = 0.04, final = 0.04/1e4 = 4e-6; phase 1 ends
  // at step 0.3·10 − 1 = 2, phase 2 at 9. Cosine: lr = end + (start − end)/2·(cos(π·pct) + 1).
  const cosPhase2 = (k: number): number => 4e-6 + ((1 - 4e-6) / 2) * (Math.cos((Math.PI * k) / 7) + 1);
  const momPhase2 = (k: number): number => 0.95 + ((0.85 - 0.95) / 2) * (Math.cos((Math.PI * k) / 7) + 1);

  test('cosine annealing of the lr, and of SGD momentum the other way', () => {
    const opt = new SGD([param()], { lr: 1, momentum: 0.9 });
    const sched = new OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    const lrs = [opt.lr];
    const moms = [opt.paramGroups[0].momentum];
    for (let i = 0; i < 10; i++) {
      sched.step();
      lrs.push(opt.lr);
      moms.push(opt.paramGroups[0].momentum);
    }
    // step 1: pct ½ → 1 + (0.04 − 1)/2·(0 + 1) = 0.52; step 2: the peak.
    close(lrs.slice(0, 10), [0.04, 0.52, 1, ...[1, 2, 3, 4, 5, 6].map(cosPhase2), 4e-6]);
    close(moms.slice(0, 10), [0.95, 0.9, 0.85, ...[1, 2, 3, 4, 5, 6].map(momPhase2), 0.95]);
    expect(lrs[10]).toBeCloseTo(4e-6, 15); // the last step holds the final lr (PyTorch extrapolates)
    expect(() => sched.step()).toThrow(/stepped 11 times, but totalSteps is 10/);
  });

  test('linear annealing, three phases, epochs × stepsPerEpoch, per-group maxLr, Adam β1', () => {
    const o1 = new SGD([param()], { lr: 1, momentum: 0.9 });
    const lin = run(new OneCycleLR(o1, { maxLr: 1, totalSteps: 10, annealStrategy: 'linear' }), o1, 9);
    // linear: lr = (end − start)·pct + start; step 3 is 1/7 into phase 2.
    close(
      lin,
      [0.04, 0.52, 1, 1 + (4e-6 - 1) / 7, 1 + (2 * (4e-6 - 1)) / 7, 1 + (3 * (4e-6 - 1)) / 7].concat(
        [4, 5, 6].map((k) => 1 + (k * (4e-6 - 1)) / 7),
        [4e-6],
      ),
    );
    const o2 = new SGD([param()], { lr: 1, momentum: 0.9 });
    const three = run(new OneCycleLR(o2, { maxLr: 1, epochs: 2, stepsPerEpoch: 5, threePhase: true }), o2, 9);
    // phases end at 2, 2·3 − 2 = 4 and 9: up, back down to 0.04, then 0.04 → 4e-6 over 5 steps.
    const p3 = (k: number): number => 4e-6 + ((0.04 - 4e-6) / 2) * (Math.cos((Math.PI * k) / 5) + 1);
    close(three, [0.04, 0.52, 1, 0.52, 0.04, p3(1), p3(2), p3(3), p3(4), 4e-6]);
    const o3 = new Adam([{ params: [param()] }, { params: [param()] }], { betas: [0.9, 0.99] });
    const s3 = new OneCycleLR(o3, { maxLr: [1, 0.5], totalSteps: 10 });
    close(
      o3.paramGroups.map((g) => g.lr),
      [0.04, 0.02],
    );
    expect(o3.paramGroups[0].betas).toEqual([0.95, 0.99]);
    s3.step();
    expect(o3.paramGroups[1].lr).toBeCloseTo(0.26, 12);
    expect(o3.paramGroups[1].betas[0]).toBeCloseTo(0.9, 12);
    expect(() => new OneCycleLR(new AdaGrad([param()]), { maxLr: 1, totalSteps: 10 })).toThrow(
      /cycleMomentum needs an optimizer with momentum or betas/,
    );
    expect(
      () => new OneCycleLR(new AdaGrad([param()]), { maxLr: 1, totalSteps: 10, cycleMomentum: false }),
    ).not.toThrow();
    expect(() => new OneCycleLR(o1, { maxLr: 1 })).toThrow(/give totalSteps, or epochs and stepsPerEpoch/);
  });
});

describe('ReduceLROnPlateau', () => {
  const plateau = (metrics: number[], options: ConstructorParameters<typeof ReduceLROnPlateau>[1]): number[] => {
    const opt = new SGD([param()], { lr: 1 });
    const sched = new ReduceLROnPlateau(opt, options);
    return metrics.map((m) => {
      sched.step(m);
      return opt.lr;
    });
  };

  test('reduces by factor after more than patience bad epochs', () => {
    // best 1, 0.9; then 0.95, 0.96 are two bad epochs (> patience 1) → 0.5; 0.5 is a new best.
    expect(plateau([1, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.7], { factor: 0.5, patience: 1, threshold: 0 })).toEqual([
      1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.25,
    ]);
    expect(plateau(Array(8).fill(1), { factor: 0.5, patience: 1 })).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125]);
  });

  test('cooldown, minLr, mode max with a relative threshold, absolute threshold', () => {
    expect(plateau(Array(8).fill(1), { factor: 0.5, patience: 1, cooldown: 1 })).toEqual([
      1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25,
    ]);
    expect(plateau(Array(8).fill(1), { factor: 0.5, patience: 1, minLr: 0.3 })).toEqual([
      1, 1, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3,
    ]);
    // max, rel 0.05: better means > best·1.05: 0.52 is not (0.525), 0.54 is; then 0.545 and 0.55 are
    // not better than 0.567, two bad epochs → 0.5.
    expect(
      plateau([0.5, 0.52, 0.54, 0.545, 0.55, 0.551], { mode: 'max', factor: 0.5, patience: 1, threshold: 0.05 }),
    ).toEqual([1, 1, 1, 1, 0.5, 0.5]);
    // abs 0.04, patience 0: better means < best − 0.04.
    expect(
      plateau([1, 0.95, 0.9, 0.89, 0.88, 0.8], { factor: 0.5, patience: 0, threshold: 0.04, thresholdMode: 'abs' }),
    ).toEqual([1, 1, 1, 0.5, 0.25, 0.25]);
  });

  test('bad options and a NaN metric are typed errors', () => {
    const opt = new SGD([param()], { lr: 1 });
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow(
      /factor must be a finite number > 0 and < 1, got 1/,
    );
    expect(() => new ReduceLROnPlateau(opt, { mode: 'maximum' as never })).toThrow(/mode must be one of "min", "max"/);
    expect(() => new ReduceLROnPlateau(opt, { patiense: 3 } as never)).toThrow(
      /unknown option 'patiense' \(did you mean 'patience'\?\)/,
    );
    expect(() => new ReduceLROnPlateau({} as never)).toThrow(/optimizer must be an Optimizer/);
    expect(() => new ReduceLROnPlateau(opt).step(NaN)).toThrow(/metric must be a number, got NaN/);
  });
});
