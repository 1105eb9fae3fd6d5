import { Tensor, tensor } from '@tapegrad/core';
import {
  AdaGrad,
  Adam,
  AdamW,
  CosineAnnealingLR,
  ExponentialLR,
  Linear,
  Optimizer,
  Parameter,
  RMSProp,
  SGD,
  StateDictError,
  StepLR,
  WarmupLR,
  applyPenalty,
  clipGradNorm,
  penalty,
} from '@tapegrad/nn';

/** L(a, b) = a² + 10·b² from (1, 1); returns the parameter values after each of three steps. */
function threeSteps(make: (params: Parameter[]) => Optimizer): number[][] {
  const a = new Parameter(tensor([1], { dtype: 'float64' }));
  const b = new Parameter(tensor([1], { dtype: 'float64' }));
  const opt = make([a, b]);
  const out: number[][] = [];
  for (let i = 0; i < 3; i++) {
    opt.zeroGrad();
    a.square().add(b.square().mul(10)).sum().backward();
    opt.step();
    out.push([a.item(), b.item()]);
  }
  return out;
}

function expectClose(actual: number[][], expected: number[][], tol = 1e-6): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - expected[i][j])).toBeLessThan(tol)));
}

// Expected values from the published formulas, computed by hand / independently (gradient
// g = [2a, 20b]); the comments show the first step.
describe('first three steps match the published formulas', () => {
  test('SGD: w ← w − lr·g', () => {
    // a: 1 − 0.1·2 = 0.8; b: 1 − 0.1·20 = −1
    expectClose(
      threeSteps((p) => new SGD(p, { lr: 0.1 })),
      [
        [0.8, -1],
        [0.64, 1],
        [0.512, -1],
      ],
    );
  });
  test('SGD momentum: b ← μb + g (b₁ = g), w ← w − lr·b', () => {
    // step 2, a: b = 0.9·2 + 1.96 = 3.76, a = 0.98 − 0.0376 = 0.9424
    expectClose(
      threeSteps((p) => new SGD(p, { lr: 0.01, momentum: 0.9 })),
      [
        [0.98, 0.8],
        [0.9424, 0.46],
        [0.889712, 0.062],
      ],
    );
  });
  test('SGD Nesterov with weight decay: g ← ∇ + λw, b ← μb + g, w ← w − lr·(g + μb)', () => {
    // step 1, a: g = 2 + 0.1 = 2.1, b = 2.1, a = 1 − 0.01·(2.1 + 1.89) = 0.9601
    expectClose(
      threeSteps((p) => new SGD(p, { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 0.1 })),
      [
        [0.9601, 0.6181],
        [0.90478201, 0.21923761],
        [0.837040906801, -0.111651094259],
      ],
    );
  });
  test('AdaGrad: h ← h + g², w ← w − lr·g/(√h + ε)', () => {
    // step 1: a = 1 − 0.5·2/2 = 0.5 (up to ε = 1e-10)
    expectClose(
      threeSteps((p) => new AdaGrad(p, { lr: 0.5 })),
      [
        [0.500000000025, 0.500000000003],
        [0.276393202276, 0.276393202253],
        [0.156398736046, 0.156398736026],
      ],
    );
  });
  test('RMSProp: v ← αv + (1−α)g², w ← w − lr·g/(√v + ε)', () => {
    // step 1, a: v = 0.1·4 = 0.4, a = 1 − 0.01·2/√0.4 = 0.968377
    expectClose(
      threeSteps((p) => new RMSProp(p, { lr: 0.01, alpha: 0.9 })),
      [
        [0.968377223898, 0.968377223448],
        [0.945788025488, 0.945788024806],
        [0.927053098722, 0.927053097879],
      ],
    );
  });
  test('RMSProp centered with momentum', () => {
    // step 1, a: v = 0.4, ḡ = 0.2, d = √(0.4 − 0.04) = 0.6, b = 2/0.6, a = 1 − 0.01·3.333 = 0.96667
    expectClose(
      threeSteps((p) => new RMSProp(p, { lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true })),
      [
        [0.966666667222, 0.966666666722],
        [0.924923477026, 0.92492347599],
        [0.882418365892, 0.882418364372],
      ],
    );
  });
  test('Adam: bias-corrected moments, w ← w − lr·m̂/(√v̂ + ε)', () => {
    // step 1: m̂ = g, v̂ = g², so w ← w − lr·sign(g) = 0.9
    expectClose(
      threeSteps((p) => new Adam(p, { lr: 0.1 })),
      [
        [0.9000000005, 0.90000000005],
        [0.800412228692, 0.800412227773],
        [0.701586272946, 0.701586271543],
      ],
    );
  });
  test('Adam with L2 weight decay (g ← ∇ + λw)', () => {
    expectClose(
      threeSteps((p) => new Adam(p, { lr: 0.1, weightDecay: 0.1 })),
      [
        [0.900000000476, 0.90000000005],
        [0.800412228643, 0.800412227773],
        [0.701586272872, 0.701586271543],
      ],
    );
  });
  test('AdamW: w ← w·(1 − lr·λ) − lr·m̂/(√v̂ + ε)', () => {
    // step 1: 1·(1 − 0.01) − 0.1 = 0.89
    expectClose(
      threeSteps((p) => new AdamW(p, { lr: 0.1, weightDecay: 0.1 })),
      [
        [0.8900000005, 0.89000000005],
        [0.781571855937, 0.781571855021],
        [0.67510122164, 0.675101220246],
      ],
    );
  });
});

test('AdamW differs from Adam+L2 exactly by the decoupled decay term', () => {
  // With the same gradient sequence, Adam without decay moves by Δₜ; AdamW must give
  // wₜ = wₜ₋₁·(1 − lr·λ) − Δₜ, while Adam+L2 feeds λw into the moments instead.
  const grads = [0.5, -1.5, 2.0];
  const lr = 0.05;
  const wd = 0.2;
  const run = (make: (p: Parameter[]) => Optimizer): number[] => {
    const w = new Parameter(tensor([3], { dtype: 'float64' }));
    const opt = make([w]);
    return grads.map((g) => {
      w.grad = tensor([g], { dtype: 'float64' });
      opt.step();
      return w.item();
    });
  };
  const plain = run((p) => new Adam(p, { lr }));
  const adamw = run((p) => new AdamW(p, { lr, weightDecay: wd }));
  const adamL2 = run((p) => new Adam(p, { lr, weightDecay: wd }));
  let prevPlain = 3;
  let prevW = 3;
  grads.forEach((_, t) => {
    const delta = prevPlain - plain[t];
    expect(adamw[t]).toBeCloseTo(prevW * (1 - lr * wd) - delta, 12);
    prevPlain = plain[t];
    prevW = adamw[t];
  });
  expect(Math.abs(adamL2[2] - adamw[2])).toBeGreaterThan(1e-3);
});

test('optimisers update float32 parameters in place, keep state by parameter name, and round-trip state', () => {
  const fc = new Linear(3, 2, { dtype: 'float32' });
  const w = fc.weight;
  const before = w.data;
  const opt = new Adam(fc.parameters(), { lr: 0.01 });
  const x = tensor([[1, 2, 3]]);
  fc.forward(x).sum().backward();
  opt.step();
  expect(fc.weight).toBe(w);
  expect(w.data).toBe(before);
  expect([...opt.state.keys()]).toEqual(['weight', 'bias']);
  expect(opt.state.get('weight')!.get('step')).toBe(1);
  const sd = opt.stateDict();
  const other = new Adam(fc.parameters(), { lr: 0.5 });
  other.loadStateDict(sd);
  expect(other.lr).toBe(0.01);
  expect(Array.from((other.state.get('bias')!.get('expAvg') as Tensor).data)).toEqual(
    Array.from((opt.state.get('bias')!.get('expAvg') as Tensor).data),
  );
  const bad = { ...sd, state: new Map([...sd.state].map(([k, v]) => [`x.${k}`, v])) };
  expect(() => other.loadStateDict(bad)).toThrow(StateDictError);
  expect(() => new Adam(fc.parameters(), { lr: 0.1, betas: [0.9, 1.5] })).toThrow(/betas/);
  expect(() => new SGD(fc.parameters(), { lr: 0.1, momentom: 0.9 } as never)).toThrow(/unknown option 'momentom'/);
  expect(() => new SGD([tensor([1])], { lr: 0.1 })).toThrow(/requires grad/);
});

test('parameters given as plain tensors that require grad, or as a named map', () => {
  const t = tensor([1, 2], { requiresGrad: true, dtype: 'float64' });
  const opt = new SGD([t], { lr: 0.5 });
  t.sum().backward();
  opt.step();
  expect(Array.from(t.data)).toEqual([0.5, 1.5]);
  const named = new SGD(new Map([['w', t]]), { lr: 0.1 });
  expect([...named.params.keys()]).toEqual(['w']);
});

test('lecture penalties: w.grad += (l1·sign(w) + l2·w)/m, and the matching loss term', () => {
  const w = new Parameter(tensor([2, -1, 0], { dtype: 'float64' }));
  w.grad = tensor([1, 1, 1], { dtype: 'float64' });
  applyPenalty([w], { l1: 0.5, l2: 0.2, batchSize: 10 });
  expect(Array.from(w.grad.data)).toEqual([1 + (0.5 + 0.4) / 10, 1 + (-0.5 - 0.2) / 10, 1]);
  w.grad = null;
  const p = penalty([w], { l1: 0.5, l2: 0.2, batchSize: 10 });
  expect(p.item()).toBeCloseTo((0.5 * 3 + 0.1 * 5) / 10, 12);
  p.backward();
  expect(w.grad!.data[0]).toBeCloseTo((0.5 + 0.4) / 10, 12);
});

test('clipGradNorm scales all gradients by maxNorm/(norm + 1e-6) when the norm exceeds it', () => {
  const a = new Parameter(tensor([3], { dtype: 'float64' }));
  const b = new Parameter(tensor([4], { dtype: 'float64' }));
  a.grad = tensor([3], { dtype: 'float64' });
  b.grad = tensor([4], { dtype: 'float64' });
  expect(clipGradNorm([a, b], 1)).toBe(5);
  expect(a.grad.item()).toBeCloseTo(3 / (5 + 1e-6), 12);
  expect(clipGradNorm([a, b], 10)).toBeCloseTo(1, 5);
  expect(a.grad.item()).toBeCloseTo(3 / (5 + 1e-6), 12);
});

test('LR schedules', () => {
  const p = [new Parameter(tensor([1]))];
  const lrs = (sched: { step(): void }, opt: { lr: number }, n: number): number[] => {
    const out = [opt.lr];
    for (let i = 0; i < n; i++) {
      sched.step();
      out.push(opt.lr);
    }
    return out;
  };
  const o1 = new SGD(p, { lr: 1 });
  expect(lrs(new StepLR(o1, { stepSize: 2, gamma: 0.5 }), o1, 5)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
  const o2 = new SGD(p, { lr: 1 });
  lrs(new ExponentialLR(o2, { gamma: 0.9 }), o2, 3).forEach((v, i) => expect(v).toBeCloseTo(0.9 ** i, 12));
  const o3 = new SGD(p, { lr: 1 });
  const cos = lrs(new CosineAnnealingLR(o3, { tMax: 4, etaMin: 0 }), o3, 5);
  [1, 0.8535533905932737, 0.5, 0.14644660940672627, 0, 0].forEach((v, i) => expect(cos[i]).toBeCloseTo(v, 12));
  const o4 = new SGD(p, { lr: 1 });
  const warm = lrs(
    new WarmupLR(o4, { warmupEpochs: 2, startFactor: 0.5, after: (o) => new StepLR(o, { stepSize: 1, gamma: 0.1 }) }),
    o4,
    4,
  );
  [0.5, 0.75, 1, 0.1, 0.01].forEach((v, i) => expect(warm[i]).toBeCloseTo(v, 12));
});
