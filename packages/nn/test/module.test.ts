import { Tensor, ones, tensor, zeros } from '@tapegrad/core';
import { Dropout, Linear, Module, Parameter, ReLU, Sequential, StateDictError, mlp } from '@tapegrad/nn';

class Block extends Module {
  fc = new Linear(4, 4);
  act = new ReLU();
  forward(x: Tensor): Tensor {
    return this.act.forward(this.fc.forward(x));
  }
}

class Net extends Module {
  stem: Linear;
  blocks: Block[];
  scale = new Parameter(ones([1]));
  skip: Linear | null = null;
  tied: Parameter;
  notLearnable = zeros([3]);
  drop = new Dropout(0.5);
  private readonly extra = new Map<string, Linear>();

  constructor() {
    super();
    this.stem = new Linear(2, 4);
    this.blocks = [new Block(), new Block()];
    this.tied = this.stem.weight;
    const head = new Linear(4, 3);
    this.extra.set('head', head);
    this.registerModule('head', head);
  }

  forward(x: Tensor): Tensor {
    let h = this.stem.forward(x);
    for (const b of this.blocks) h = b.forward(h);
    return this.extra.get('head')!.forward(this.drop.forward(h).mul(this.scale));
  }
}

test('parameters and sub-modules are registered from fields, arrays and explicit calls, in a stable order', () => {
  const net = new Net();
  // Fields in declaration order; as in PyTorch, a module's own parameters come before its
  // children's, and a tied parameter keeps its first name ('tied' is seen before 'stem.weight').
  expect(Object.keys(net).slice(0, 5)).toEqual(['stem', 'blocks', 'scale', 'skip', 'tied']);
  expect(net.namedParameters().keySeq().toArray()).toEqual([
    'scale',
    'tied',
    'stem.bias',
    'blocks.0.fc.weight',
    'blocks.0.fc.bias',
    'blocks.1.fc.weight',
    'blocks.1.fc.bias',
    'head.weight',
    'head.bias',
  ]);
  expect(net.namedModules().keySeq().toArray()).toEqual([
    '',
    'stem',
    'blocks.0',
    'blocks.0.fc',
    'blocks.0.act',
    'blocks.1',
    'blocks.1.fc',
    'blocks.1.act',
    'drop',
    'head',
  ]);
  // Shared (tied) parameters appear once, under their first name; plain tensors are not parameters.
  expect(net.parameters().filter((p) => p === net.stem.weight)).toHaveLength(1);
  expect(net.numParameters()).toBe(2 * 4 + 4 + 2 * (16 + 4) + 1 + 12 + 3);
  expect(net.stem.bias!.name).toBe('stem.bias');
  expect(net.stem.weight.name).toBe('tied');
  expect(new Net().namedParameters().keySeq().toArray()).toEqual(net.namedParameters().keySeq().toArray());
  expect(() => net.registerParameter('a.b', new Parameter(ones([1])))).toThrow(/no '\.'/);
});

test('zeroGrad, train/eval and forward', () => {
  const net = new Net();
  net
    .forward(ones([5, 2]))
    .sum()
    .backward();
  expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
  net.zeroGrad();
  expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  net.eval();
  expect(net.drop.training).toBe(false);
  expect(net.blocks[1].act.training).toBe(false);
  const a = net.forward(ones([5, 2]));
  expect(Array.from(net.forward(ones([5, 2])).data)).toEqual(Array.from(a.data));
  net.train();
  expect(net.drop.training).toBe(true);
});

test('stateDict / loadStateDict copy values; strict mode lists every problem in one error', () => {
  const a = mlp([2, 3, 2]);
  const b = mlp([2, 3, 2]);
  const sd = a.stateDict();
  expect(sd.get('0.weight')!.data).not.toBe(a.layers[0].namedParameters().get('weight')!.data);
  b.loadStateDict(sd);
  expect(Array.from(b.parameters()[0].data)).toEqual(Array.from(a.parameters()[0].data));
  b.loadStateDict({ '0.bias': tensor([1, 2, 3]) }, { strict: false });
  expect(Array.from(b.parameters()[1].data)).toEqual([1, 2, 3]);
  const bad = new Map(sd);
  bad.delete('2.bias');
  bad.set('9.weight', zeros([1]));
  bad.set('0.weight', zeros([2, 3]));
  bad.set('0.bias', zeros([3], { dtype: 'float64' }));
  let err: StateDictError | null = null;
  try {
    b.loadStateDict(bad);
  } catch (e) {
    err = e as StateDictError;
  }
  expect(err).toBeInstanceOf(StateDictError);
  expect(err!.missing).toEqual(['2.bias']);
  expect(err!.unexpected).toEqual(['9.weight']);
  expect(err!.mismatched).toEqual([
    '0.weight: expected [3,2] float32, got [2,3] float32',
    '0.bias: expected [3] float32, got [3] float64',
  ]);
  expect(err!.message).toMatch(/1 missing .*1 unexpected .*2 mismatched/);
  // Nothing changed.
  expect(Array.from(b.parameters()[1].data)).toEqual([1, 2, 3]);
});

test('to(dtype) converts every parameter (shared ones once) and the module runs in that dtype', () => {
  const net = new Net().to('float64');
  expect(net.parameters().every((p) => p.dtype === 'float64')).toBe(true);
  expect(net.tied).toBe(net.stem.weight);
  expect(net.forward(ones([2, 2], { dtype: 'float64' })).dtype).toBe('float64');
});

test("toString is PyTorch's nested repr", () => {
  const s = String(new Sequential(new Linear(2, 10), new ReLU(), new Linear(10, 3, { bias: false })));
  expect(s).toBe(
    [
      'Sequential(',
      '  (0): Linear(in=2, out=10, bias=true)',
      '  (1): ReLU()',
      '  (2): Linear(in=10, out=3, bias=false)',
      ')',
    ].join('\n'),
  );
  // Parameters a module holds itself are listed before its children.
  expect(String(new Net())).toContain(
    [
      'Net(',
      '  (scale): Parameter([1])',
      '  (tied): Parameter([4,2])',
      '  (stem): Linear(in=2, out=4, bias=true)',
      '  (blocks.0): Block(',
      '    (fc): Linear(in=4, out=4, bias=true)',
      '    (act): ReLU()',
      '  )',
    ].join('\n'),
  );
});
