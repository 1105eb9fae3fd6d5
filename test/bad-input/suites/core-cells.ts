import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { Tensor, tensor } from '@tapegrad/core';
import { type Entry, type Param, entry } from '../cases';
import { type Nd, matmul2, nd } from '../reference';
import { make, ref } from './core-kit';

// oneHot, bmm, embedding, the recurrent cells and lstmSequence, copy_: valid arguments against
// the float64 reference (the cells' equations written out), junk in each argument.

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const row = (t: Nd, i: number, n: number): number[] => t.data.slice(i * n, (i + 1) * n);
/** x·Wᵀ + b for one row x. */
const affine = (x: number[], w: Nd, b: Nd | null): number[] =>
  Array.from({ length: w.shape[0] }, (_, g) =>
    x.reduce((s, v, k) => s + v * w.data[g * x.length + k], b === null ? 0 : b.data[g]),
  );

/** One LSTM step for one batch row: [h', c']. */
function lstmRow(x: number[], h: number[], c: number[], w: Nd[], b: (Nd | null)[]): [number[], number[]] {
  const a = affine(x, w[0], b[0]).map((v, g) => v + affine(h, w[1], b[1])[g]);
  const n = h.length;
  const c2 = c.map((cv, j) => sigmoid(a[n + j]) * cv + sigmoid(a[j]) * Math.tanh(a[2 * n + j]));
  return [c2.map((cv, j) => sigmoid(a[3 * n + j]) * Math.tanh(cv)), c2];
}

/** One GRU step for one batch row. */
function gruRow(x: number[], h: number[], w: Nd[], b: (Nd | null)[]): number[] {
  const [xi, hh] = [affine(x, w[0], b[0]), affine(h, w[1], b[1])];
  const n = h.length;
  return h.map((hv, j) => {
    const r = sigmoid(xi[j] + hh[j]);
    const z = sigmoid(xi[n + j] + hh[n + j]);
    const m = Math.tanh(xi[2 * n + j] + r * hh[2 * n + j]);
    return (1 - z) * m + z * hv;
  });
}

interface Cell {
  x: Tensor;
  state: Tensor;
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
}

/** A cell's operands (float64) for `gates` gates; x has `steps` leading steps when given. */
const arbCell = (gates: number, stateShape: (b: number, h: number) => number[], steps = 0): fc.Arbitrary<Cell> =>
  fc
    .record({
      b: fc.integer({ min: 1, max: 2 }),
      i: fc.integer({ min: 1, max: 3 }),
      h: fc.integer({ min: 1, max: 2 }),
      t: fc.integer({ min: 1, max: 3 }),
      seed: fc.nat(),
      bias: fc.boolean(),
    })
    .map(({ b, i, h, t, seed, bias }) => ({
      x: make(steps ? [t, b, i] : [b, i], seed, 'float64', -1, 1),
      state: make(stateShape(b, h), seed + 1, 'float64', -1, 1),
      wIh: make([gates * h, i], seed + 2, 'float64', -1, 1),
      wHh: make([gates * h, h], seed + 3, 'float64', -1, 1),
      bIh: bias ? make([gates * h], seed + 4, 'float64', -1, 1) : null,
      bHh: bias ? make([gates * h], seed + 5, 'float64', -1, 1) : null,
    }));
const cellArgs = ({
  x,
  state,
  wIh,
  wHh,
  bIh,
  bHh,
}: Cell): [Tensor, Tensor, Tensor, Tensor, Tensor | null, Tensor | null] => [x, state, wIh, wHh, bIh, bHh];

const TENSOR_JUNK = fc.constantFrom<unknown>(
  null,
  5,
  '3',
  {},
  [1, 2],
  tensor([1, 2], { dtype: 'int32' }),
  tg.zeros([4, 4, 4]),
);
const cellParams = (state: string): Param[] => [
  { name: 'x', junk: TENSOR_JUNK },
  { name: state, junk: TENSOR_JUNK },
  { name: 'wIh', junk: TENSOR_JUNK },
  { name: 'wHh', junk: TENSOR_JUNK },
  { name: 'bIh', aliases: ['biases'], junk: fc.constantFrom<unknown>(5, '3', {}, tensor([1, 2]), tensor([[1]])) },
  { name: 'bHh', aliases: ['biases'], junk: fc.constantFrom<unknown>(5, '3', {}, tensor([1, 2]), tensor([[1]])) },
];

const unpack = (t: Tensor | null): Nd | null => (t === null ? null : ref(t));

export const CELL_ENTRIES: Entry[] = [
  entry({
    fn: 'oneHot',
    params: [
      {
        name: 'indices',
        aliases: ['index'],
        junk: fc.constantFrom<unknown>(null, 5, [1, 2], tensor([0.5, 1]), tensor([-1, 0], { dtype: 'int32' })),
      },
      { name: 'numClasses', aliases: ['classes'], junk: fc.constantFrom<unknown>(0, -2, 1.5, NaN, '3', {}, 1) },
      {
        name: 'options',
        aliases: ['option', 'dtype'],
        junk: fc.constantFrom<unknown>(5, 'x', { dtype: 'int8' }, { bogus: 1 }),
      },
    ],
    valid: fc
      .record({ n: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 4, max: 5 }), seed: fc.nat() })
      .map(({ n, c, seed }) => {
        const idx = Array.from({ length: n }, (_, i) => (seed + i * 7) % c);
        return [tensor(idx, { dtype: 'int32' }), c, { dtype: 'float64' }] as [Tensor, number, unknown];
      }),
    call: (idx, c, o) => tg.oneHot(idx, c, o as never),
    reference: (idx, c) =>
      nd(
        [idx.size, c],
        Array.from({ length: idx.size * c }, (_, k) => (idx.data[Math.floor(k / c)] === k % c ? 1 : 0)),
      ),
    accepts: (i, v) => i === 2 && v === undefined,
  }),
  entry({
    fn: 'bmm',
    params: [
      { name: 'a', junk: TENSOR_JUNK },
      { name: 'b', junk: TENSOR_JUNK },
    ],
    valid: fc
      .record({
        n: fc.integer({ min: 1, max: 3 }),
        m: fc.integer({ min: 1, max: 3 }),
        k: fc.integer({ min: 1, max: 3 }),
        seed: fc.nat(),
      })
      .map(
        ({ n, m, k, seed }) =>
          [make([n, m, k], seed, 'float64'), make([n, k, 2], seed + 1, 'float64')] as [Tensor, Tensor],
      ),
    call: (a, b) => tg.bmm(a, b),
    reference: (a, b) => {
      const [n, m, k] = a.shape;
      const out = Array.from(
        { length: n },
        (_, i) => matmul2(nd([m, k], row(ref(a), i, m * k)), nd([k, 2], row(ref(b), i, k * 2))).data,
      );
      return nd([n, m, 2], out.flat());
    },
  }),
  entry({
    fn: 'embedding',
    params: [
      {
        name: 'indices',
        aliases: ['index'],
        junk: fc.constantFrom<unknown>(
          null,
          5,
          [0],
          tensor([0.5]),
          tensor([9], { dtype: 'int32' }),
          tensor([-1], { dtype: 'int32' }),
        ),
      },
      {
        name: 'weight',
        junk: fc.constantFrom<unknown>(null, 5, {}, tensor([1, 2]), tensor([[1]], { dtype: 'int32' })),
      },
      {
        name: 'options',
        aliases: ['option', 'paddingIdx'],
        junk: fc.constantFrom<unknown>(5, 'x', { paddingIdx: 9 }, { paddingIdx: 0.5 }, { bogus: 1 }),
      },
    ],
    valid: fc.record({ n: fc.integer({ min: 1, max: 4 }), seed: fc.nat() }).map(
      ({ n, seed }) =>
        [
          tensor(
            Array.from({ length: n }, (_, i) => (seed + i) % 3),
            { dtype: 'int32' },
          ),
          make([3, 2], seed, 'float64'),
          { paddingIdx: seed % 2 === 0 ? null : -1 },
        ] as [Tensor, Tensor, unknown],
    ),
    call: (idx, w, o) => tg.embedding(idx, w, o as never),
    reference: (idx, w) =>
      nd(
        [idx.size, 2],
        Array.from(idx.data).flatMap((i) => row(ref(w), i, 2)),
      ),
    accepts: (i, v) => i === 2 && v === undefined,
  }),
  entry({
    fn: 'lstmCell',
    params: cellParams('state'),
    valid: arbCell(4, (b, h) => [2, b, h]).map(cellArgs),
    call: (...a) => tg.lstmCell(...a),
    reference: (x, s, wIh, wHh, bIh, bHh) => {
      const [b, h] = s.shape.slice(1);
      const i = x.shape[1];
      const rows = Array.from({ length: b }, (_, r) =>
        lstmRow(
          row(ref(x), r, i),
          row(ref(s), r, h),
          row(ref(s), b + r, h),
          [ref(wIh), ref(wHh)],
          [unpack(bIh), unpack(bHh)],
        ),
      );
      return nd(s.shape, [...rows.flatMap((r) => r[0]), ...rows.flatMap((r) => r[1])]);
    },
    accepts: (i, v, a) => i >= 4 && (v === undefined || v === null) && a[4] === a[5],
  }),
  entry({
    fn: 'gruCell',
    params: cellParams('h'),
    valid: arbCell(3, (b, h) => [b, h]).map(cellArgs),
    call: (...a) => tg.gruCell(...a),
    reference: (x, h, wIh, wHh, bIh, bHh) => {
      const [b, n] = h.shape;
      const i = x.shape[1];
      return nd(
        h.shape,
        Array.from({ length: b }, (_, r) =>
          gruRow(row(ref(x), r, i), row(ref(h), r, n), [ref(wIh), ref(wHh)], [unpack(bIh), unpack(bHh)]),
        ).flat(),
      );
    },
    accepts: (i, v, a) => i >= 4 && (v === undefined || v === null) && a[4] === a[5],
  }),
  entry({
    fn: 'lstmSequence',
    params: cellParams('state0'),
    valid: arbCell(4, (b, h) => [2, b, h], 1).map(cellArgs),
    call: (...a) => tg.lstmSequence(...a),
    reference: (x, s, wIh, wHh, bIh, bHh) => {
      const [t, b, i] = x.shape;
      const n = s.shape[2];
      let hs = Array.from({ length: b }, (_, r) => row(ref(s), r, n));
      let cs = Array.from({ length: b }, (_, r) => row(ref(s), b + r, n));
      const [allH, allC] = [[hs.flat()], [cs.flat()]];
      for (let step = 0; step < t; step++) {
        const rows = hs.map((hr, r) =>
          lstmRow(row(ref(x), step * b + r, i), hr, cs[r], [ref(wIh), ref(wHh)], [unpack(bIh), unpack(bHh)]),
        );
        hs = rows.map((r) => r[0]);
        cs = rows.map((r) => r[1]);
        allH.push(hs.flat());
        allC.push(cs.flat());
      }
      return nd([2, t + 1, b, n], [...allH.flat(), ...allC.flat()]);
    },
    accepts: (i, v, a) => i >= 4 && (v === undefined || v === null) && a[4] === a[5],
  }),
  entry({
    fn: 'copy_',
    params: [
      { name: 'src', junk: fc.constantFrom<unknown>(null, '1', {}, [1, 2], tensor([1, 2, 3]), tensor([[1, 2]]), NaN) },
    ],
    valid: fc.nat().map((s) => [make([2], s, 'float64')] as [unknown]),
    call: (src) => tg.zeros([2], { dtype: 'float64' }).copy_(src as never),
    reference: (src) => ref(src as Tensor),
    // A number fills, NaN included (as PyTorch's copy_ of a scalar).
    accepts: (_i, v) => typeof v === 'number',
  }),
];
