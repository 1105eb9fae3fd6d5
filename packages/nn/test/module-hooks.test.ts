import { Tensor, ValueError, max, ones, reshape, transpose } from '@tapegrad/core';
import { Linear, Module, ModelSummary, ReLU, Sequential, Sigmoid, mlp } from '@tapegrad/nn';

class Block extends Module {
  fc = new Linear(3, 3);
  act = new ReLU();
  forward(x: Tensor): Tensor {
    return this.act.forward(this.fc.forward(x));
  }
}

class Net extends Module {
  block = new Block();
  head = new Linear(3, 2);
  forward(x: Tensor): Tensor {
    return this.head.forward(this.block.forward(x));
  }
}

describe('forward hooks (PyTorch semantics)', () => {
  test('a forward hook sees the inputs and output, also when a parent calls forward; remove() unregisters it', () => {
    const net = new Net();
    const seen: [Module, number[], number[]][] = [];
    const h = net.block.fc.registerForwardHook((m, inputs, y) => {
      seen.push([m, [...(inputs[0] as Tensor).shape], [...y.shape]]);
    });
    net.forward(ones([4, 3]));
    expect(seen).toEqual([[net.block.fc, [4, 3], [4, 3]]]);
    h.remove();
    h.remove(); // removing twice is harmless
    net.forward(ones([4, 3]));
    expect(seen).toHaveLength(1);
  });

  test('a returned value replaces the output; a pre-hook may replace the input; order and prepend', () => {
    const fc = new Linear(2, 1, { bias: false });
    fc.weight.data.set([1, 1]);
    const order: string[] = [];
    const h1 = fc.registerForwardHook((_m, _i, y) => {
      order.push('first');
      return y.mul(10);
    });
    const h2 = fc.registerForwardHook(
      () => {
        order.push('prepended');
      },
      { prepend: true },
    );
    const pre = fc.registerForwardPreHook((_m, [x]) => (x as Tensor).mul(2));
    expect(fc.forward(ones([1, 2])).item()).toBe(40); // (2 + 2)·10
    expect(order).toEqual(['prepended', 'first']);
    for (const h of [h1, h2, pre]) h.remove();
    expect(fc.forward(ones([1, 2])).item()).toBe(2);
  });

  test('hooks leave no trace on the module: its fields, parameters and repr are unchanged', () => {
    const net = new Net();
    const keys = Object.keys(net.head);
    const h = net.head.registerForwardHook(() => undefined);
    expect(Object.keys(net.head)).toEqual(keys);
    expect([...net.namedParameters().keys()]).toEqual(['block.fc.weight', 'block.fc.bias', 'head.weight', 'head.bias']);
    h.remove();
    expect(Object.getOwnPropertyDescriptor(net.head, 'forward')).toBeUndefined();
  });

  test('bad hooks and options are typed errors', () => {
    const fc = new Linear(2, 2);
    expect(() => fc.registerForwardHook(5 as never)).toThrow(
      /Linear\.registerForwardHook: hook must be a function, got 5/,
    );
    expect(() => fc.registerForwardPreHook(() => undefined, { prepand: true } as never)).toThrow(ValueError);
  });
});

test('apply visits children before parents, once each; namedModules, modules, namedChildren', () => {
  const net = new Net();
  const order: string[] = [];
  expect(net.apply((m) => order.push(m.constructor.name))).toBe(net);
  expect(order).toEqual(['Linear', 'ReLU', 'Block', 'Linear', 'Net']);
  expect([...net.namedModules().keys()]).toEqual(['', 'block', 'block.fc', 'block.act', 'head']);
  expect(net.modules()).toHaveLength(5);
  expect(net.namedChildren().map(([n]) => n)).toEqual(['block', 'head']);
  net.apply((m) => {
    if (m instanceof Linear) m.bias?.data.fill(0);
  });
  expect(
    net
      .parameters()
      .filter((_, i) => i % 2 === 1)
      .every((b) => b.data.every((v) => v === 0)),
  ).toBe(true);
  expect(() => net.apply(null as never)).toThrow(/Net\.apply: fn must be a function/);
});

describe('summary', () => {
  const silent = { verbose: 0 } as const;

  test('the MNIST MLP (784-256-10): rows, output shapes, counts and totals; it prints the table', () => {
    const model = mlp([784, 256, 10]);
    const logs: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((s: string) => void logs.push(s));
    let s: ModelSummary;
    try {
      s = model.summary([1, 784]);
    } finally {
      spy.mockRestore();
    }
    expect(s.rows.map((r) => [r.name, r.type, r.depth, r.outputShape, r.params])).toEqual([
      ['', 'Sequential', 0, [1, 10], 0],
      ['0', 'Linear', 1, [1, 256], 784 * 256 + 256],
      ['1', 'ReLU', 1, [1, 256], 0],
      ['2', 'Linear', 1, [1, 10], 256 * 10 + 10],
    ]);
    expect(s.totalParams).toBe(203530);
    expect(s.trainableParams).toBe(203530);
    expect(logs).toEqual([String(s)]);
    const lines = String(s).split('\n');
    expect(lines[1]).toMatch(/^Layer \(type\)\s+Output shape\s+Param #$/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}0 \(Linear\)\s+\[1, 256\]\s+200,960$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}1 \(ReLU\)\s+\[1, 256\]\s+--$/));
    expect(lines).toContain('Total params: 203,530');
    expect(lines).toContain('Non-trainable params: 0');
    expect(lines).toContain('Params size (MB): 0.81');
    expect(model.training).toBe(true); // run in eval mode, then restored
  });

  // A small conv net built from existing layers: 1×1 convolutions as a Linear over the channel
  // axis, 2×2 max pooling and a flatten, all in PyTorch's NCHW layout.
  class Conv1x1 extends Module {
    fc: Linear;
    constructor(cin: number, cout: number) {
      super();
      this.fc = new Linear(cin, cout);
    }
    forward(x: Tensor): Tensor {
      return transpose(this.fc.forward(transpose(x, [0, 2, 3, 1])), [0, 3, 1, 2]);
    }
  }
  class MaxPool2 extends Module {
    forward(x: Tensor): Tensor {
      const [n, c, h, w] = x.shape;
      return max(reshape(x, [n, c, h / 2, 2, w / 2, 2]), [3, 5]);
    }
  }
  class Flatten extends Module {
    forward(x: Tensor): Tensor {
      return reshape(x, [x.shape[0], -1]);
    }
  }

  test('a conv net: nested rows with their depth, NCHW output shapes, parameter totals', () => {
    const net = new Sequential(
      new Conv1x1(3, 8),
      new ReLU(),
      new MaxPool2(),
      new Conv1x1(8, 16),
      new Sigmoid(),
      new MaxPool2(),
      new Flatten(),
      new Linear(16 * 2 * 2, 10),
    );
    const s = net.summary([2, 3, 8, 8], silent);
    expect(s.rows.map((r) => [r.name, r.depth, r.outputShape, r.params])).toEqual([
      ['', 0, [2, 10], 0],
      ['0', 1, [2, 8, 8, 8], 0],
      ['0.fc', 2, [2, 8, 8, 8], 3 * 8 + 8],
      ['1', 1, [2, 8, 8, 8], 0],
      ['2', 1, [2, 8, 4, 4], 0],
      ['3', 1, [2, 16, 4, 4], 0],
      ['3.fc', 2, [2, 4, 4, 16], 8 * 16 + 16], // the Linear sees NHWC
      ['4', 1, [2, 16, 4, 4], 0],
      ['5', 1, [2, 16, 2, 2], 0],
      ['6', 1, [2, 64], 0],
      ['7', 1, [2, 10], 64 * 10 + 10],
    ]);
    expect(s.totalParams).toBe(32 + 144 + 650);
    expect(String(s)).toMatch(/\n {4}3\.fc \(Linear\)\s+\[2, 4, 4, 16\]\s+144\n/);
  });

  test('a module run twice is counted once; frozen parameters are non-trainable; bad shapes are typed errors', () => {
    class Twice extends Module {
      fc = new Linear(4, 4);
      forward(x: Tensor): Tensor {
        return this.fc.forward(this.fc.forward(x));
      }
    }
    const m = new Twice();
    m.fc.bias!.requiresGrad = false;
    const s = m.summary([1, 4], silent);
    expect(s.rows.map((r) => [r.name, r.recursive, r.params])).toEqual([
      ['', false, 0],
      ['fc', false, 20],
      ['fc', true, 0],
    ]);
    expect([s.totalParams, s.trainableParams, s.nonTrainableParams]).toEqual([20, 16, 4]);
    expect(String(s)).toContain('(recursive)');
    expect(() => m.summary([1, -4], silent)).toThrow(
      /Twice\.summary: inputShape must be an array of non-negative integers/,
    );
    expect(() => m.summary([1, 4], { verbos: 0 } as never)).toThrow(/unknown option 'verbos'/);
    expect(() => mlp([2, 3]).summary([1, 5], silent)).toThrow(/Linear\.forward/);
  });
});
