import { ValueError, tensor } from '@tapegrad/core';
import { Adam, Linear, Parameter, RMSProp, SGD, StateDictError, StepLR } from '@tapegrad/nn';

const p64 = (v: number, name?: string): Parameter => {
  const p = new Parameter(tensor([v], { dtype: 'float64' }));
  if (name) p.name = name;
  return p;
};

/** L(a, b) = a² + 10·b²: gradients 2a and 20b. */
function lossStep(opt: { zeroGrad(): void; step(): void }, a: Parameter, b: Parameter): void {
  opt.zeroGrad();
  a.square().add(b.square().mul(10)).sum().backward();
  opt.step();
}

test("PyTorch's per-group options: a group's own values win, the rest come from the defaults", () => {
  const a = p64(1, 'a');
  const b = p64(1, 'b');
  const opt = new SGD(
    [
      { params: [a], lr: 0.1 },
      { params: [b], momentum: 0 },
    ],
    { lr: 0.01, momentum: 0.9 },
  );
  expect(opt.paramGroups).toHaveLength(2);
  expect(opt.paramGroups[0].options).toMatchObject({ lr: 0.1, momentum: 0.9 });
  expect(opt.paramGroups[1].options).toMatchObject({ lr: 0.01, momentum: 0 });
  expect(opt.defaults).toMatchObject({ lr: 0.01, momentum: 0.9 });
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < 3; i++) {
    lossStep(opt, a, b);
    as.push(a.item());
    bs.push(b.item());
  }
  // a (lr 0.1, μ 0.9): buf 2 → a 0.8; buf 0.9·2 + 1.6 = 3.4 → 0.46; buf 0.9·3.4 + 0.92 = 3.98 → 0.062
  [0.8, 0.46, 0.062].forEach((v, i) => expect(as[i]).toBeCloseTo(v, 12));
  // b (lr 0.01, plain SGD): 1 − 0.2 = 0.8; 0.8 − 0.16 = 0.64; 0.64 − 0.128 = 0.512
  [0.8, 0.64, 0.512].forEach((v, i) => expect(bs[i]).toBeCloseTo(v, 12));
  expect([...opt.state.keys()]).toEqual(['a', 'b']);
  expect(opt.state.get('b')!.has('momentumBuffer')).toBe(false);
});

test('group options are validated properties; opt.lr sets every group', () => {
  const opt = new SGD([{ params: [p64(1)] }, { params: [p64(2)], lr: 0.5 }], { lr: 0.1 });
  opt.paramGroups[1].lr = 0.25;
  expect(opt.paramGroups[1].lr).toBe(0.25);
  expect(() => (opt.paramGroups[0].momentum = -1)).toThrow(
    /SGD: paramGroups\[0\]\.momentum must be a finite number ≥ 0, got -1/,
  );
  expect(() => (opt.paramGroups[0].nesterov = true)).toThrow(/nesterov needs momentum > 0/);
  expect(opt.paramGroups[0].nesterov).toBe(false); // the failed change left nothing behind
  opt.paramGroups[0].set({ momentum: 0.9, nesterov: true }); // checked together
  expect(opt.paramGroups[0].options).toMatchObject({ momentum: 0.9, nesterov: true });
  opt.lr = 0.01;
  expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.01, 0.01]);
});

test('addParamGroup: defaults fill in, names stay unique, a parameter may be in one group only', () => {
  const body = new Linear(2, 2);
  const head = new Linear(2, 1);
  body.weight.name = 'body.weight';
  body.bias!.name = 'body.bias';
  const opt = new Adam([body.weight, body.bias!], { lr: 1e-3, betas: [0.8, 0.9] });
  opt.addParamGroup({ params: head.parameters(), lr: 0.1 });
  expect(opt.paramGroups[1].options).toMatchObject({ lr: 0.1, betas: [0.8, 0.9] });
  expect([...opt.params.keys()]).toEqual(['body.weight', 'body.bias', 'weight', 'bias']);
  expect(() => opt.addParamGroup({ params: [body.weight] })).toThrow(/more than one parameter group/);
  expect(() => opt.addParamGroup({ params: [p64(0)], eps: 0 })).toThrow(
    /Adam\.addParamGroup: paramGroups\[2\]\.eps must be a finite number > 0, got 0/,
  );
  expect(() => opt.addParamGroup({ params: [p64(0)], epsilon: 1 } as never)).toThrow(/unknown option 'epsilon'/);
  expect(() => opt.addParamGroup(null as never)).toThrow(ValueError);
  expect(() => new SGD([{ params: [] }], { lr: 0.1 })).toThrow(/empty parameter list/);
  expect(opt.paramGroups).toHaveLength(2); // the failed additions changed nothing
});

test("the optimiser's state dict holds every group's options and round-trips them", () => {
  const [a, b] = [p64(1, 'a'), p64(1, 'b')];
  const opt = new RMSProp(
    [
      { params: [a], lr: 0.1, momentum: 0.5 },
      { params: [b], centered: true },
    ],
    { lr: 0.01 },
  );
  lossStep(opt, a, b);
  const sd = opt.stateDict();
  expect(sd.paramGroups.map((g) => [g.params, g.lr, g.momentum, g.centered])).toEqual([
    [['a'], 0.1, 0.5, false],
    [['b'], 0.01, 0, true],
  ]);
  expect(sd.state).toBeInstanceOf(Map);
  expect(sd.state.get('a')!.step).toBe(1);
  expect(Object.keys(sd.state.get('b')!).sort()).toEqual(['gradAvg', 'squareAvg', 'step']);

  const [a2, b2] = [p64(1, 'a'), p64(1, 'b')];
  const other = new RMSProp([{ params: [a2] }, { params: [b2] }], { lr: 0.5 });
  other.loadStateDict(sd);
  expect(other.paramGroups.map((g) => g.lr)).toEqual([0.1, 0.01]);
  expect(other.paramGroups[1].centered).toBe(true);
  // Continuing from the restored state matches continuing the original.
  a2.data.set(a.data);
  b2.data.set(b.data);
  lossStep(opt, a, b);
  lossStep(other, a2, b2);
  expect(a2.item()).toBe(a.item());
  expect(b2.item()).toBe(b.item());

  // A plain object for `state` works too; different groups do not.
  other.loadStateDict({ ...sd, state: Object.fromEntries(sd.state) });
  const swapped = { ...sd, paramGroups: [sd.paramGroups[1], sd.paramGroups[0]] };
  expect(() => other.loadStateDict(swapped)).toThrow(
    /paramGroups\[0\] holds parameters \["b"\], but group 0 here holds \["a"\]/,
  );
  const oneGroup = new RMSProp([a2, b2]);
  expect(() => oneGroup.loadStateDict(sd)).toThrow(/paramGroups must be an array of 1 groups, got 2 groups/);
  const badSlot = { ...sd, state: new Map([['a', { step: 1, expAvg: tensor([0], { dtype: 'float64' }) }]]) };
  expect(() => other.loadStateDict(badSlot)).toThrow(StateDictError);
});

test('schedulers act on every group from its own initial lr', () => {
  const opt = new SGD([
    { params: [p64(1)], lr: 0.1 },
    { params: [p64(1)], lr: 0.01 },
  ]);
  const sched = new StepLR(opt, { stepSize: 1, gamma: 0.5 });
  expect(sched.baseLrs).toEqual([0.1, 0.01]);
  sched.step();
  expect(sched.lastLrs).toEqual([0.05, 0.005]);
  sched.step();
  expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.025, 0.0025]);
});
