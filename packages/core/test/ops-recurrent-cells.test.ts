import fc from 'fast-check';
import {
  DTypeError,
  Rng,
  ShapeError,
  type Tensor,
  gruCell,
  lstmCell,
  lstmSequence,
  randn,
  tensor,
  zeros,
} from '@tapegrad/core';
import { gradcheck, gradgradcheck } from '@tapegrad/core/testing';
import { gruCellComposite } from '../src/ops/gru-cell';
import { lstmCellComposite } from '../src/ops/lstm-cell';
import { lstmSequenceComposite } from '../src/ops/lstm-sequence';

const TOL = { rtol: 1e-6, atol: 1e-8 };
const f64 = (v: number[] | number[][] | number[][][]) => tensor(v, { dtype: 'float64' });

type Cell = 'lstm' | 'gru';
const GATES: Record<Cell, number> = { lstm: 4, gru: 3 };

/** Random operands of one cell step: x, the state, w_ih, w_hh, b_ih, b_hh (all float64). */
function operands(cell: Cell, batch: number, inSize: number, hidden: number, seed: number, bias: boolean): Tensor[] {
  const rng = new Rng(seed);
  const g = GATES[cell] * hidden;
  const r = (shape: number[], scale = 1) => randn(shape, { dtype: 'float64', rng }).mul(scale);
  const state = cell === 'lstm' ? r([2, batch, hidden]) : r([batch, hidden]);
  const ws = [r([batch, inSize]), state, r([g, inSize], 0.7), r([g, hidden], 0.7)];
  return bias ? [...ws, r([g], 0.5), r([g], 0.5)] : ws;
}

const dims = fc.record({
  cell: fc.constantFrom<Cell>('lstm', 'gru'),
  batch: fc.integer({ min: 1, max: 3 }),
  inSize: fc.integer({ min: 1, max: 3 }),
  hidden: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 1e6 }),
  bias: fc.boolean(),
});

const fused = (cell: Cell) => (cell === 'lstm' ? lstmCell : gruCell) as (...xs: Tensor[]) => Tensor;
const composite = (cell: Cell) =>
  (cell === 'lstm' ? lstmCellComposite : gruCellComposite) as (...xs: Tensor[]) => Tensor;

describe('lstmCell and gruCell', () => {
  test('gradcheck (the fused kernel rule) and gradgradcheck (createGraph: the composite rule), every input', () => {
    fc.assert(
      fc.property(dims, ({ cell, batch, inSize, hidden, seed, bias }) => {
        const xs = operands(cell, batch, inSize, hidden, seed, bias);
        gradcheck(fused(cell), xs, TOL);
        gradgradcheck(fused(cell), xs);
      }),
      { numRuns: 40 },
    );
  });

  test('gradgradcheck through two chained steps sharing their weights (a rule gives partial derivatives)', () => {
    fc.assert(
      fc.property(dims, ({ cell, batch, inSize, hidden, seed, bias }) => {
        const [x, s, ...ws] = operands(cell, batch, inSize, hidden, seed, bias);
        const x2 = x.mul(-0.5);
        const f = (a: Tensor, b: Tensor, st: Tensor, ...p: Tensor[]) => fused(cell)(b, fused(cell)(a, st, ...p), ...p);
        gradgradcheck(f, [x, x2, s, ...ws]);
      }),
      { numRuns: 15 },
    );
  });

  test('the fused op equals its composite definition, forward and backward (float64)', () => {
    fc.assert(
      fc.property(dims, ({ cell, batch, inSize, hidden, seed, bias }) => {
        const grads = (f: (...xs: Tensor[]) => Tensor) => {
          const xs = operands(cell, batch, inSize, hidden, seed, bias);
          xs.forEach((x) => (x.requiresGrad = true));
          const y = f(...xs);
          y.mul(randn(y.shape, { dtype: 'float64', rng: new Rng(seed + 1) }))
            .sum()
            .backward();
          return [y, ...xs.map((x) => x.grad!)].map((t) => Array.from(t.data));
        };
        const a = grads(fused(cell));
        const b = grads(composite(cell));
        const worst = a.map((v, k) =>
          v.reduce((m, e, i) => Math.max(m, Math.abs(e - b[k][i]) / (1 + Math.abs(b[k][i]))), 0),
        );
        expect(Math.max(...worst)).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 40 },
    );
  });

  test('float32 (the WASM SIMD gates above their size threshold) matches the float64 reference within 1e-4 relative', () => {
    fc.assert(
      fc.property(
        fc.record({
          cell: fc.constantFrom<Cell>('lstm', 'gru'),
          batch: fc.integer({ min: 1, max: 40 }),
          inSize: fc.integer({ min: 1, max: 9 }),
          hidden: fc.integer({ min: 1, max: 40 }),
          seed: fc.integer({ min: 0, max: 1e6 }),
        }),
        ({ cell, batch, inSize, hidden, seed }) => {
          const run = (dtype: 'float32' | 'float64') => {
            const xs = operands(cell, batch, inSize, hidden, seed, true).map((t) => {
              const c = t.astype(dtype);
              c.requiresGrad = true;
              return c;
            });
            const y = fused(cell)(...xs);
            y.mul(randn(y.shape, { dtype, rng: new Rng(seed + 1) }))
              .sum()
              .backward();
            return [y, ...xs.map((x) => x.grad!)];
          };
          const lo = run('float32');
          const hi = run('float64');
          // Relative to each tensor's scale: a sum of products loses relative accuracy where it cancels.
          const worst = lo.map((t, k) => {
            const ref = hi[k].data;
            const scale = Math.max(...Array.from(ref, Math.abs), 1e-3);
            return Array.from(t.data).reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]) / scale), 0);
          });
          expect(Math.max(...worst)).toBeLessThanOrEqual(1e-4);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('one LSTM step by hand: gate order i, f, g, o (values from torch.nn.LSTMCell in float64)', () => {
    // x = 1, h = 0.5, c = 2; W_ih = [.1 .2 .3 .4]ᵀ, W_hh = [.5 .6 .7 .8]ᵀ, b_ih = [.01 .02 .03 .04], b_hh = 0:
    // pre-activations i .36, f .52, g .68, o .84; c' = σ(.52)·2 + σ(.36)·tanh(.68); h' = σ(.84)·tanh(c').
    const s = lstmCell(
      f64([[1]]),
      f64([[[0.5]], [[2]]]),
      f64([[0.1], [0.2], [0.3], [0.4]]),
      f64([[0.5], [0.6], [0.7], [0.8]]),
      f64([0.01, 0.02, 0.03, 0.04]),
      f64([0, 0, 0, 0]),
    );
    const [h, c] = Array.from(s.data);
    expect(h).toBeCloseTo(0.6440391428431693, 14);
    expect(c).toBeCloseTo(1.6027243740656676, 14);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    expect(c).toBeCloseTo(sig(0.52) * 2 + sig(0.36) * Math.tanh(0.68), 14);
    expect(h).toBeCloseTo(sig(0.84) * Math.tanh(c), 14);
  });

  test('one GRU step by hand: gate order r, z, n, and r gating only the hidden part of n (torch.nn.GRUCell)', () => {
    // x = 1, h = 0.5; W_ih = [.1 .2 .3]ᵀ, W_hh = [.5 .6 .7]ᵀ, b_ih = [.01 .02 .03], b_hh = [0 0 .05]:
    // r = σ(.36), z = σ(.52), n = tanh(.33 + r·(.35 + .05)), h' = (1 − z)·n + z·0.5.
    const y = gruCell(
      f64([[1]]),
      f64([[0.5]]),
      f64([[0.1], [0.2], [0.3]]),
      f64([[0.5], [0.6], [0.7]]),
      f64([0.01, 0.02, 0.03]),
      f64([0, 0, 0.05]),
    ).item();
    expect(y).toBeCloseTo(0.5045236317419857, 14);
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const n = Math.tanh(0.33 + sig(0.36) * 0.4);
    expect(y).toBeCloseTo((1 - sig(0.52)) * n + sig(0.52) * 0.5, 14);
  });

  test('typed errors name the op and the shapes', () => {
    const x = zeros([2, 3]);
    const w = zeros([8, 3]);
    const u = zeros([8, 2]);
    expect(() => lstmCell(x, zeros([2, 2, 3]), w, u)).toThrow(
      /lstmCell: state must be \[2, B, H\] = \[2,2,2\] \(h and c for x \[2,3\]\), got \[2,2,3\]/,
    );
    expect(() => lstmCell(x, zeros([2, 2, 2]), zeros([8, 4]), u)).toThrow(ShapeError);
    expect(() => lstmCell(x, zeros([2, 2, 2]), w, u, zeros([8]), null)).toThrow(/give both biases or neither/);
    expect(() => lstmCell(x, zeros([2, 2, 2], { dtype: 'float64' }), w, u)).toThrow(DTypeError);
    expect(() => gruCell(x, zeros([3, 2]), zeros([6, 3]), zeros([6, 2]))).toThrow(
      /gruCell: h must be \[B, H\] = \[2,2\] for x \[2,3\], got \[3,2\]/,
    );
  });
});

describe('lstmSequence', () => {
  const seqDims = fc.record({
    steps: fc.integer({ min: 0, max: 4 }),
    batch: fc.integer({ min: 1, max: 3 }),
    inSize: fc.integer({ min: 1, max: 3 }),
    hidden: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
    bias: fc.boolean(),
  });
  const seqOperands = ({
    steps,
    batch,
    inSize,
    hidden,
    seed,
    bias,
  }: {
    steps: number;
    batch: number;
    inSize: number;
    hidden: number;
    seed: number;
    bias: boolean;
  }) => {
    const [, s, ...ws] = operands('lstm', batch, inSize, hidden, seed, bias);
    return [randn([steps, batch, inSize], { dtype: 'float64', rng: new Rng(seed + 7) }), s, ...ws];
  };
  const run = lstmSequence as (...xs: Tensor[]) => Tensor;

  test('gradcheck (fused backward through time) and gradgradcheck (composite), every input', () => {
    fc.assert(
      fc.property(seqDims, (d) => {
        const xs = seqOperands(d);
        gradcheck(run, xs, TOL);
        if (d.steps <= 3) gradgradcheck(run, xs);
      }),
      { numRuns: 30 },
    );
  });

  test('equals the loop of steps (its composite), forward and backward; states [2, T+1, B, H] start with the initial state', () => {
    fc.assert(
      fc.property(seqDims, (d) => {
        const grads = (f: (...xs: Tensor[]) => Tensor) => {
          const xs = seqOperands(d);
          xs.forEach((x) => (x.requiresGrad = true));
          const y = f(...xs);
          y.mul(randn(y.shape, { dtype: 'float64', rng: new Rng(d.seed + 1) }))
            .sum()
            .backward();
          // With no steps the composite never reads x: no gradient, where the fused op gives zeros.
          return [y, ...xs.map((x) => x.grad ?? zeros(x.shape, { dtype: 'float64' }))].map((t) => Array.from(t.data));
        };
        const a = grads(run);
        const b = grads(lstmSequenceComposite as (...xs: Tensor[]) => Tensor);
        const worst = a.map((v, k) =>
          v.reduce((m, e, i) => Math.max(m, Math.abs(e - b[k][i]) / (1 + Math.abs(b[k][i]))), 0),
        );
        expect(Math.max(...worst)).toBeLessThanOrEqual(1e-12);
        const xs = seqOperands(d);
        const y = run(...xs);
        expect(y.shape).toEqual([2, d.steps + 1, d.batch, d.hidden]);
        expect(Array.from(y.slice(0, 0).data)).toEqual(Array.from(xs[1].slice(0).data));
      }),
      { numRuns: 30 },
    );
  });

  test('float32 matches the float64 reference within 1e-4 relative (B and H up to 40, T up to 6)', () => {
    fc.assert(
      fc.property(
        fc.record({
          steps: fc.integer({ min: 1, max: 6 }),
          batch: fc.integer({ min: 1, max: 40 }),
          inSize: fc.integer({ min: 1, max: 9 }),
          hidden: fc.integer({ min: 1, max: 40 }),
          seed: fc.integer({ min: 0, max: 1e6 }),
          bias: fc.constant(true),
        }),
        (d) => {
          const go = (dtype: 'float32' | 'float64') => {
            const xs = seqOperands(d).map((t) => {
              const c = t.astype(dtype);
              c.requiresGrad = true;
              return c;
            });
            const y = run(...xs);
            y.mul(randn(y.shape, { dtype, rng: new Rng(d.seed + 1) }))
              .sum()
              .backward();
            return [y, ...xs.map((x) => x.grad!)];
          };
          const lo = go('float32');
          const hi = go('float64');
          const worst = lo.map((t, k) => {
            const ref = hi[k].data;
            const scale = Math.max(...Array.from(ref, Math.abs), 1e-3);
            return Array.from(t.data).reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i]) / scale), 0);
          });
          expect(Math.max(...worst)).toBeLessThanOrEqual(1e-4);
        },
      ),
      { numRuns: 25 },
    );
  });

  test('typed errors', () => {
    expect(() => lstmSequence(zeros([3, 2, 4]), zeros([2, 2, 3]), zeros([8, 4]), zeros([8, 2]))).toThrow(
      /lstmSequence: state0 must be \[2, B, H\] = \[2,2,2\] \(h and c for x \[3,2,4\]\), got \[2,2,3\]/,
    );
    expect(() => lstmSequence(zeros([2, 4]), zeros([2, 2, 2]), zeros([8, 4]), zeros([8, 2]))).toThrow(ShapeError);
  });
});
