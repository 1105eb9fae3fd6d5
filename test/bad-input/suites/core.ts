import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { Rng, Tensor, noGrad, tensor } from '@tapegrad/core';
import { type Entry, type Suite, entry } from '../cases';
import {
  AXIS,
  JUNK,
  KEEP,
  OPTIONS,
  SHAPE,
  X,
  XA,
  arbAxis,
  arbAxisArg,
  arbFloat,
  arbShape,
  arbX,
  fn,
  make,
  ref,
  sum,
} from './core-kit';
import { SEQ_ENTRIES } from './core-seq';
import { WINDOW_ENTRIES } from './core-windows';
import {
  type Nd,
  alongAxis,
  axesOf,
  concatNd,
  elementwise,
  matmul2,
  nd,
  pick,
  reduce,
  sliceRange,
  transposeNd,
} from '../reference';

// Every public function of @tapegrad/core that takes arguments, with valid arguments checked
// against the float64 reference and junk in each argument.

const unaryRefs: [string, (v: number) => number, number, number][] = [
  ['exp', Math.exp, -3, 3],
  ['log', Math.log, 0.1, 3],
  ['sqrt', Math.sqrt, 0, 3],
  ['abs', Math.abs, -3, 3],
  ['neg', (v) => -v, -3, 3],
  ['sigmoid', (v) => 1 / (1 + Math.exp(-v)), -3, 3],
  ['tanh', Math.tanh, -3, 3],
  ['relu', (v) => Math.max(v, 0), -3, 3],
  ['square', (v) => v * v, -3, 3],
];

const unary: Entry[] = unaryRefs.map(([name, f, lo, hi]) =>
  entry({
    fn: name,
    params: [name === 'abs' || name === 'neg' ? XA : X],
    valid: arbFloat(lo, hi).map((x) => [x] as [Tensor]),
    call: (x) => fn((tg as Record<string, unknown>)[name])(x),
    reference: (x) => elementwise(f, ref(x)),
  }),
);

const binaryRefs: [string, (a: number, b: number) => number][] = [
  ['add', (a, b) => a + b],
  ['sub', (a, b) => a - b],
  ['mul', (a, b) => a * b],
  ['div', (a, b) => a / b],
  ['pow', (a, b) => a ** b],
  ['eq', (a, b) => (a === b ? 1 : 0)],
  ['gt', (a, b) => (a > b ? 1 : 0)],
  ['lt', (a, b) => (a < b ? 1 : 0)],
  ['ge', (a, b) => (a >= b ? 1 : 0)],
  ['le', (a, b) => (a <= b ? 1 : 0)],
];
/** Two operands that broadcast (a suffix of one shape, some axes 1), or one a number. */
const arbPair = fc
  .record({
    shape: arbShape,
    drop: fc.nat(3),
    ones: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    seed: fc.nat(),
    num: fc.nat(2),
  })
  .map(({ shape, drop, ones, seed, num }): [Tensor | number, Tensor | number] => {
    const a = make(shape, seed, 'float64', 0.25, 3);
    const bShape = shape.slice(Math.min(drop, shape.length)).map((d, i) => (ones[i] ? 1 : d));
    const b = make(bShape, seed + 1, 'float64', -2, 2);
    return num === 0 ? [a, 1.5] : num === 1 ? [2.25, b] : [a, b];
  });
const asNd = (v: Tensor | number): Nd => (typeof v === 'number' ? nd([], [v]) : ref(v));

const binary: Entry[] = binaryRefs.map(([name, f]) =>
  entry({
    fn: name,
    params: [
      { name: 'a', junk: JUNK.number },
      { name: 'b', junk: JUNK.number },
    ],
    valid: arbPair,
    call: (a, b) => fn((tg as Record<string, unknown>)[name])(a, b),
    reference: (a, b) => elementwise(f, asNd(a), asNd(b)),
    tol: 1e-9,
  }),
);

const reductionRefs: [string, (vs: number[]) => number][] = [
  ['sum', sum],
  ['mean', (vs) => sum(vs) / vs.length],
  ['max', (vs) => Math.max(...vs)],
  ['min', (vs) => Math.min(...vs)],
  ['logSumExp', (vs) => Math.log(sum(vs.map(Math.exp)))],
];
const reductions: Entry[] = reductionRefs.map(([name, f]) =>
  entry({
    fn: name,
    params: [name === 'logSumExp' ? X : XA, AXIS, KEEP],
    valid: arbX.chain((x) => fc.tuple(fc.constant(x), arbAxisArg(x), fc.boolean())),
    call: (x, axis, keepdims) => fn((tg as Record<string, unknown>)[name])(x, axis, keepdims),
    reference: (x, axis, keepdims) => reduce(ref(x), axesOf(axis, x.ndim), keepdims, f),
    accepts: (i, v) => (i === 1 && (v === undefined || v === null)) || (i === 2 && v === undefined),
  }),
);

const argRefs: [string, (vs: number[]) => number][] = [
  ['argmax', (vs) => vs.indexOf(Math.max(...vs))],
  ['argmin', (vs) => vs.indexOf(Math.min(...vs))],
];
const args: Entry[] = argRefs.map(([name, f]) =>
  entry({
    fn: name,
    params: [XA, AXIS, KEEP],
    valid: arbX.chain((x) => fc.tuple(fc.constant(x), fc.option(arbAxis(x), { nil: undefined }), fc.boolean())),
    call: (x, axis, keepdims) => fn((tg as Record<string, unknown>)[name])(x, axis, keepdims),
    reference: (x, axis, keepdims) =>
      axis === undefined
        ? nd(keepdims ? x.shape.map(() => 1) : [], [f(Array.from(x.data))])
        : reduce(ref(x), axesOf(axis, x.ndim), keepdims, f),
    accepts: (i, v) => (i === 1 && (v === undefined || v === null)) || (i === 2 && v === undefined),
  }),
);

const softmaxes: Entry[] = [
  ['softmax', (vs: number[]) => vs.map((v) => Math.exp(v) / sum(vs.map(Math.exp)))],
  ['logSoftmax', (vs: number[]) => vs.map((v) => v - Math.log(sum(vs.map(Math.exp))))],
].map(([name, f]) =>
  entry({
    fn: name as string,
    params: [X, AXIS],
    valid: arbX.chain((x) => fc.tuple(fc.constant(x), arbAxis(x))),
    call: (x, axis) => fn((tg as Record<string, unknown>)[name as string])(x, axis),
    reference: (x, axis) => alongAxis(ref(x), axis, f as (vs: number[]) => number[]),
    accepts: (i, v) => i === 1 && v === undefined,
  }),
);

const creation: Entry[] = [
  entry({
    fn: 'tensor',
    params: [
      { name: 'values', junk: JUNK.values },
      { name: 'options', aliases: ['option', 'dtype', 'requiresGrad', 'shape'], junk: JUNK.options },
    ],
    valid: fc
      .record({ shape: arbShape, seed: fc.nat(), dtype: fc.constantFrom<tg.DType>('float32', 'float64') })
      .map(({ shape, seed, dtype }) => [make(shape, seed, 'float64').toArray(), { dtype }] as [unknown, unknown]),
    call: (values, options) => tensor(values as never, options as never),
    reference: (values) => {
      const t = noGrad(() => tensor(values as never, { dtype: 'float64' }));
      return ref(t);
    },
    accepts: (i, v) => i === 1 && v === undefined,
  }),
  ...(['zeros', 'ones', 'rand', 'randn'] as const).map((name) =>
    entry({
      fn: name,
      params: [SHAPE, OPTIONS],
      valid: fc.tuple(arbShape, fc.constantFrom<unknown>(undefined, { dtype: 'float64' })),
      call: (shape, options) => fn(tg[name])(shape, options),
      reference: (shape) =>
        name === 'zeros' || name === 'ones'
          ? nd(shape, new Array((shape as number[]).reduce((p, d) => p * d, 1)).fill(name === 'zeros' ? 0 : 1))
          : undefined,
      accepts: (i, v) => i === 1 && v === undefined,
    }),
  ),
  entry({
    fn: 'full',
    params: [SHAPE, { name: 'value', junk: JUNK.number }, OPTIONS],
    valid: fc.tuple(arbShape, fc.double({ min: -10, max: 10, noNaN: true }), fc.constant<unknown>(undefined)),
    call: (shape, value, options) => tg.full(shape as never, value as never, options as never),
    reference: (shape, value) =>
      nd(shape, new Array(shape.reduce((p, d) => p * d, 1)).fill(Math.fround(value as number))),
    accepts: (i, v) => i === 2 && v === undefined,
  }),
  entry({
    fn: 'arange',
    params: [
      { name: 'start', junk: JUNK.finite },
      { name: 'stop', junk: JUNK.finite },
      { name: 'step', junk: fc.constantFrom<unknown>(0, NaN, Infinity, '1', null, {}) },
      OPTIONS,
    ],
    valid: fc.tuple(
      fc.integer({ min: -5, max: 5 }),
      fc.integer({ min: -5, max: 10 }),
      fc.constantFrom(1, 2, 0.5, -1),
      fc.constant<unknown>(undefined),
    ),
    call: (start, stop, step, options) => tg.arange(start, stop, step, options as never),
    reference: (start, stop, step) => {
      const n = Math.max(0, Math.ceil((stop - start) / step));
      return nd(
        [n],
        Array.from({ length: n }, (_, i) => start + i * step),
      );
    },
    accepts: (i, v) => (i === 1 || i === 3) && v === undefined,
  }),
  entry({
    fn: 'linspace',
    params: [
      { name: 'start', junk: JUNK.finite },
      { name: 'stop', junk: JUNK.finite },
      { name: 'num', aliases: ['needs'], junk: JUNK.int },
      OPTIONS,
    ],
    valid: fc.tuple(
      fc.integer({ min: -5, max: 5 }),
      fc.integer({ min: -5, max: 5 }),
      fc.nat(6),
      fc.constant<unknown>(undefined),
    ),
    call: (start, stop, num, options) => tg.linspace(start, stop, num, options as never),
    reference: (start, stop, num) =>
      nd(
        [num],
        Array.from({ length: num }, (_, i) =>
          num === 1 ? start : i === num - 1 ? stop : start + (i * (stop - start)) / (num - 1),
        ),
      ),
    accepts: (i, v) => (i === 2 || i === 3) && v === undefined,
  }),
  entry({
    fn: 'eye',
    params: [
      { name: 'n', aliases: ['shape'], junk: JUNK.int },
      { name: 'm', aliases: ['shape'], junk: JUNK.int },
      OPTIONS,
    ],
    valid: fc.tuple(fc.nat(4), fc.nat(4), fc.constant<unknown>(undefined)),
    call: (n, m, options) => tg.eye(n, m, options as never),
    reference: (n, m) =>
      nd(
        [n, m],
        Array.from({ length: n * m }, (_, k) => (Math.floor(k / m) === k % m ? 1 : 0)),
      ),
    // eye(1e12, 0) is a valid empty matrix, as NumPy's.
    accepts: (i, v, a) =>
      (i >= 1 && v === undefined) ||
      (i <= 1 && Number.isSafeInteger(v) && (v as number) >= 0 && (a[0] as number) * (a[1] as number) === 0),
  }),
];

const arbIntsFor = (n: number, count: number): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: -n, max: n - 1 }), { minLength: 1, maxLength: count });

const shapeOps: Entry[] = [
  entry({
    fn: 'reshape',
    params: [XA, SHAPE],
    valid: arbX.chain((x) =>
      fc.tuple(fc.constant(x), fc.constantFrom([x.size], [-1], [1, ...x.shape], [...x.shape].reverse())),
    ),
    call: (x, shape) => tg.reshape(x, shape),
    reference: (x, shape) => nd(shape[0] === -1 ? [x.size] : shape, x.data),
    accepts: (i, v) => i === 1 && JSON.stringify(v) === '[-1]',
  }),
  entry({
    fn: 'transpose',
    params: [XA, { name: 'axes', aliases: ['axis'], junk: JUNK.axis }],
    valid: arbX.chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.shuffledSubarray(
          x.shape.map((_, i) => i),
          { minLength: x.ndim, maxLength: x.ndim },
        ),
      ),
    ),
    call: (x, axes) => tg.transpose(x, axes),
    reference: (x, axes) => transposeNd(ref(x), axes),
    accepts: (i, v) => i === 1 && v === undefined,
  }),
  entry({
    fn: 'expandDims',
    params: [XA, AXIS],
    valid: arbX.chain((x) => fc.tuple(fc.constant(x), fc.integer({ min: -(x.ndim + 1), max: x.ndim }))),
    call: (x, axis) => tg.expandDims(x, axis),
    reference: (x, axis) => {
      const a = axis < 0 ? axis + x.ndim + 1 : axis;
      return nd([...x.shape.slice(0, a), 1, ...x.shape.slice(a)], x.data);
    },
  }),
  entry({
    fn: 'squeeze',
    params: [XA, AXIS],
    valid: arbX.map((x) => [x, undefined] as [Tensor, number | undefined]),
    call: (x, axis) => tg.squeeze(x, axis),
    reference: (x) =>
      nd(
        x.shape.filter((d) => d !== 1),
        x.data,
      ),
    accepts: (i, v) => i === 1 && v === undefined,
  }),
  entry({
    fn: 'flatten',
    params: [
      XA,
      { name: 'startAxis', aliases: ['axis'], junk: JUNK.axis },
      { name: 'endAxis', aliases: ['axis'], junk: JUNK.axis },
    ],
    valid: arbX.map((x) => [x, 0, -1] as [Tensor, number, number]),
    call: (x, s, e) => tg.flatten(x, s, e),
    reference: (x) => nd([x.size], x.data),
    accepts: (i, v) => i >= 1 && v === undefined,
  }),
  entry({
    fn: 'broadcastTo',
    params: [XA, SHAPE],
    valid: arbX.map((x) => [x, [2, ...x.shape]] as [Tensor, number[]]),
    call: (x, shape) => tg.broadcastTo(x, shape),
    reference: (x, shape) =>
      elementwise((v, _z) => v, ref(x), nd(shape, new Array(shape.reduce((p, d) => p * d, 1)).fill(0))),
  }),
  entry({
    fn: 'repeat',
    params: [XA, { name: 'repeats', aliases: ['needs'], junk: JUNK.int }, AXIS],
    valid: arbX.chain((x) => fc.tuple(fc.constant(x), fc.nat(3), fc.constant<number | undefined>(undefined))),
    call: (x, repeats, axis) => tg.repeat(x, repeats, axis),
    reference: (x, repeats) =>
      nd(
        [x.size * repeats],
        Array.from(x.data).flatMap((v) => new Array(repeats).fill(v)),
      ),
    accepts: (i, v) => i === 2 && (v === undefined || v === null),
  }),
  entry({
    fn: 'slice',
    params: [
      XA,
      {
        name: 'specs',
        aliases: ['spec', 'index', 'step'],
        junk: fc.constantFrom<unknown>(
          null,
          5,
          [0.5, 2],
          [[[1, 3]]],
          [[1, 2, 3, 4]],
          [NaN],
          ['1'],
          [[0, 1, 0]],
          [99],
          {},
        ),
      },
    ],
    valid: arbX
      .filter((x) => x.ndim > 0)
      .chain((x) =>
        fc.tuple(
          fc.constant(x),
          fc.tuple(
            ...x.shape.map((n) =>
              fc.oneof(
                fc.constant(null),
                fc.integer({ min: -n, max: n - 1 }),
                fc.tuple(
                  fc.option(fc.integer({ min: -4, max: 4 })),
                  fc.option(fc.integer({ min: -4, max: 4 })),
                  fc.constantFrom(1, 2, -1),
                ),
              ),
            ),
          ),
        ),
      ),
    call: (x, specs) => tg.slice(x, specs as never),
    reference: (x, specs) => {
      const picks = x.shape.map((n, k) => {
        const s = (specs as unknown[])[k];
        if (s === null || s === undefined) return Array.from({ length: n }, (_, i) => i);
        if (typeof s === 'number') return [s < 0 ? s + n : s];
        const [a, b, st] = s as [number | null, number | null, number];
        return sliceRange(n, a, b, st);
      });
      return pick(
        ref(x),
        picks,
        x.shape.map((_, k) => typeof (specs as unknown[])[k] !== 'number'),
      );
    },
  }),
  entry({
    fn: 'gather',
    params: [
      XA,
      {
        name: 'indices',
        aliases: ['index'],
        junk: fc.constantFrom<unknown>(null, 5, [0.5], [2 ** 32 + 1], [NaN], ['0'], [[0]], [99], tensor([0]), {}),
      },
      AXIS,
    ],
    valid: arbX.chain((x) =>
      arbAxis(x).chain((axis) => {
        const n = x.ndim === 0 ? 1 : x.shape[axis < 0 ? axis + x.ndim : axis];
        return fc.tuple(fc.constant(x), arbIntsFor(n, 4), fc.constant(axis));
      }),
    ),
    call: (x, idx, axis) => tg.gather(x, idx, axis),
    reference: (x, idx, axis) => {
      if (x.ndim === 0)
        return nd(
          [idx.length],
          idx.map(() => x.data[0]),
        );
      const a = axis < 0 ? axis + x.ndim : axis;
      const picks = x.shape.map((n, k) =>
        k === a ? idx.map((i) => (i < 0 ? i + n : i)) : Array.from({ length: n }, (_, i) => i),
      );
      return pick(
        ref(x),
        picks,
        x.shape.map(() => true),
      );
    },
  }),
  entry({
    fn: 'concat',
    params: [
      {
        name: 'tensors',
        aliases: ['tensor'],
        junk: fc.constantFrom<unknown>(null, 5, [], [null], [tensor([1]), 'x'], [tensor(1)], {}),
      },
      AXIS,
    ],
    valid: arbX.filter((x) => x.ndim > 0).chain((x) => fc.tuple(fc.constant([x, x.mul(2)]), arbAxis(x))),
    call: (xs, axis) => tg.concat(xs, axis),
    reference: (xs, axis) => concatNd(xs.map(ref), axis < 0 ? axis + xs[0].ndim : axis),
    accepts: (i, v) => i === 1 && v === undefined,
  }),
  entry({
    fn: 'stack',
    params: [
      {
        name: 'tensors',
        aliases: ['tensor'],
        junk: fc.constantFrom<unknown>(null, 5, [], [null], [tensor([1]), tensor([1, 2])], {}),
      },
      AXIS,
    ],
    valid: arbX.map((x) => [[x, x], 0] as [Tensor[], number]),
    call: (xs, axis) => tg.stack(xs, axis),
    reference: (xs) => nd([2, ...xs[0].shape], [...xs[0].data, ...xs[1].data]),
    accepts: (i, v) => i === 1 && v === undefined,
  }),
];

const others: Entry[] = [
  entry({
    fn: 'clip',
    params: [
      XA,
      { name: 'min', junk: JUNK.number.map((v) => v) },
      { name: 'max', junk: fc.constantFrom<unknown>(NaN, '1', null, {}, -99) },
    ],
    valid: fc.tuple(arbX, fc.constantFrom(-1, -Infinity, 0), fc.constantFrom(1, Infinity, 0.5)),
    call: (x, lo, hi) => tg.clip(x, lo, hi),
    accepts: (i, v, a) => i === 2 && typeof v === 'number' && v >= (a[1] as number),
    reference: (x, lo, hi) => elementwise((v) => Math.min(Math.max(v, lo), hi), ref(x)),
  }),
  entry({
    fn: 'leakyRelu',
    params: [X, { name: 'slope', junk: JUNK.finite }],
    valid: fc.tuple(arbX, fc.constantFrom(0.01, 0.2)),
    call: (x, slope) => tg.leakyRelu(x, slope),
    reference: (x, slope) => elementwise((v) => (v > 0 ? v : slope * v), ref(x)),
  }),
  entry({
    fn: 'where',
    params: [
      { name: 'cond', junk: JUNK.tensor },
      { name: 'a', junk: JUNK.number },
      { name: 'b', junk: JUNK.number },
    ],
    valid: arbX.map((x) => [x.gt(0), x, 7] as [Tensor, Tensor, number]),
    call: (c, a, b) => tg.where(c, a, b),
    reference: (c, a, b) => elementwise((m, u, v) => (m !== 0 ? u : v), ref(c), ref(a), nd([], [b])),
  }),
  entry({
    fn: 'astype',
    params: [
      { name: 'x', junk: JUNK.tensor },
      { name: 'dtype', junk: JUNK.dtype },
    ],
    valid: fc.tuple(arbX, fc.constantFrom<tg.DType>('float32', 'float64', 'int32')),
    call: (x, dtype) => tg.astype(x, dtype),
    reference: (x, dtype) => elementwise((v) => (dtype === 'int32' ? Math.trunc(v) : v), ref(x)),
  }),
  entry({
    fn: 'matmul',
    params: [
      { name: 'a', junk: JUNK.floatTensor },
      { name: 'b', junk: JUNK.floatTensor },
    ],
    valid: fc
      .record({
        m: fc.integer({ min: 1, max: 3 }),
        k: fc.integer({ min: 1, max: 3 }),
        n: fc.integer({ min: 1, max: 3 }),
        seed: fc.nat(),
      })
      .map(
        ({ m, k, n, seed }) => [make([m, k], seed, 'float64'), make([k, n], seed + 1, 'float64')] as [Tensor, Tensor],
      ),
    call: (a, b) => tg.matmul(a, b),
    reference: (a, b) => matmul2(ref(a), ref(b)),
  }),
  entry({
    fn: 'linear',
    params: [X, { name: 'w', junk: JUNK.floatTensor }, { name: 'b', junk: JUNK.tensor }],
    valid: fc
      .record({
        n: fc.integer({ min: 1, max: 3 }),
        i: fc.integer({ min: 1, max: 3 }),
        o: fc.integer({ min: 1, max: 3 }),
        seed: fc.nat(),
      })
      .map(
        ({ n, i, o, seed }) =>
          [make([n, i], seed, 'float64'), make([o, i], seed + 1, 'float64'), make([o], seed + 2, 'float64')] as [
            Tensor,
            Tensor,
            Tensor,
          ],
      ),
    call: (x, w, b) => tg.linear(x, w, b),
    reference: (x, w, b) => elementwise((u, v) => u + v, matmul2(ref(x), transposeNd(ref(w), [1, 0])), ref(b)),
    accepts: (i, v) => i === 2 && (v === undefined || v === null),
  }),
  entry({
    fn: 'backward',
    params: [
      {
        name: 'gy',
        aliases: ['gradient'],
        junk: fc.constantFrom<unknown>(5, '1', {}, [1], tensor([1, 2, 3]), tensor([1, 2], { dtype: 'float64' })),
      },
      OPTIONS,
    ],
    valid: fc.constant([null, undefined] as [unknown, unknown]),
    call: (gy, options) => {
      const w = tensor([1, 2], { requiresGrad: true });
      w.mul(w).backward((gy ?? tensor([1, 1])) as never, options as never);
      return w.grad;
    },
    reference: () => nd([2], [2, 4]),
    accepts: (i, v) => i === 1 && v === undefined,
  }),
  entry({
    fn: 'Tensor.grad',
    params: [
      {
        name: 'gradient',
        junk: fc.constantFrom<unknown>(
          5,
          '1',
          {},
          [1, 2, 3],
          tensor([1]),
          tensor([1, 2, 3], { dtype: 'float64' }),
          undefined,
        ),
      },
    ],
    valid: fc.constant(null).map(() => [tensor([4, 5, 6])] as [unknown]),
    call: (g) => {
      const x = tensor([1, 2, 3], { requiresGrad: true });
      x.grad = g as never;
      x.sum().backward();
      return x.grad;
    },
    reference: () => nd([3], [5, 6, 7]),
  }),
  entry({
    fn: 'Rng.seed',
    params: [{ name: 'seed', junk: fc.constantFrom<unknown>(1.5, NaN, Infinity, '1', null, undefined, {}, 2 ** 70) }],
    valid: fc.integer().map((s) => [s] as [unknown]),
    call: (s) => new Rng(s as never).random(),
    reference: (s) => new Rng(s as number).random(),
    accepts: (_i, v) => v === undefined,
  }),
  entry({
    fn: 'fill_',
    params: [{ name: 'value', junk: fc.constantFrom<unknown>('1', null, {}, [], undefined) }],
    valid: fc.double({ min: -5, max: 5, noNaN: true }).map((v) => [v] as [unknown]),
    call: (v) => tg.zeros([2], { dtype: 'float64' }).fill_(v as never),
    reference: (v) => nd([2], [v as number, v as number]),
  }),
];

export const core: Suite = {
  name: 'core',
  entries: [
    ...creation,
    ...unary,
    ...binary,
    ...reductions,
    ...args,
    ...softmaxes,
    ...shapeOps,
    ...others,
    ...WINDOW_ENTRIES,
    ...SEQ_ENTRIES,
  ],
};
