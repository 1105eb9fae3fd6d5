import fc from 'fast-check';
import { DTypeError, IndexError, Rng, ShapeError, Tensor, ValueError, ones, tensor, zeros } from '@tapegrad/core';
import { arbTensor, gradcheck, gradgradcheck } from '@tapegrad/core/testing';
import { Embedding, LayerNorm, Linear, Module, ModuleDict, ModuleList, Parameter, ReLU, layerNorm } from '@tapegrad/nn';
import { asFunction } from './helpers';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const RUNS = { numRuns: 40 };
const i32 = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });

describe('Embedding', () => {
  test('looks rows up; PyTorch layout and N(0, 1) init; the padding row starts at zero and gets no gradient', () => {
    const emb = new Embedding(5, 3, { rng: new Rng(0), paddingIdx: 1 });
    expect(emb.weight.shape).toEqual([5, 3]);
    expect([...emb.namedParameters().keys()]).toEqual(['weight']);
    expect(Array.from(emb.weight.data.slice(3, 6))).toEqual([0, 0, 0]);
    const y = emb.forward(i32([[4, 1, 4]]));
    expect(y.shape).toEqual([1, 3, 3]);
    expect(Array.from(y.data.slice(0, 3))).toEqual(Array.from(emb.weight.data.slice(12, 15)));
    y.sum().backward();
    expect(Array.from(emb.weight.grad!.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2]);
    const big = new Embedding(20000, 4, { rng: new Rng(1) });
    const d = Array.from(big.weight.data);
    const m = d.reduce((a, b) => a + b) / d.length;
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length - 1)).toBeLessThan(0.03);
    expect(String(emb)).toBe('Embedding(5, 3, paddingIdx=1)');
  });

  test('passes gradcheck in float64 over random index shapes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 0, max: 1000 }),
        (v, dim, shape, seed) => {
          const emb = new Embedding(v, dim, { dtype: 'float64', rng: new Rng(seed) });
          const idx = new Tensor(
            Int32Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => (i * 7 + seed) % v),
            shape,
          );
          const { f, params } = asFunction(emb);
          gradcheck(f, [idx, ...params], TOL);
        },
      ),
      RUNS,
    );
  });

  test('fromPretrained copies, freezes by default, and keeps the padding row', () => {
    const w = tensor([
      [1, 2],
      [3, 4],
    ]);
    const emb = Embedding.fromPretrained(w, { paddingIdx: 0 });
    expect(emb.weight.requiresGrad).toBe(false);
    expect(emb.weight.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(emb.weight.data).not.toBe(w.data);
    expect(Embedding.fromPretrained(w, { freeze: false }).weight.requiresGrad).toBe(true);
  });

  test('typed errors name the layer and the shapes', () => {
    const emb = new Embedding(13, 4);
    expect(() => emb.forward(i32([[0, 13]]))).toThrow(IndexError);
    expect(() => emb.forward(i32([[0, 13]]))).toThrow(
      /Embedding.forward: index 13 \(at flat position 1 of indices \[1,2\]\) is out of range for numEmbeddings=13 \(weight \[13,4\]\)/,
    );
    expect(() => emb.forward(i32([-1]))).toThrow(IndexError);
    expect(() => emb.forward(tensor([1, 2]))).toThrow(DTypeError);
    expect(() => new Embedding(0, 4)).toThrow(ValueError);
    expect(() => new Embedding(4, 4, { paddingIdx: 4 })).toThrow(
      /Embedding: paddingIdx must be an integer in \[-4, 3\]/,
    );
    expect(() => new Embedding(4, 4, { padding_idx: 0 } as never)).toThrow(/unknown option 'padding_idx'/);
  });
});

describe('LayerNorm', () => {
  test('normalises the last axes: mean 0, biased variance 1 (hand-computed case), then weight and bias', () => {
    const x = tensor([[1, 2, 3, 6]], { dtype: 'float64' });
    // mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5
    const s = Math.sqrt(3.5 + 1e-5);
    expect(layerNorm(x, [4]).toArray()).toEqual([[-2 / s, -1 / s, 0, 3 / s]]);
    const norm = new LayerNorm(4, { dtype: 'float64' });
    expect([...norm.namedParameters().keys()]).toEqual(['weight', 'bias']);
    norm.weight!.data.set([1, 2, 1, 1]);
    norm.bias!.data.set([0, 0, 0, 10]);
    const y = norm.forward(x).toArray() as number[][];
    [-2 / s, -2 / s, 0, 10 + 3 / s].forEach((v, i) => expect(y[0][i]).toBeCloseTo(v, 14));
    expect(new LayerNorm([2, 3]).forward(ones([5, 2, 3])).shape).toEqual([5, 2, 3]);
    expect(new LayerNorm(3, { elementwiseAffine: false }).numParameters()).toBe(0);
    expect(new LayerNorm(3, { bias: false }).namedParameters().keySeq().toArray()).toEqual(['weight']);
  });

  test('passes gradcheck and gradgradcheck (input, weight, bias) over random shapes', () => {
    fc.assert(
      fc.property(
        arbTensor({ minRank: 1, maxRank: 3, minDim: 2, maxDim: 4 }).chain((x) =>
          fc.tuple(fc.constant(x), fc.integer({ min: 1, max: x.ndim })),
        ),
        ([x, k]) => {
          const norm = new LayerNorm(x.shape.slice(x.ndim - k), { dtype: 'float64' });
          norm.weight!.data.forEach((_, i, a) => (a[i] = 1 + 0.1 * i));
          norm.bias!.data.forEach((_, i, a) => (a[i] = -0.05 * i));
          const { f, params } = asFunction(norm);
          gradcheck(f, [x, ...params], TOL);
          gradgradcheck(f, [x, ...params]);
        },
      ),
      { numRuns: 20 },
    );
  });

  test('typed errors', () => {
    expect(() => new LayerNorm(4).forward(zeros([2, 3]))).toThrow(
      /LayerNorm.forward: x of shape \[2,3\] must end in normalizedShape \[4\]/,
    );
    expect(() => new LayerNorm(0)).toThrow(ValueError);
    expect(() => new LayerNorm([])).toThrow(ValueError);
    expect(() => layerNorm(zeros([2, 3]), [3], zeros([2]))).toThrow(ShapeError);
  });
});

describe('ModuleList and ModuleDict', () => {
  class Stack extends Module {
    layers = new ModuleList([new Linear(2, 3), new ReLU(), new Linear(3, 1)]);
    // Pairs keep any order; an object literal would list its integer-like key '7' first, as JS does.
    heads = new ModuleDict([
      ['b', new Linear(1, 1)],
      ['a', new Linear(1, 2)],
      ['7', new Linear(1, 1)],
    ]);
    forward(x: Tensor): Tensor {
      for (const layer of this.layers) x = (layer as Linear).forward(x);
      return this.heads.get('a')!.forward(x) as Tensor;
    }
  }

  test("children get PyTorch's names; iteration, indexing and insertion order", () => {
    const s = new Stack();
    expect([...s.namedParameters().keys()]).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.2.weight',
      'layers.2.bias',
      'heads.b.weight',
      'heads.b.bias',
      'heads.a.weight',
      'heads.a.bias',
      'heads.7.weight',
      'heads.7.bias',
    ]);
    expect(s.layers.length).toBe(3);
    expect(s.layers[1]).toBeInstanceOf(ReLU);
    expect(s.layers.at(-1)).toBe(s.layers[2]);
    expect([...s.layers].length).toBe(3);
    expect(s.heads.keys()).toEqual(['b', 'a', '7']);
    expect(s.heads.has('a') && !s.heads.has('c')).toBe(true);
    expect(s.forward(ones([4, 2])).shape).toEqual([4, 2]);
    s.layers.append(new ReLU());
    expect(s.layers.length).toBe(4);
    s.heads.set('c', new Linear(1, 1));
    expect(s.heads.size).toBe(4);
    expect(s.parameters().length).toBe(12);
    s.eval();
    expect(s.layers[0].training || s.heads.get('c')!.training).toBe(false);
  });

  test('state dicts round-trip through a fresh copy', () => {
    const a = new Stack();
    const b = new Stack();
    b.loadStateDict(a.stateDict());
    expect(Array.from(b.heads.get('7')!.parameters()[0].data)).toEqual(
      Array.from(a.heads.get('7')!.parameters()[0].data),
    );
  });

  test('misuse is a typed error', () => {
    expect(() => new ModuleList().forward()).toThrow(/ModuleList has no forward/);
    expect(() => new ModuleDict().forward()).toThrow(/ModuleDict has no forward/);
    expect(() => new ModuleList([1 as never])).toThrow(/ModuleList.append: expected a Module, got 1/);
    expect(() => new ModuleDict({ get: new ReLU() })).toThrow(/'get' is the name of a ModuleDict member/);
    expect(() => new ModuleDict({ 'a.b': new ReLU() })).toThrow(/no '\.'/);
    expect(() => new ModuleList().at(0)).toThrow(ValueError);
  });
});

describe('parameters and modules kept where Module does not look', () => {
  test('a Map, a plain object, a Set or a nested array of unregistered modules or parameters is an error', () => {
    class InMap extends Module {
      blocks = new Map([['enc', new Linear(2, 2)]]);
      forward(x: Tensor) {
        return x;
      }
    }
    class InObject extends Module {
      cfg = { encoder: { proj: new Linear(2, 2) } };
      forward(x: Tensor) {
        return x;
      }
    }
    class InNested extends Module {
      grid = [[new Linear(2, 2)]];
      forward(x: Tensor) {
        return x;
      }
    }
    class ParamInSet extends Module {
      extra = new Set([new Parameter(zeros([3]))]);
      forward(x: Tensor) {
        return x;
      }
    }
    expect(() => new InMap().parameters()).toThrow(
      /InMap: blocks.get\("enc"\) holds a Linear inside a Map, where Module does not look, so its parameters would be missing from parameters\(\), stateDict\(\) and the optimiser; use ModuleList or ModuleDict/,
    );
    expect(() => new InObject().stateDict()).toThrow(/InObject: cfg.encoder.proj holds a Linear inside a plain object/);
    expect(() => new InNested().parameters()).toThrow(/InNested: grid\[0\]\[0\] holds a Linear inside a nested array/);
    expect(() => new ParamInSet().parameters()).toThrow(
      /ParamInSet: extra \(Set item 0\) holds a Parameter of shape \[3\] inside a Set/,
    );
    class Outer extends Module {
      inner = new InMap();
      forward(x: Tensor) {
        return x;
      }
    }
    expect(() => new Outer().train()).toThrow(/InMap 'inner': blocks.get\("enc"\)/);
  });

  test('allowed: modules also registered elsewhere, #private fields, plain tensors and numbers in containers', () => {
    class Fine extends Module {
      head = new Linear(2, 2);
      byName = new Map([['head', this.head]]);
      shared = { w: this.head.weight, sizes: [1, 2, 3], t: zeros([2]) };
      #teacher = new Linear(2, 2);
      forward(x: Tensor) {
        return this.#teacher.forward(x);
      }
    }
    expect([...new Fine().namedParameters().keys()]).toEqual(['head.weight', 'head.bias']);
  });
});
