import { ValueError, tensor } from '@tapegrad/core';
import {
  AdaGrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  ExponentialLR,
  LambdaLR,
  MultiStepLR,
  OneCycleLR,
  Parameter,
  RMSProp,
  SGD,
  StepLR,
  WarmupLR,
} from '@tapegrad/nn';

// Issue #18: every hyper-parameter is validated wherever it enters, with a typed error naming
// the optimiser (or schedule) and the option, and nothing is changed by a rejected value.
const param = (): Parameter => new Parameter(tensor([1, 2]));

describe('optimiser constructors reject invalid hyper-parameters', () => {
  test.each([
    ['SGD lr NaN', () => new SGD([param()], { lr: NaN }), /^SGD: lr must be a finite number ≥ 0, got NaN$/],
    [
      'SGD lr Infinity',
      () => new SGD([param()], { lr: Infinity }),
      /^SGD: lr must be a finite number ≥ 0, got Infinity$/,
    ],
    ['SGD lr -1', () => new SGD([param()], { lr: -1 }), /^SGD: lr must be a finite number ≥ 0, got -1$/],
    [
      'SGD weightDecay NaN',
      () => new SGD([param()], { weightDecay: NaN }),
      /^SGD: weightDecay must be a finite number ≥ 0/,
    ],
    [
      'SGD momentum -1',
      () => new SGD([param()], { momentum: -1 }),
      /^SGD: momentum must be a finite number ≥ 0, got -1$/,
    ],
    [
      'SGD dampening 2',
      () => new SGD([param()], { dampening: 2 }),
      /^SGD: dampening must be a finite number ≥ 0 and ≤ 1/,
    ],
    [
      'SGD nesterov "yes"',
      () => new SGD([param()], { nesterov: 'yes' as never }),
      /^SGD: nesterov must be true or false/,
    ],
    ['Adam eps 0', () => new Adam([param()], { eps: 0 }), /^Adam: eps must be a finite number > 0, got 0$/],
    [
      'Adam weightDecay NaN',
      () => new Adam([param()], { weightDecay: NaN }),
      /^Adam: weightDecay must be a finite number ≥ 0/,
    ],
    [
      'Adam betas [0.9, 1]',
      () => new Adam([param()], { betas: [0.9, 1] }),
      /^Adam: betas\[1\] must be a finite number ≥ 0 and < 1, got 1$/,
    ],
    ['Adam betas NaN', () => new Adam([param()], { betas: [NaN, 0.9] }), /^Adam: betas\[0\] must be a finite number/],
    [
      'Adam betas 0.9',
      () => new Adam([param()], { betas: 0.9 as never }),
      /^Adam: betas must be a pair \[β1, β2\], got 0.9$/,
    ],
    ['AdamW lr Infinity', () => new AdamW([param()], { lr: Infinity }), /^AdamW: lr must be a finite number ≥ 0/],
    [
      'RMSProp alpha 2',
      () => new RMSProp([param()], { alpha: 2 }),
      /^RMSProp: alpha must be a finite number ≥ 0 and ≤ 1, got 2$/,
    ],
    ['RMSProp eps -1', () => new RMSProp([param()], { eps: -1 }), /^RMSProp: eps must be a finite number > 0/],
    [
      'RMSProp momentum NaN',
      () => new RMSProp([param()], { momentum: NaN }),
      /^RMSProp: momentum must be a finite number ≥ 0/,
    ],
    [
      'AdaGrad lrDecay -1',
      () => new AdaGrad([param()], { lrDecay: -1 }),
      /^AdaGrad: lrDecay must be a finite number ≥ 0/,
    ],
    ['AdaGrad eps 0', () => new AdaGrad([param()], { eps: 0 }), /^AdaGrad: eps must be a finite number > 0/],
    [
      'a group lr NaN',
      () => new SGD([{ params: [param()], lr: NaN }]),
      /^SGD: paramGroups\[0\]\.lr must be a finite number ≥ 0, got NaN$/,
    ],
    [
      'a misspelled option',
      () => new SGD([param()], { momentom: 0.9 } as never),
      /^SGD: unknown option 'momentom' \(did you mean 'momentum'\?\)/,
    ],
    [
      'a misspelled group option',
      () => new Adam([{ params: [param()], betas1: 0.9 } as never]),
      /^Adam: paramGroups\[0\]: unknown option 'betas1'/,
    ],
    ['options null', () => new SGD([param()], null as never), /^SGD: options must be an object, got null$/],
    ['params null', () => new SGD(null as never), /^SGD: params must be an iterable of tensors/],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
  });
});

test('opt.lr = NaN (and Infinity, -1) is rejected and leaves the lr and the weights as they were', () => {
  const p = param();
  const opt = new SGD([p], { lr: 0.1 });
  for (const bad of [NaN, Infinity, -1, '0.1']) {
    expect(() => {
      opt.lr = bad as number;
    }).toThrow(/^SGD: lr must be a finite number ≥ 0/);
  }
  expect(opt.lr).toBe(0.1);
  p.grad = tensor([1, 1]);
  opt.step();
  expect(Array.from(p.data)).toEqual([Math.fround(0.9), Math.fround(1.9)]);
});

test('loadStateDict with lr NaN, momentum -1 or a bad step is rejected and changes nothing', () => {
  const p = param();
  const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
  const sd = opt.stateDict();
  for (const [key, value, message] of [
    ['lr', NaN, /^SGD\.loadStateDict: paramGroups\[0\]\.lr must be a finite number ≥ 0, got NaN$/],
    ['momentum', -1, /^SGD\.loadStateDict: paramGroups\[0\]\.momentum must be/],
    ['nesterov', 1, /^SGD\.loadStateDict: paramGroups\[0\]\.nesterov must be true or false/],
    ['lrr', 0.1, /^SGD\.loadStateDict: paramGroups\[0\]: unknown option 'lrr'/],
  ] as const) {
    const bad = { ...sd, paramGroups: [{ ...sd.paramGroups[0], [key]: value }] };
    expect(() => opt.loadStateDict(bad)).toThrow(message);
  }
  expect(opt.paramGroups[0].options).toMatchObject({ lr: 0.1, momentum: 0.9 });
  const badStep = { ...sd, state: new Map([['0', { step: -1 }]]) };
  expect(() => opt.loadStateDict(badStep)).toThrow(/0\.step: expected an integer ≥ 0, got -1/);
  expect(() => opt.loadStateDict(null as never)).toThrow(/^SGD\.loadStateDict: expected an optimizer state dict/);
  expect(() => opt.loadStateDict({ ...sd, type: 'Adam' })).toThrow(/state is from a "Adam", not a SGD/);
  expect(() => opt.loadStateDict({ ...sd, state: 5 as never })).toThrow(/state must be a Map or an object, got 5/);
});

describe('schedulers reject invalid options', () => {
  const opt = (): SGD => new SGD([param()], { lr: 0.1, momentum: 0.9 });
  test.each([
    [
      'ExponentialLR gamma NaN',
      () => new ExponentialLR(opt(), { gamma: NaN }),
      /^ExponentialLR: gamma must be a finite number > 0, got NaN$/,
    ],
    [
      'ExponentialLR no gamma',
      () => new ExponentialLR(opt(), {} as never),
      /^ExponentialLR: gamma must be a finite number > 0, got undefined$/,
    ],
    [
      'StepLR gamma Infinity',
      () => new StepLR(opt(), { stepSize: 1, gamma: Infinity }),
      /^StepLR: gamma must be a finite number/,
    ],
    ['StepLR stepSize 0', () => new StepLR(opt(), { stepSize: 0 }), /^StepLR: stepSize must be an integer ≥ 1, got 0$/],
    [
      'StepLR misspelled',
      () => new StepLR(opt(), { stepSize: 1, gama: 0.5 } as never),
      /^StepLR: unknown option 'gama' \(did you mean 'gamma'\?\)/,
    ],
    [
      'MultiStepLR milestone 0.5',
      () => new MultiStepLR(opt(), { milestones: [0.5] }),
      /^MultiStepLR: milestones\[0\] must be an integer ≥ 1/,
    ],
    [
      'CosineAnnealingLR tMax NaN',
      () => new CosineAnnealingLR(opt(), { tMax: NaN }),
      /^CosineAnnealingLR: tMax must be an integer ≥ 1, got NaN$/,
    ],
    [
      'CosineAnnealingLR etaMin -1',
      () => new CosineAnnealingLR(opt(), { tMax: 5, etaMin: -1 }),
      /^CosineAnnealingLR: etaMin must be/,
    ],
    [
      'WarmupLR startFactor 0',
      () => new WarmupLR(opt(), { warmupEpochs: 2, startFactor: 0 }),
      /^WarmupLR: startFactor must be a finite number > 0 and ≤ 1, got 0$/,
    ],
    [
      'LambdaLR not a function',
      () => new LambdaLR(opt(), { lrLambda: 0.5 as never }),
      /^LambdaLR: lrLambda must be a function, got 0.5$/,
    ],
    [
      'OneCycleLR maxLr NaN',
      () => new OneCycleLR(opt(), { maxLr: NaN, totalSteps: 10 }),
      /^OneCycleLR: maxLr must be a finite number ≥ 0, got NaN$/,
    ],
    [
      'OneCycleLR pctStart 1',
      () => new OneCycleLR(opt(), { maxLr: 1, totalSteps: 10, pctStart: 1 }),
      /^OneCycleLR: pctStart must be/,
    ],
    [
      'a scheduler without an optimiser',
      () => new StepLR({ lr: 0.1 } as never, { stepSize: 1 }),
      /^StepLR: optimizer must be an Optimizer/,
    ],
  ])('%s', (_name, make, message) => {
    expect(make).toThrow(ValueError);
    expect(make).toThrow(message);
  });

  test('a schedule that would set an invalid lr fails and leaves the lr as it was', () => {
    const o = opt();
    const sched = new LambdaLR(o, { lrLambda: (e) => (e > 0 ? -1 : 1) });
    expect(() => sched.step()).toThrow(
      /^LambdaLR\.step: lr of group 0 at epoch 1 must be a finite number ≥ 0, got -0\.1$/,
    );
    expect(o.lr).toBe(0.1);
  });
});
