import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { Tensor, tensor } from '@tapegrad/core';
import { type Entry, entry } from '../cases';
import { type Nd, alongAxis, axesOf, elementwise, nd, pick, reduce, sliceRange, transposeNd } from '../reference';
import { AXIS, JUNK, X, XA, arbAxis, arbAxisArg, arbFloat, arbX, fn, make, ref, sum } from './core-kit';
import { CELL_ENTRIES } from './core-cells';

// The element-wise, reducing and structural ops of #15/#16 (sin … maskedFill), with valid
// arguments checked against the float64 reference and junk in each argument.

/** erf to 1.2e-7 (Numerical Recipes' erfc by Chebyshev fit). */
export function erfRef(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = 1 - t * Math.exp(poly);
  return x >= 0 ? r : -r;
}

const geluRef = (v: number, approximate: string): number =>
  approximate === 'tanh'
    ? 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))
    : 0.5 * v * (1 + erfRef(v / Math.SQRT2));

const unaryRefs: [string, (v: number) => number][] = [
  ['sin', Math.sin],
  ['cos', Math.cos],
  ['erf', erfRef],
  ['logSigmoid', (v) => -Math.log1p(Math.exp(-v))],
];

const normAxis = (axis: number, ndim: number): number => (axis < 0 ? axis + Math.max(ndim, 1) : axis);

/** The triangle of the last two axes (k counts diagonals above the main one). */
const triangleRef = (x: Tensor, k: number, upper: boolean): Nd => {
  const [r, c] = x.shape.slice(-2);
  return nd(
    x.shape,
    Array.from(x.data).map((v, i) => {
      const [row, col] = [Math.floor(i / c) % r, i % c];
      return (upper ? col - row >= k : col - row <= k) ? v : 0;
    }),
  );
};

const DIAGONAL = { name: 'diagonal', junk: fc.constantFrom<unknown>(0.5, NaN, '1', null, {}, Infinity) };
const VAR_OPTIONS = {
  name: 'options',
  aliases: ['option', 'correction', 'keepdims'],
  junk: fc.constantFrom<unknown>(5, 'x', [], { bogus: 1 }, { correction: -1 }, { correction: NaN }, { keepdims: 'y' }),
};

export const SEQ_ENTRIES: Entry[] = [
  ...unaryRefs.map(([name, f]) =>
    entry({
      fn: name,
      params: [X],
      valid: arbX.map((x) => [x] as [Tensor]),
      call: (x) => fn((tg as Record<string, unknown>)[name])(x),
      reference: (x) => elementwise(f, ref(x)),
    }),
  ),
  entry({
    fn: 'gelu',
    params: [X, { name: 'approximate', junk: fc.constantFrom<unknown>('erf', 'Tanh', null, 1, {}, true) }],
    valid: fc.tuple(arbX, fc.constantFrom('none', 'tanh')),
    call: (x, a) => tg.gelu(x, a as never),
    reference: (x, a) => elementwise((v) => geluRef(v, a), ref(x)),
  }),
  entry({
    fn: 'softplus',
    params: [
      X,
      { name: 'beta', junk: fc.constantFrom<unknown>(0, -1, NaN, Infinity, '1', null, {}) },
      { name: 'threshold', junk: fc.constantFrom<unknown>(NaN, '20', null, {}, []) },
    ],
    valid: fc.tuple(arbX, fc.constantFrom(1, 0.5, 2), fc.constantFrom(20, 1)),
    call: (x, beta, threshold) => tg.softplus(x, beta, threshold),
    reference: (x, beta, threshold) =>
      elementwise((v) => (beta * v > threshold ? v : Math.log1p(Math.exp(beta * v)) / beta), ref(x)),
  }),
  ...(['var', 'std'] as const).map((name) =>
    entry({
      fn: name,
      params: [X, AXIS, VAR_OPTIONS],
      valid: arbX.chain((x) =>
        fc.tuple(
          fc.constant(x),
          arbAxisArg(x),
          fc.record({ correction: fc.constantFrom(0, 1, 0.5), keepdims: fc.boolean() }),
        ),
      ),
      call: (x, axis, o) => tg[name](x, axis, o),
      reference: (x, axis, o) =>
        reduce(ref(x), axesOf(axis, x.ndim), o.keepdims, (vs) => {
          const m = sum(vs) / vs.length;
          const v = sum(vs.map((u) => (u - m) ** 2)) / (vs.length - o.correction);
          const r = vs.length - o.correction <= 0 ? NaN : v;
          return name === 'std' ? Math.sqrt(r) : r;
        }),
      accepts: (i, v) => (i === 1 && (v === undefined || v === null)) || (i === 2 && v === null),
    }),
  ),
  ...(['maximum', 'minimum'] as const).map((name) =>
    entry({
      fn: name,
      params: [
        { name: 'a', junk: JUNK.number },
        { name: 'b', junk: JUNK.number },
      ],
      valid: arbX.chain((a) =>
        fc.oneof(
          fc.tuple(
            fc.constant<Tensor | number>(a),
            fc.nat().map((s): Tensor | number => make([...a.shape], s, 'float64')),
          ),
          fc.tuple(fc.constant<Tensor | number>(a), fc.constant<Tensor | number>(0.5)),
          fc.tuple(fc.constant<Tensor | number>(-1), fc.constant<Tensor | number>(a)),
        ),
      ),
      call: (a, b) => tg[name](a, b),
      reference: (a, b) =>
        elementwise(
          name === 'maximum' ? Math.max : Math.min,
          typeof a === 'number' ? nd([], [a]) : ref(a),
          typeof b === 'number' ? nd([], [b]) : ref(b),
        ),
    }),
  ),
  entry({
    fn: 'cumsum',
    params: [XA, AXIS],
    valid: arbX.chain((x) => fc.tuple(fc.constant(x), arbAxis(x))),
    call: (x, axis) => tg.cumsum(x, axis),
    reference: (x, axis) =>
      alongAxis(ref(x), axis, (vs) => {
        let s = 0;
        return vs.map((v) => (s += v));
      }),
  }),
  ...(['split', 'chunk'] as const).map((name) =>
    entry({
      fn: name,
      params: [
        XA,
        {
          name: name === 'split' ? 'size' : 'chunks',
          aliases: ['sections', 'sizeOrSections'],
          junk: fc.constantFrom<unknown>(0, -1, 1.5, NaN, '2', null, {}, [1, 99], [0.5]),
        },
        AXIS,
      ],
      valid: arbX
        .filter((x) => x.ndim > 0)
        .chain((x) => fc.tuple(fc.constant(x), fc.integer({ min: 1, max: 3 }), arbAxis(x))),
      // The last piece (the one a wrong count or extent gets wrong).
      call: (x, k, axis) => {
        const pieces = tg[name](x, k, axis);
        return pieces[pieces.length - 1];
      },
      reference: (x, k, axis) => {
        const a = normAxis(axis, x.ndim);
        const n = x.shape[a];
        const size = name === 'split' ? k : Math.ceil(n / k);
        const start = Math.floor((n - 1) / size) * size;
        const picks = x.shape.map((d, i) => (i === a ? sliceRange(d, start, d) : sliceRange(d, 0, d)));
        return pick(
          ref(x),
          picks,
          x.shape.map(() => true),
        );
      },
      accepts: (i, v) => i === 2 && v === undefined,
    }),
  ),
  entry({
    fn: 'permute',
    params: [XA, { name: 'dims', aliases: ['axis', 'axes'], junk: JUNK.axis }],
    valid: arbX.chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.shuffledSubarray(
          x.shape.map((_, i) => i),
          { minLength: x.ndim, maxLength: x.ndim },
        ),
      ),
    ),
    call: (x, dims) => tg.permute(x, dims),
    reference: (x, dims) => transposeNd(ref(x), dims),
  }),
  entry({
    fn: 'unsqueeze',
    params: [XA, AXIS],
    valid: arbX.chain((x) => fc.tuple(fc.constant(x), fc.integer({ min: -(x.ndim + 1), max: x.ndim }))),
    call: (x, axis) => tg.unsqueeze(x, axis),
    reference: (x, axis) => {
      const a = axis < 0 ? axis + x.ndim + 1 : axis;
      return nd([...x.shape.slice(0, a), 1, ...x.shape.slice(a)], x.data);
    },
  }),
  ...(['triu', 'tril'] as const).map((name) =>
    entry({
      fn: name,
      params: [XA, DIAGONAL],
      valid: fc.tuple(
        arbFloat().filter((x) => x.ndim >= 2),
        fc.integer({ min: -3, max: 3 }),
      ),
      call: (x, k) => tg[name](x, k),
      reference: (x, k) => triangleRef(x, k, name === 'triu'),
      accepts: (i, v) => i === 1 && v === undefined,
    }),
  ),
  entry({
    fn: 'maskedFill',
    params: [
      XA,
      { name: 'mask', junk: fc.constantFrom<unknown>(null, 5, [1, 0], {}, tensor([1, 0, 1, 0, 1])) },
      { name: 'value', junk: fc.constantFrom<unknown>('1', null, {}, [], NaN, undefined) },
    ],
    valid: arbX.chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.nat().map((s) => make([...x.shape], s, 'float64').gt(0)),
        fc.constantFrom(-Infinity, 0, 2.5),
      ),
    ),
    call: (x, mask, value) => tg.maskedFill(x, mask, value),
    reference: (x, mask, value) => elementwise((v, m) => (m !== 0 ? value : v), ref(x), ref(mask)),
    // NaN as the fill is what a user may mean (PyTorch allows it).
    accepts: (i, v) => i === 2 && typeof v === 'number',
  }),
  ...CELL_ENTRIES,
];
