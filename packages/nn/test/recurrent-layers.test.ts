import fc from 'fast-check';
import { DTypeError, Rng, ShapeError, type Tensor, ValueError, randn, tensor, zeros } from '@tapegrad/core';
import { gradcheck, gradgradcheck } from '@tapegrad/core/testing';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '@tapegrad/nn';
import { pythonWith } from '../../onnx/test/helpers/python';
import { comparer, torchReference } from './torch-reference';

type Kind = 'RNN' | 'LSTM' | 'GRU';
const CLASSES = { RNN, LSTM, GRU };

interface Config {
  kind: Kind;
  inputSize: number;
  hidden: number;
  numLayers: number;
  bidirectional: boolean;
  batchFirst: boolean;
  bias: boolean;
  T: number;
  B: number;
  seed: number;
}

const configs = fc.record({
  kind: fc.constantFrom<Kind>('RNN', 'LSTM', 'GRU'),
  inputSize: fc.integer({ min: 1, max: 3 }),
  hidden: fc.integer({ min: 1, max: 3 }),
  numLayers: fc.integer({ min: 1, max: 2 }),
  bidirectional: fc.boolean(),
  batchFirst: fc.boolean(),
  bias: fc.boolean(),
  T: fc.integer({ min: 1, max: 4 }),
  B: fc.integer({ min: 1, max: 2 }),
  seed: fc.integer({ min: 0, max: 1e6 }),
});

function build(c: Config) {
  const layer = new CLASSES[c.kind](c.inputSize, c.hidden, {
    numLayers: c.numLayers,
    bidirectional: c.bidirectional,
    batchFirst: c.batchFirst,
    bias: c.bias,
    dtype: 'float64',
    rng: new Rng(c.seed),
  });
  const rng = new Rng(c.seed + 1);
  const ld = c.numLayers * (c.bidirectional ? 2 : 1);
  const x = randn(c.batchFirst ? [c.B, c.T, c.inputSize] : [c.T, c.B, c.inputSize], { dtype: 'float64', rng });
  const h0 = randn([ld, c.B, c.hidden], { dtype: 'float64', rng });
  const c0 = randn([ld, c.B, c.hidden], { dtype: 'float64', rng });
  return { layer, x, h0, c0, ld };
}

/** The layer as a function of (x, h0, c0, ...parameters), every output summed into one tensor. */
function asFunction(layer: RNN | LSTM | GRU) {
  const names = [...layer.namedParameters().keys()];
  return (x: Tensor, h0: Tensor, c0: Tensor, ...ps: Tensor[]): Tensor => {
    names.forEach((n, i) => ((layer as unknown as Record<string, Tensor>)[n] = ps[i]));
    if (layer instanceof LSTM) {
      const [y, [h, c]] = layer.forward(x, [h0, c0]);
      return y.sum().add(h.mul(h).sum()).add(c.mul(3).sum());
    }
    const [y, h] = (layer as RNN).forward(x, h0);
    return y.mul(y).sum().add(h.sum());
  };
}

describe('RNN, LSTM, GRU', () => {
  test("PyTorch's parameter names, order and shapes; output and final-state shapes", () => {
    const lstm = new LSTM(5, 4, { numLayers: 2, bidirectional: true });
    expect([...lstm.namedParameters()].map(([k, p]) => `${k} ${p.shape.join('x')}`)).toEqual([
      'weight_ih_l0 16x5',
      'weight_hh_l0 16x4',
      'bias_ih_l0 16',
      'bias_hh_l0 16',
      'weight_ih_l0_reverse 16x5',
      'weight_hh_l0_reverse 16x4',
      'bias_ih_l0_reverse 16',
      'bias_hh_l0_reverse 16',
      'weight_ih_l1 16x8',
      'weight_hh_l1 16x4',
      'bias_ih_l1 16',
      'bias_hh_l1 16',
      'weight_ih_l1_reverse 16x8',
      'weight_hh_l1_reverse 16x4',
      'bias_ih_l1_reverse 16',
      'bias_hh_l1_reverse 16',
    ]);
    const [y, [h, c]] = lstm.forward(zeros([7, 3, 5]));
    expect([y.shape, h.shape, c.shape]).toEqual([
      [7, 3, 8],
      [4, 3, 4],
      [4, 3, 4],
    ]);
    const gru = new GRU(5, 4, { batchFirst: true, bias: false });
    expect([...gru.namedParameters().keys()]).toEqual(['weight_ih_l0', 'weight_hh_l0']);
    expect(gru.forward(zeros([3, 7, 5]))[0].shape).toEqual([3, 7, 4]);
    // Unbatched input [T, in]: output [T, D·H], hN [L·D, H].
    const [u, uh] = new RNN(5, 4, { numLayers: 2 }).forward(zeros([7, 5]));
    expect([u.shape, uh.shape]).toEqual([
      [7, 4],
      [2, 4],
    ]);
    // PyTorch's init: every parameter in U(±1/√H).
    const bound = 1 / Math.sqrt(4);
    expect(lstm.parameters().every((p) => Array.from(p.data).every((v) => Math.abs(v) <= bound))).toBe(true);
    expect(lstm.allWeights.length).toBe(4);
    expect(String(lstm)).toBe('LSTM(5, 4, numLayers=2, bidirectional=true)');
  });

  test('gradcheck through time: x at every step (early ones included), h0, c0 and every parameter', () => {
    fc.assert(
      fc.property(configs, (c) => {
        const { layer, x, h0, c0 } = build(c);
        gradcheck(asFunction(layer), [x, h0, c0, ...layer.parameters()], { rtol: 1e-6, atol: 1e-8 });
      }),
      { numRuns: 30 },
    );
  });

  test('the gradient reaches the first step and the initial state through a long sequence', () => {
    const lstm = new LSTM(2, 3, { dtype: 'float64', rng: new Rng(4) });
    const x = randn([12, 1, 2], { dtype: 'float64', rng: new Rng(5), requiresGrad: true });
    const h0 = zeros([1, 1, 3], { dtype: 'float64', requiresGrad: true });
    const c0 = zeros([1, 1, 3], { dtype: 'float64', requiresGrad: true });
    const [y] = lstm.forward(x, [h0, c0]);
    y.slice(11).sum().backward();
    expect(Math.max(...Array.from(x.grad!.data.slice(0, 2), Math.abs))).toBeGreaterThan(0);
    expect(Math.max(...Array.from(c0.grad!.data, Math.abs))).toBeGreaterThan(0);
    gradcheck((t) => lstm.forward(t)[0].slice(11).sum(), [x], { rtol: 1e-6, atol: 1e-9 });
  });

  test('a layer of one step equals its cell', () => {
    const lstm = new LSTM(3, 4, { rng: new Rng(1), dtype: 'float64' });
    const cell = new LSTMCell(3, 4, { dtype: 'float64' });
    cell.loadStateDict(new Map([...lstm.stateDict()].map(([k, v]) => [k.replace('_l0', ''), v] as [string, Tensor])));
    const x = randn([2, 3], { dtype: 'float64', rng: new Rng(2) });
    const h = randn([2, 4], { dtype: 'float64', rng: new Rng(3) });
    const c = randn([2, 4], { dtype: 'float64', rng: new Rng(4) });
    const [y, [hN, cN]] = lstm.forward(x.reshape([1, 2, 3]), [h.reshape([1, 2, 4]), c.reshape([1, 2, 4])]);
    const [h1, c1] = cell.forward(x, [h, c]);
    expect(Array.from(y.data)).toEqual(Array.from(h1.data));
    expect(Array.from(hN.data)).toEqual(Array.from(h1.data));
    expect(Array.from(cN.data)).toEqual(Array.from(c1.data));
  });

  test("two steps of two units by hand, from PyTorch's equations: gate blocks of H rows, LSTM i,f,g,o and GRU r,z,n", () => {
    // weight_ih_l0 [G·H, in] and weight_hh_l0 [G·H, H]: row k·H + j belongs to gate k, unit j.
    const [inSize, hid] = [2, 2];
    const xs = [
      [0.5, -1],
      [1.5, 0.25],
    ];
    const h0 = [0.3, -0.6];
    const c0 = [0.8, -0.2];
    const value = (salt: number) => (r: number, c: number) => Math.sin(salt + 1.7 * r + 0.9 * c) * 0.8;
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const set = (layer: LSTM | GRU, gates: number) => {
      const p = layer as unknown as Record<string, Tensor>;
      const fill = (t: Tensor, f: (r: number, c: number) => number, cols: number) =>
        t.data.forEach((_, i, a) => (a[i] = f(Math.floor(i / cols), i % cols)));
      fill(p.weight_ih_l0, value(0), inSize);
      fill(p.weight_hh_l0, value(1), hid);
      fill(p.bias_ih_l0, value(2), 1);
      fill(p.bias_hh_l0, value(3), 1);
      // pre(k, j): the gate-k pre-activation of unit j, split into its input and hidden parts.
      return (x: number[], h: number[], k: number, j: number) => {
        const r = k * hid + j;
        let xi = value(2)(r, 0);
        let hh = value(3)(r, 0);
        for (let q = 0; q < inSize; q++) xi += value(0)(r, q) * x[q];
        for (let q = 0; q < hid; q++) hh += value(1)(r, q) * h[q];
        expect(r).toBeLessThan(gates * hid);
        return [xi, hh];
      };
    };
    const x = tensor([xs], { dtype: 'float64' }); // [B=1, T=2, in] with batchFirst
    const units = [0, 1];

    const lstm = new LSTM(inSize, hid, { batchFirst: true, dtype: 'float64' });
    const lp = set(lstm, 4);
    let [h, c] = [h0, c0];
    const lstmOut: number[] = [];
    for (const xt of xs) {
      const gate = (k: number, j: number) => lp(xt, h, k, j).reduce((a, b) => a + b);
      const cNext = units.map((j) => sig(gate(1, j)) * c[j] + sig(gate(0, j)) * Math.tanh(gate(2, j)));
      h = units.map((j) => sig(gate(3, j)) * Math.tanh(cNext[j]));
      c = cNext;
      lstmOut.push(...h);
    }
    const state = (v: number[]) => tensor([[v]], { dtype: 'float64' });
    const [y, [hN, cN]] = lstm.forward(x, [state(h0), state(c0)]);
    expect(Array.from(y.data).map((v, i) => v - lstmOut[i])).toEqual(lstmOut.map(() => expect.closeTo(0, 13)));
    expect(Array.from(hN.data).map((v, i) => v - h[i])).toEqual([expect.closeTo(0, 13), expect.closeTo(0, 13)]);
    expect(Array.from(cN.data).map((v, i) => v - c[i])).toEqual([expect.closeTo(0, 13), expect.closeTo(0, 13)]);

    const gru = new GRU(inSize, hid, { batchFirst: true, dtype: 'float64' });
    const gp = set(gru, 3);
    h = h0;
    const gruOut: number[] = [];
    for (const xt of xs) {
      const part = (k: number, j: number) => gp(xt, h, k, j);
      const r = units.map((j) => sig(part(0, j)[0] + part(0, j)[1]));
      const z = units.map((j) => sig(part(1, j)[0] + part(1, j)[1]));
      const n = units.map((j) => Math.tanh(part(2, j)[0] + r[j] * part(2, j)[1]));
      h = units.map((j) => (1 - z[j]) * n[j] + z[j] * h[j]);
      gruOut.push(...h);
    }
    const [gy, gh] = gru.forward(x, state(h0));
    expect(Array.from(gy.data).map((v, i) => v - gruOut[i])).toEqual(gruOut.map(() => expect.closeTo(0, 13)));
    expect(Array.from(gh.data).map((v, i) => v - h[i])).toEqual([expect.closeTo(0, 13), expect.closeTo(0, 13)]);
  });

  test('typed errors: swapped axes, a wrong state shape, a wrong feature size, bad options, dtypes', () => {
    const lstm = new LSTM(16, 8);
    const x = zeros([128, 7, 16]); // [B, T, in] given to a [T, B, in] layer
    expect(() => lstm.forward(x, [zeros([1, 128, 8]), zeros([1, 128, 8])])).toThrow(
      /LSTM.forward: x \[128,7,16\] looks like \[B, T, 16\] for h0 \[1,128,8\] \(batch 128\), but batchFirst is false, so x must be \[T, B, 16\]: transpose x or set batchFirst: true/,
    );
    expect(() => lstm.forward(zeros([7, 4, 16]), [zeros([1, 4, 9]), zeros([1, 4, 8])])).toThrow(
      /LSTM.forward: h0 must be \[numLayers·numDirections, B, H\] = \[1,4,8\] for x \[7,4,16\] \(batchFirst false\), got \[1,4,9\]/,
    );
    expect(() => lstm.forward(zeros([7, 4, 15]))).toThrow(
      /LSTM.forward: x must be \[T, B, 16\] \(batchFirst false\) or unbatched \[T, 16\], got \[7,4,15\]/,
    );
    expect(() => new GRU(4, 4, { batchFirst: true }).forward(zeros([7, 3, 4]), zeros([1, 3, 4]))).toThrow(
      /looks like \[T, B, 4\].*but batchFirst is true/,
    );
    expect(() => new RNN(4, 4).forward(zeros([2, 3, 4]), zeros([2, 3, 4]))).toThrow(ShapeError);
    expect(() => lstm.forward(zeros([2, 3, 16], { dtype: 'float64' }))).toThrow(DTypeError);
    expect(() => new LSTM(4, 4, { numLayers: 0 })).toThrow(ValueError);
    expect(() => new LSTM(4, 4, { dropout: 1 })).toThrow(/LSTM: dropout must be a finite number ≥ 0 and < 1/);
    expect(() => new LSTM(4, 4, { batch_first: true } as never)).toThrow(/unknown option 'batch_first'/);
    expect(() => new RNN(4, 4, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow(/nonlinearity must be one of/);
    expect(() => new LSTMCell(4, 4).forward(zeros([2, 4]), [zeros([3, 4]), zeros([2, 4])])).toThrow(
      /LSTMCell.forward: h must be \[2,4\] for x \[2,4\], got \[3,4\]/,
    );
  });

  test('dropout between layers in training only', () => {
    const lstm = new LSTM(3, 4, { numLayers: 2, dropout: 0.5, rng: new Rng(0) });
    const x = randn([5, 2, 3], { rng: new Rng(1) });
    const a = lstm.forward(x)[0].data;
    expect(Array.from(lstm.forward(x)[0].data)).not.toEqual(Array.from(a));
    lstm.eval();
    expect(Array.from(lstm.forward(x)[0].data)).toEqual(Array.from(lstm.forward(x)[0].data));
  });
});

describe('cells', () => {
  test('gradcheck for RNNCell (tanh, relu), LSTMCell and GRUCell over random sizes, batched and unbatched; gradgradcheck for the smooth ones', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 0, max: 1e6 }),
          unbatched: fc.boolean(),
          batch: fc.integer({ min: 1, max: 3 }),
          inSize: fc.integer({ min: 1, max: 3 }),
          hidden: fc.integer({ min: 1, max: 3 }),
        }),
        ({ seed, unbatched, batch, inSize, hidden }) => {
          const rng = new Rng(seed);
          const lead = unbatched ? [] : [batch];
          const x = randn([...lead, inSize], { dtype: 'float64', rng });
          const h = randn([...lead, hidden], { dtype: 'float64', rng });
          const c = randn([...lead, hidden], { dtype: 'float64', rng });
          const opts = { dtype: 'float64' as const, rng };
          const rnn = new RNNCell(inSize, hidden, opts);
          const relu = new RNNCell(inSize, hidden, { ...opts, nonlinearity: 'relu' });
          const lstm = new LSTMCell(inSize, hidden, opts);
          const gru = new GRUCell(inSize, hidden, opts);
          const tol = { rtol: 1e-6, atol: 1e-8 };
          const lstmF = (a: Tensor, b: Tensor, d: Tensor) =>
            lstm.forward(a, [b, d]).reduce((s, t) => s.add(t.mul(t).sum()), zeros([], { dtype: 'float64' }));
          gradcheck((a, b) => rnn.forward(a, b), [x, h], tol);
          gradcheck((a, b) => relu.forward(a, b).mul(a.sum()), [x, h], tol);
          gradcheck(lstmF, [x, h, c], tol);
          gradcheck((a, b) => gru.forward(a, b), [x, h], tol);
          gradgradcheck((a, b) => rnn.forward(a, b), [x, h]);
          gradgradcheck(lstmF, [x, h, c]);
          gradgradcheck((a, b) => gru.forward(a, b).mul(a.sum()), [x, h]);
        },
      ),
      { numRuns: 20 },
    );
  });
});

const torch = pythonWith(['torch']);
(torch.ok ? test : test.skip)(
  'matches torch.nn.RNN / LSTM / GRU: outputs, final states and every gradient (float64)',
  () => {
    const cases = fc.sample(configs, { numRuns: 24, seed: 7 });
    const flat = (t: Tensor) => ({ shape: t.shape, data: Array.from(t.data) });
    const ours = cases.map((c) => {
      const { layer, x, h0, c0 } = build(c);
      const rng = new Rng(c.seed + 2);
      const params = Object.fromEntries([...layer.namedParameters()].map(([k, p]) => [k, flat(p)]));
      [x, h0, c0].forEach((t) => (t.requiresGrad = true));
      let y: Tensor;
      let hN: Tensor;
      let cN: Tensor | null = null;
      if (layer instanceof LSTM) [y, [hN, cN]] = layer.forward(x, [h0, c0]);
      else [y, hN] = (layer as RNN).forward(x, h0);
      const gy = randn(y.shape, { dtype: 'float64', rng });
      const ghN = randn(hN.shape, { dtype: 'float64', rng });
      const gcN = randn(hN.shape, { dtype: 'float64', rng });
      let loss = y.mul(gy).sum().add(hN.mul(ghN).sum());
      if (cN) loss = loss.add(cN.mul(gcN).sum());
      loss.backward();
      const file = {
        ...c,
        params,
        x: flat(x),
        h0: flat(h0),
        c0: flat(c0),
        gy: flat(gy),
        ghN: flat(ghN),
        gcN: flat(gcN),
      };
      return { file, layer, y, hN, cN, x, h0, c0 };
    });
    const theirs = torchReference<Record<string, unknown>[]>(
      'torch_recurrent.py',
      ours.map((o) => o.file),
    );
    const cmp = comparer();
    ours.forEach((o, k) => {
      const t = theirs[k] as Record<string, number[]> & { names: string[]; gparams: Record<string, number[]> };
      expect(t.names).toEqual([...o.layer.namedParameters().keys()]);
      cmp.compare(o.y.data, t.y);
      cmp.compare(o.hN.data, t.hN);
      cmp.compare(o.x.grad!.data, t.gx);
      cmp.compare(o.h0.grad?.data ?? new Float64Array(t.gh0.length), t.gh0);
      if (o.cN) {
        cmp.compare(o.cN.data, t.cN);
        cmp.compare(o.c0.grad!.data, t.gc0);
      }
      for (const [name, p] of o.layer.namedParameters()) cmp.compare(p.grad!.data, t.gparams[name]);
    });
    expect(cmp.worst()).toBeLessThan(1e-12);
  },
);

test('second derivatives through time (gradgradcheck) for small RNN, LSTM and GRU layers', () => {
  fc.assert(
    fc.property(configs, (c) => {
      const small = { ...c, numLayers: 1, T: Math.min(c.T, 3), inputSize: 2, hidden: 2 };
      const { layer, x, h0, c0 } = build(small);
      gradgradcheck(asFunction(layer), [x, h0, c0, ...layer.parameters()]);
    }),
    { numRuns: 8 },
  );
});
