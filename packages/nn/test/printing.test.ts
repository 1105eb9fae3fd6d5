import { format } from 'util';
import { Rng, tensor } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { Adam, Parameter, SGD, StateDict, Trainer, mlp, softmaxCrossEntropy } from '@tapegrad/nn';

// What console.log writes is util.format of its arguments.
const printed = (v: unknown): string => format(v);
const INTERNALS = [
  '_root',
  '__ownerID',
  '__hash',
  '__altered',
  '_tail',
  '_values',
  '_origin',
  'hookList',
  'allocation',
  'creator',
  'requires:',
  'retains:',
];

function expectClean(text: string): void {
  for (const name of INTERNALS) expect(text).not.toContain(name);
}

test('console.log of a tensor, a model, an optimiser, a History and a state dict shows no internal fields', () => {
  const model = mlp([2, 4, 3], { rng: new Rng(0) });
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  const { x, t } = spiral({ numPerClass: 20 });
  const trainer = new Trainer(model, opt, { loss: softmaxCrossEntropy });
  const history = trainer.fit(x, t, { maxEpoch: 12, batchSize: 20, verbose: 0 });
  const y = model.forward(x.slice([0, 2]));

  const shown = {
    tensor: printed(y),
    model: printed(model),
    optimizer: printed(opt),
    history: printed(history),
    record: printed(history.last),
    stateDict: printed(model.stateDict()),
    group: printed(opt.paramGroups[0]),
  };
  for (const text of Object.values(shown)) expectClean(text);

  expect(shown.tensor).toMatch(/^tensor\(\[\[.*\]\], dtype=float32, shape=\[2,3\], grad_fn=<LinearBackward>\)$/s);
  expect(shown.model).toBe(
    'Sequential(\n  (0): Linear(in=2, out=4, bias=true)\n  (1): ReLU()\n  (2): Linear(in=4, out=3, bias=true)\n)',
  );
  expect(shown.optimizer).toBe(
    [
      'Adam (',
      'Parameter Group 0',
      '    params: 0.weight, 0.bias, 2.weight, 2.bias (4 tensors)',
      '    lr: 0.01',
      '    betas: [0.9, 0.999]',
      '    eps: 1e-8',
      '    weightDecay: 0',
      ')',
    ].join('\n'),
  );
  const rows = shown.history.split('\n');
  expect(rows[0]).toBe('History (12 records)');
  expect(rows[1].trim().split(/\s+/)).toEqual([
    'epoch',
    'iter',
    'loss',
    'accuracy',
    'valLoss',
    'valAccuracy',
    'seconds',
    'lr',
  ]);
  expect(rows).toHaveLength(2 + 11); // first five, an ellipsis row, last five
  expect(rows[7].trim().split(/\s+/)[0]).toBe('…');
  expect(shown.record).toMatch(/^TrainRecord \{ epoch: 12, iter: 3, loss: [\d.]+/);
  expect(shown.stateDict).toMatch(/^StateDict\(4\) \{\n {2}'0\.weight': tensor\(\[\[/);
  expect(shown.group).toContain('params: 0.weight, 0.bias, 2.weight, 2.bias (4 tensors)');
});

test('a Parameter prints as a tensor that requires grad; nested values print readably too', () => {
  const p = new Parameter(tensor([1, 2]));
  expect(printed(p)).toBe('tensor([1, 2], dtype=float32, shape=[2], requires_grad=true)');
  expect(printed({ w: p, lr: 0.1 })).toMatch(
    /^\{\s+w: tensor\(\[1, 2\], dtype=float32, shape=\[2\], requires_grad=true\),\s+lr: 0.1\s+\}$/,
  );
  expect(printed(new SGD([p], { lr: 0.5 }))).toContain('params: 0 (1 tensor)');
});

test('state dicts are plain Maps: get, keys, iteration, toObject, JSON', () => {
  const model = mlp([2, 3], { rng: new Rng(0) });
  const sd = model.stateDict();
  expect(sd).toBeInstanceOf(Map);
  expect(sd).toBeInstanceOf(StateDict);
  expect([...sd.keys()]).toEqual(['0.weight', '0.bias']);
  expect(sd.get('0.weight')!.shape).toEqual([3, 2]);
  const obj = sd.toObject();
  expect(Object.keys(obj)).toEqual(['0.weight', '0.bias']);
  expect(Object.fromEntries(sd)['0.bias']).toBe(obj['0.bias']);
  const json = JSON.parse(JSON.stringify(sd));
  expect(json['0.bias']).toEqual({
    dtype: 'float32',
    shape: [3],
    data: Array.from(sd.get('0.bias')!.data),
  });
  // Whatever form the user holds, loadStateDict takes it.
  const other = mlp([2, 3], { rng: new Rng(1) });
  for (const form of [sd, obj, new Map(sd), [...sd.entries()]]) {
    other.layers[0].namedParameters().get('bias')!.data.fill(0);
    other.loadStateDict(form);
    expect(Array.from(other.stateDict().get('0.bias')!.data)).toEqual(Array.from(sd.get('0.bias')!.data));
  }
});
