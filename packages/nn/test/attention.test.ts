import fc from 'fast-check';
import { Rng, ShapeError, type Tensor, ValueError, randn, tensor, triu, ones, zeros } from '@tapegrad/core';
import { gradcheck, gradgradcheck } from '@tapegrad/core/testing';
import {
  MultiheadAttention,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  scaledDotProductAttention,
} from '@tapegrad/nn';
import { pythonWith } from '../../onnx/test/helpers/python';
import { comparer, torchReference } from './torch-reference';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const f64 = (shape: number[], rng: Rng) => randn(shape, { dtype: 'float64', rng });
const i32 = (v: number[][]) => tensor(v, { dtype: 'int32' });

/** A module as a function of (inputs..., parameters...) for gradcheck: parameters written into their slots. */
function withParams(
  m: MultiheadAttention | TransformerEncoderLayer | TransformerDecoderLayer,
  call: (...xs: Tensor[]) => Tensor,
  nIn: number,
) {
  const named = [...m.namedParameters()];
  const f = (...args: Tensor[]) => {
    named.forEach(([name, _p], i) => {
      const path = name.split('.');
      let obj = m as unknown as Record<string, unknown>;
      for (const k of path.slice(0, -1)) obj = obj[k] as Record<string, unknown>;
      obj[path[path.length - 1]] = args[nIn + i];
    });
    return call(...args.slice(0, nIn));
  };
  return { f, params: named.map(([, p]) => p) };
}

describe('scaledDotProductAttention', () => {
  test('by hand: two keys, one query', () => {
    // q·k = [0, 2·1] / √2 → weights softmax([0, √2]); output = weights·v.
    const q = tensor([[[1, 1]]], { dtype: 'float64' });
    const k = tensor(
      [
        [
          [0, 0],
          [1, 1],
        ],
      ],
      { dtype: 'float64' },
    );
    const v = tensor(
      [
        [
          [10, 0],
          [0, 10],
        ],
      ],
      { dtype: 'float64' },
    );
    const w1 = Math.exp(Math.SQRT2) / (1 + Math.exp(Math.SQRT2));
    const y = scaledDotProductAttention(q, k, v).toArray() as number[][][];
    expect(y[0][0][0]).toBeCloseTo(10 * (1 - w1), 13);
    expect(y[0][0][1]).toBeCloseTo(10 * w1, 13);
    // A boolean mask (int32, 1 = may attend) hiding the second key leaves the first one's value.
    expect(scaledDotProductAttention(q, k, v, { mask: i32([[1, 0]]) }).toArray()).toEqual([[[10, 0]]]);
    // Causal: the first of two queries sees only the first key.
    const q2 = tensor(
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
      { dtype: 'float64' },
    );
    expect((scaledDotProductAttention(q2, k, v, { isCausal: true }).toArray() as number[][][])[0][0]).toEqual([10, 0]);
  });

  test('gradcheck and gradgradcheck over random shapes, with boolean, additive and causal masks', () => {
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
          l: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 3 }),
          e: fc.integer({ min: 1, max: 3 }),
          mask: fc.constantFrom('none', 'bool', 'float', 'causal'),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        ({ batch, l, s, e, mask, seed }) => {
          const rng = new Rng(seed);
          const q = f64([...batch, l, e], rng);
          const k = f64([...batch, s, e], rng);
          const v = f64([...batch, s, 2], rng);
          // Boolean masks keep key 0 for every query, so no row is entirely hidden.
          const keep = tensor(
            Array.from({ length: l }, () =>
              Array.from({ length: s }, (_, j) => (j === 0 || rng.random() < 0.5 ? 1 : 0)),
            ),
            { dtype: 'int32' },
          );
          const opts =
            mask === 'bool'
              ? { mask: keep }
              : mask === 'float'
                ? { mask: f64([l, s], rng) }
                : mask === 'causal'
                  ? { isCausal: true }
                  : {};
          const f = (a: Tensor, b: Tensor, c: Tensor) => scaledDotProductAttention(a, b, c, opts);
          gradcheck(f, [q, k, v], TOL);
          gradgradcheck(f, [q, k, v]);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('a mask that does not broadcast is a ShapeError naming both shapes', () => {
    const q = zeros([2, 3, 4]);
    expect(() => scaledDotProductAttention(q, q, q, { mask: zeros([3, 2]) })).toThrow(
      /scaledDotProductAttention: mask of shape \[3,2\] does not broadcast to the attention scores \[2,3,3\]/,
    );
    expect(() => scaledDotProductAttention(q, zeros([2, 3, 5]), q)).toThrow(ShapeError);
  });
});

describe('MultiheadAttention', () => {
  test("PyTorch's parameters and shapes; weights averaged over heads sum to 1 per query", () => {
    const mha = new MultiheadAttention(8, 2, { rng: new Rng(0) });
    expect([...mha.namedParameters()].map(([k, p]) => `${k} ${p.shape.join('x')}`)).toEqual([
      'in_proj_weight 24x8',
      'in_proj_bias 24',
      'out_proj.weight 8x8',
      'out_proj.bias 8',
    ]);
    const x = randn([5, 3, 8], { rng: new Rng(1) });
    const [y, w] = mha.forward(x, x, x);
    expect([y.shape, w!.shape]).toEqual([
      [5, 3, 8],
      [3, 5, 5],
    ]);
    const sums = w!.sum(-1).data;
    expect(Array.from(sums).every((v) => Math.abs(v - 1) < 1e-5)).toBe(true);
    expect(mha.forward(x, x, x, { averageAttnWeights: false })[1]!.shape).toEqual([3, 2, 5, 5]);
    expect(mha.forward(x, x, x, { needWeights: false })[1]).toBeNull();
    const kv = new MultiheadAttention(8, 2, { kdim: 3, vdim: 5 });
    expect([...kv.namedParameters().keys()]).toEqual([
      'q_proj_weight',
      'k_proj_weight',
      'v_proj_weight',
      'in_proj_bias',
      'out_proj.weight',
      'out_proj.bias',
    ]);
    expect(kv.forward(zeros([4, 2, 8]), zeros([6, 2, 3]), zeros([6, 2, 5]))[0].shape).toEqual([4, 2, 8]);
    const [yu, wu] = new MultiheadAttention(8, 2).forward(zeros([4, 8]), zeros([6, 8]), zeros([6, 8]));
    expect([yu.shape, wu!.shape]).toEqual([
      [4, 8],
      [4, 6],
    ]);
  });

  test('gradcheck: query, key, value and every parameter, with key padding and attention masks, batchFirst or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.boolean(), fc.boolean(), (seed, batchFirst, masks) => {
        const rng = new Rng(seed);
        const mha = new MultiheadAttention(4, 2, { batchFirst, dtype: 'float64', rng });
        mha.in_proj_bias!.data.forEach((_, i, a) => (a[i] = rng.normal() * 0.1));
        const [n, l, s] = [2, 3, 2];
        const q = f64(batchFirst ? [n, l, 4] : [l, n, 4], rng);
        const kv = f64(batchFirst ? [n, s, 4] : [s, n, 4], rng);
        const attnMask = f64([l, s], rng);
        const call = (a: Tensor, b: Tensor) =>
          mha.forward(
            a,
            b,
            b,
            masks
              ? {
                  keyPaddingMask: i32([
                    [0, 1],
                    [0, 0],
                  ]),
                  attnMask,
                }
              : {},
          )[0];
        const { f, params } = withParams(mha, call, 2);
        gradcheck(f, [q, kv, ...params], TOL);
      }),
      { numRuns: 8 },
    );
  });

  test('gradcheck and gradgradcheck over random heads, head sizes, lengths and batches (kdim/vdim, padding)', () => {
    fc.assert(
      fc.property(
        fc.record({
          heads: fc.integer({ min: 1, max: 2 }),
          headDim: fc.integer({ min: 1, max: 2 }),
          n: fc.integer({ min: 1, max: 2 }),
          l: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 3 }),
          batchFirst: fc.boolean(),
          separate: fc.boolean(),
          padding: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        ({ heads, headDim, n, l, s, batchFirst, separate, padding, seed }) => {
          const rng = new Rng(seed);
          const e = heads * headDim;
          const [kdim, vdim] = separate ? [e + 1, 2] : [e, e];
          const mha = new MultiheadAttention(e, heads, { batchFirst, kdim, vdim, dtype: 'float64', rng });
          mha.in_proj_bias!.data.forEach((_, i, a) => (a[i] = rng.normal() * 0.1));
          const shape = (t: number, d: number) => (batchFirst ? [n, t, d] : [t, n, d]);
          const q = f64(shape(l, e), rng);
          const k = f64(shape(s, kdim), rng);
          const v = f64(shape(s, vdim), rng);
          // Key 0 stays visible to every query, so no row of weights is entirely masked.
          const keyPaddingMask = i32(
            Array.from({ length: n }, () => Array.from({ length: s }, (_, j) => (j > 0 && rng.random() < 0.5 ? 1 : 0))),
          );
          const { f, params } = withParams(
            mha,
            (a, b, c) => mha.forward(a, b, c, padding ? { keyPaddingMask } : {})[0],
            3,
          );
          gradcheck(f, [q, k, v, ...params], TOL);
          gradgradcheck(f, [q, k, v, ...params]);
        },
      ),
      { numRuns: 10 },
    );
  });

  test('typed errors: embedDim not divisible by numHeads, masks of the wrong shape', () => {
    expect(() => new MultiheadAttention(10, 3)).toThrow(
      /MultiheadAttention: embedDim 10 is not divisible by numHeads 3/,
    );
    expect(() => new MultiheadAttention(10, 3)).toThrow(ValueError);
    const mha = new MultiheadAttention(4, 2);
    const x = zeros([3, 2, 4]);
    expect(() => mha.forward(x, x, x, { attnMask: zeros([3, 2]) })).toThrow(
      /MultiheadAttention.forward: attnMask must be \[L, S\] = \[3,3\] or \[N·numHeads, L, S\] = \[4,3,3\], got \[3,2\]/,
    );
    expect(() => mha.forward(x, x, x, { keyPaddingMask: zeros([3, 2]) })).toThrow(
      /MultiheadAttention.forward: keyPaddingMask must be \[2,3\] \(batch × keys\), got \[3,2\]/,
    );
    expect(() => mha.forward(x, zeros([3, 5, 4]), zeros([3, 5, 4]))).toThrow(/must share the batch/);
    expect(() => mha.forward(zeros([3, 2, 5]), x, x)).toThrow(/query must be \[T, N, 4\]/);
  });
});

describe('TransformerEncoderLayer and TransformerDecoderLayer', () => {
  test("PyTorch's submodule names", () => {
    const enc = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16 });
    expect([...enc.namedParameters().keys()]).toEqual([
      'self_attn.in_proj_weight',
      'self_attn.in_proj_bias',
      'self_attn.out_proj.weight',
      'self_attn.out_proj.bias',
      'linear1.weight',
      'linear1.bias',
      'linear2.weight',
      'linear2.bias',
      'norm1.weight',
      'norm1.bias',
      'norm2.weight',
      'norm2.bias',
    ]);
    const dec = new TransformerDecoderLayer(8, 2, { dimFeedforward: 16 });
    expect([...dec.namedParameters().keys()].filter((k) => !k.startsWith('self_attn'))).toEqual([
      'multihead_attn.in_proj_weight',
      'multihead_attn.in_proj_bias',
      'multihead_attn.out_proj.weight',
      'multihead_attn.out_proj.bias',
      'linear1.weight',
      'linear1.bias',
      'linear2.weight',
      'linear2.bias',
      'norm1.weight',
      'norm1.bias',
      'norm2.weight',
      'norm2.bias',
      'norm3.weight',
      'norm3.bias',
    ]);
  });

  test('gradcheck through both layers (post- and pre-norm, relu and gelu, causal)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.boolean(),
        fc.constantFrom<'relu' | 'gelu'>('relu', 'gelu'),
        (seed, normFirst, activation) => {
          const rng = new Rng(seed);
          const opts = {
            dimFeedforward: 6,
            dropout: 0,
            normFirst,
            activation,
            batchFirst: true,
            dtype: 'float64' as const,
            rng,
          };
          const enc = new TransformerEncoderLayer(4, 2, opts);
          const x = f64([2, 3, 4], rng).mul(2);
          const e = withParams(enc, (a) => enc.forward(a, { isCausal: true }), 1);
          gradcheck(e.f, [x, ...e.params], { rtol: 1e-5, atol: 1e-7 });
          const dec = new TransformerDecoderLayer(4, 2, opts);
          const m = f64([2, 2, 4], rng);
          const d = withParams(dec, (a, b) => dec.forward(a, b, { tgtIsCausal: true }), 2);
          gradcheck(d.f, [x, m, ...d.params], { rtol: 1e-5, atol: 1e-7 });
        },
      ),
      { numRuns: 3 },
    );
  });

  test('gradgradcheck through both layers with gelu (smooth throughout) over random lengths, batches and heads', () => {
    fc.assert(
      fc.property(
        fc.record({
          heads: fc.integer({ min: 1, max: 2 }),
          n: fc.integer({ min: 1, max: 2 }),
          t: fc.integer({ min: 1, max: 3 }),
          m: fc.integer({ min: 1, max: 2 }),
          normFirst: fc.boolean(),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        ({ heads, n, t, m, normFirst, seed }) => {
          const rng = new Rng(seed);
          const opts = {
            dimFeedforward: 3,
            dropout: 0,
            normFirst,
            activation: 'gelu' as const,
            batchFirst: true,
            dtype: 'float64' as const,
            rng,
          };
          const x = f64([n, t, 2], rng).mul(2);
          const enc = new TransformerEncoderLayer(2, heads, opts);
          const e = withParams(enc, (a) => enc.forward(a, { isCausal: true }), 1);
          gradgradcheck(e.f, [x, ...e.params]);
          const dec = new TransformerDecoderLayer(2, heads, opts);
          const mem = f64([n, m, 2], rng);
          const d = withParams(dec, (a, b) => dec.forward(a, b, { tgtIsCausal: true }), 2);
          gradgradcheck(d.f, [x, mem, ...d.params]);
        },
      ),
      { numRuns: 3 },
    );
  });

  test('dropout is active in training only', () => {
    const enc = new TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.5, rng: new Rng(0) });
    const x = randn([3, 2, 8], { rng: new Rng(1) });
    expect(Array.from(enc.forward(x).data)).not.toEqual(Array.from(enc.forward(x).data));
    enc.eval();
    expect(Array.from(enc.forward(x).data)).toEqual(Array.from(enc.forward(x).data));
  });
});

const torch = pythonWith(['torch']);
(torch.ok ? test : test.skip)(
  'matches torch.nn.MultiheadAttention and the Transformer layers: outputs, weights and gradients (float64)',
  () => {
    const flat = (t: Tensor) => ({ shape: t.shape, data: Array.from(t.data) });
    const cases: {
      file: Record<string, unknown>;
      y: Tensor;
      w: Tensor | null;
      xs: Tensor[];
      m: MultiheadAttention | TransformerEncoderLayer | TransformerDecoderLayer;
    }[] = [];
    let seed = 0;
    for (const kind of ['mha', 'encoder', 'decoder'] as const) {
      for (const batchFirst of [false, true]) {
        for (const variant of [0, 1]) {
          const rng = new Rng(++seed);
          const [n, l, s, e, h] = [2, 3, 4, 8, 2];
          const opts = { batchFirst, dtype: 'float64' as const, rng };
          const normFirst = variant === 1;
          const activation = variant === 1 ? ('gelu' as const) : ('relu' as const);
          const kdim = kind === 'mha' && variant === 1 ? 5 : e;
          const m =
            kind === 'mha'
              ? new MultiheadAttention(e, h, { ...opts, kdim, vdim: kdim })
              : new (kind === 'encoder' ? TransformerEncoderLayer : TransformerDecoderLayer)(e, h, {
                  ...opts,
                  dimFeedforward: 12,
                  dropout: 0,
                  normFirst,
                  activation,
                });
          m.eval();
          for (const p of m.parameters()) p.data.forEach((_, i, a) => (a[i] = rng.normal() * 0.3));
          const shape = (t: number, f: number) => (batchFirst ? [n, t, f] : [t, n, f]);
          const xs =
            kind === 'mha'
              ? [f64(shape(l, e), rng), f64(shape(s, kdim), rng), f64(shape(s, kdim), rng)]
              : kind === 'encoder'
                ? [f64(shape(l, e), rng)]
                : [f64(shape(l, e), rng), f64(shape(s, e), rng)];
          xs.forEach((x) => (x.requiresGrad = true));
          const keys = kind === 'encoder' ? l : s;
          const keyPaddingMask = i32([
            Array.from({ length: keys }, (_, j) => (j === keys - 1 ? 1 : 0)),
            Array.from({ length: keys }, () => 0),
          ]);
          const attnMask =
            variant === 0
              ? triu(ones([l, kind === 'decoder' ? l : keys], { dtype: 'int32' }), 1)
              : f64([l, kind === 'decoder' ? l : keys], rng);
          let y: Tensor;
          let w: Tensor | null = null;
          if (m instanceof MultiheadAttention) [y, w] = m.forward(xs[0], xs[1], xs[2], { keyPaddingMask, attnMask });
          else if (m instanceof TransformerEncoderLayer)
            y = m.forward(xs[0], { srcMask: attnMask, srcKeyPaddingMask: keyPaddingMask });
          else y = m.forward(xs[0], xs[1], { tgtMask: attnMask, memoryKeyPaddingMask: keyPaddingMask });
          const gy = f64([...y.shape], rng);
          y.mul(gy).sum().backward();
          const state = Object.fromEntries([...m.stateDict()].map(([k, v]) => [k, flat(v)]));
          const maskJson = (t: Tensor) => ({ ...flat(t), bool: t.dtype === 'int32' });
          const file = {
            kind,
            dModel: e,
            nhead: h,
            batchFirst,
            ff: 12,
            activation,
            normFirst,
            kdim,
            vdim: kdim,
            state,
            inputs: xs.map(flat),
            gy: flat(gy),
            keyPaddingMask: maskJson(keyPaddingMask),
            attnMask: maskJson(attnMask),
          };
          cases.push({ file, y, w, xs, m });
        }
      }
    }
    const theirs = torchReference<
      {
        y: number[];
        w?: number[];
        gx: number[][];
        keys: string[];
        gparams: Record<string, number[]>;
      }[]
    >(
      'torch_attention.py',
      cases.map((c) => c.file),
    );
    const cmp = comparer();
    cases.forEach((c, k) => {
      const t = theirs[k];
      expect(t.keys).toEqual([...c.m.stateDict().keys()]);
      cmp.compare(c.y.data, t.y);
      if (c.w) cmp.compare(c.w.data, t.w!);
      c.xs.forEach((x, i) => cmp.compare(x.grad!.data, t.gx[i]));
      for (const [name, p] of c.m.namedParameters()) cmp.compare(p.grad!.data, t.gparams[name]);
    });
    expect(cmp.worst()).toBeLessThan(1e-10);
  },
);
