import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { Tensor, tensor } from '@tapegrad/core';
import { type Entry, type Param, entry } from '../cases';
import { type Nd, nd } from '../reference';
import {
  type Win,
  adaptiveRef,
  col2imRef,
  conv2dRef,
  convTranspose2dRef,
  im2colRef,
  padRef,
  poolRef,
} from '../reference-windows';
import { make, ref } from './core-kit';

// The windowed ops of #15 (conv1d … batchNorm): valid geometries (kernel sizes, strides,
// paddings, dilations, groups) checked against the float64 reference, junk in each argument.

const TENSOR_JUNK = fc.constantFrom<unknown>(
  null,
  5,
  '3',
  {},
  [1, 2],
  tensor([1, 2]),
  tensor([[1]], { dtype: 'int32' }),
);
const WINDOW_NAMES = ['options', 'option', 'stride', 'padding', 'dilation', 'groups', 'kernelSize', 'ceilMode'];
const optionsParam = (...extra: unknown[]): Param => ({
  name: 'options',
  aliases: [...WINDOW_NAMES, 'outputPadding', 'countIncludePad', 'output', 'window', 'kernel'],
  junk: fc.constantFrom<unknown>(
    5,
    'x',
    [],
    { bogus: 1 },
    { stride: 0 },
    { stride: [1] },
    { padding: -1 },
    { padding: 'full' },
    { dilation: 0.5 },
    { dilation: NaN },
    ...extra,
  ),
});

/** A window geometry along each of two axes, and an image extent it fits. */
const arbWin = (maxPad: (k: number) => number): fc.Arbitrary<{ win: Win; size: [number, number] }> =>
  fc
    .tuple(
      ...[0, 1].map(() =>
        fc.record({
          k: fc.integer({ min: 1, max: 3 }),
          s: fc.integer({ min: 1, max: 2 }),
          d: fc.integer({ min: 1, max: 2 }),
          p: fc.nat(),
          extra: fc.nat(2),
        }),
      ),
    )
    .map((axes) => ({
      win: {
        kernel: [axes[0].k, axes[1].k],
        stride: [axes[0].s, axes[1].s],
        dilation: [axes[0].d, axes[1].d],
        padding: [axes[0].p % (maxPad(axes[0].k) + 1), axes[1].p % (maxPad(axes[1].k) + 1)],
      } as Win,
      size: axes.map((a) => a.d * (a.k - 1) + 1 + a.extra) as [number, number],
    }));

const nullable = (t: Tensor | null): Nd | null => (t === null ? null : ref(t));

type ConvArgs = [
  Tensor,
  Tensor,
  Tensor | null,
  { stride: number[]; padding: number[]; dilation: number[]; groups: number },
];
const arbConv = (oneD: boolean): fc.Arbitrary<ConvArgs> =>
  fc
    .tuple(
      arbWin(() => 1),
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 1, max: 2 }),
      fc.constantFrom(1, 2),
      fc.boolean(),
      fc.nat(),
    )
    .map(([{ win, size }, cpg, opg, groups, bias, seed]) => {
      const [k, s, p, d] = oneD
        ? [[win.kernel[1]], [win.stride[1]], [win.padding[1]], [win.dilation[1]]]
        : [win.kernel, win.stride, win.padding, win.dilation];
      const spatial = oneD ? [size[1]] : size;
      return [
        make([1 + (seed % 2), cpg * groups, ...spatial], seed, 'float64'),
        make([opg * groups, cpg, ...k], seed + 1, 'float64'),
        bias ? make([opg * groups], seed + 2, 'float64') : null,
        { stride: s, padding: p, dilation: d, groups },
      ];
    });
/** The conv1d reference as conv2d over an image one row high. */
const convRef = (x: Tensor, w: Tensor, b: Tensor | null, o: ConvArgs[3], oneD: boolean): Nd => {
  const lift = (t: Nd): Nd => (oneD ? nd([t.shape[0], t.shape[1], 1, t.shape[2]], t.data) : t);
  const pair = (v: number[]): [number, number] => (oneD ? [1, v[0]] : [v[0], v[1]]);
  const win: Win = {
    kernel: oneD ? [1, w.shape[2]] : [w.shape[2], w.shape[3]],
    stride: pair(o.stride),
    padding: oneD ? [0, o.padding[0]] : [o.padding[0], o.padding[1]],
    dilation: pair(o.dilation),
  };
  const y = conv2dRef(lift(ref(x)), lift(ref(w)), nullable(b), win, o.groups);
  return oneD ? nd([y.shape[0], y.shape[1], y.shape[3]], y.data) : y;
};
const convParams: Param[] = [
  { name: 'x', junk: TENSOR_JUNK },
  { name: 'weight', junk: TENSOR_JUNK },
  { name: 'bias', junk: fc.constantFrom<unknown>(5, '3', {}, tensor([1, 2, 3, 4, 5]), tensor([[1]])) },
  optionsParam({ groups: 0 }, { groups: 3 }, { groups: 1.5 }),
];

type PoolArgs = [
  Tensor,
  {
    kernelSize: number[];
    stride: number[];
    padding: number[];
    dilation?: number[];
    ceilMode: boolean;
    countIncludePad?: boolean;
  },
];
const arbPool = (max: boolean): fc.Arbitrary<PoolArgs> =>
  fc
    .tuple(
      arbWin((k) => k >> 1),
      fc.boolean(),
      fc.boolean(),
      fc.nat(),
    )
    .map(([{ win, size }, ceilMode, cip, seed]) => {
      const x = make([1 + (seed % 2), 1 + (seed % 3), ...size], seed, 'float64');
      const common = { kernelSize: win.kernel, stride: win.stride, padding: win.padding, ceilMode };
      return [x, max ? { ...common, dilation: win.dilation } : { ...common, countIncludePad: cip }];
    });
const winOf = (o: PoolArgs[1]): Win => ({
  kernel: o.kernelSize as [number, number],
  stride: o.stride as [number, number],
  padding: o.padding as [number, number],
  dilation: (o.dilation ?? [1, 1]) as [number, number],
});

export const WINDOW_ENTRIES: Entry[] = [
  ...(['conv1d', 'conv2d'] as const).map((name) =>
    entry({
      fn: name,
      params: convParams,
      valid: arbConv(name === 'conv1d'),
      call: (x, w, b, o) => tg[name](x, w, b, o),
      reference: (x, w, b, o) => convRef(x, w, b, o, name === 'conv1d'),
      accepts: (i, v) => (i === 2 && (v === undefined || v === null)) || (i === 3 && v === undefined),
    }),
  ),
  entry({
    fn: 'convTranspose2d',
    params: [...convParams.slice(0, 3), optionsParam({ groups: 0 }, { outputPadding: 5 }, { outputPadding: -1 })],
    valid: fc
      .tuple(
        arbWin(() => 1),
        fc.integer({ min: 1, max: 2 }),
        fc.constantFrom(1, 2),
        fc.boolean(),
        fc.nat(),
      )
      .map(
        ([{ win }, og, groups, bias, seed]): [
          Tensor,
          Tensor,
          Tensor | null,
          { stride: number[]; padding: number[]; dilation: number[]; groups: number; outputPadding: number[] },
        ] => {
          const outputPadding = win.stride.map((s, a) => seed % Math.max(s, win.dilation[a]));
          // Input extents whose output is at least 1.
          const size = win.kernel.map((k, a) => {
            let h = 1 + (seed % 3);
            while ((h - 1) * win.stride[a] - 2 * win.padding[a] + win.dilation[a] * (k - 1) + outputPadding[a] + 1 < 1)
              h++;
            return h;
          });
          return [
            make([1, groups * (1 + (seed % 2)), ...size], seed, 'float64'),
            make([groups * (1 + (seed % 2)), og, ...win.kernel], seed + 1, 'float64'),
            bias ? make([og * groups], seed + 2, 'float64') : null,
            { stride: win.stride, padding: win.padding, dilation: win.dilation, groups, outputPadding },
          ];
        },
      ),
    call: (x, w, b, o) => tg.convTranspose2d(x, w, b, o),
    reference: (x, w, b, o) =>
      convTranspose2dRef(
        ref(x),
        ref(w),
        nullable(b),
        {
          kernel: [w.shape[2], w.shape[3]],
          stride: o.stride as [number, number],
          padding: o.padding as [number, number],
          dilation: o.dilation as [number, number],
        },
        o.groups,
        o.outputPadding as [number, number],
      ),
    accepts: (i, v) => (i === 2 && (v === undefined || v === null)) || (i === 3 && v === undefined),
  }),
  ...(['maxPool2d', 'avgPool2d'] as const).map((name) =>
    entry({
      fn: name,
      params: [
        { name: 'x', junk: TENSOR_JUNK },
        optionsParam(
          null,
          undefined,
          {},
          { kernelSize: 0 },
          { kernelSize: 2, padding: 2 },
          { kernelSize: 2, ceilMode: 'yes' },
          [2, 2, 2],
          2.5,
        ),
      ],
      valid: arbPool(name === 'maxPool2d'),
      call: (x, o) => tg[name](x, o),
      reference: (x, o) => {
        const w = winOf(o);
        // A dilated window can fall wholly in the padding (an error, checked elsewhere).
        return poolRef(ref(x), w, o.ceilMode, name === 'maxPool2d' ? 'max' : 'avg', o.countIncludePad ?? true);
      },
    }),
  ),
  entry({
    fn: 'adaptiveAvgPool2d',
    params: [
      { name: 'x', junk: TENSOR_JUNK },
      { name: 'outputSize', junk: fc.constantFrom<unknown>(0, -1, 1.5, NaN, '2', null, {}, [1], [1, 2, 3], [0, 1]) },
    ],
    valid: fc
      .record({
        h: fc.integer({ min: 1, max: 5 }),
        w: fc.integer({ min: 1, max: 5 }),
        oh: fc.integer({ min: 1, max: 5 }),
        ow: fc.integer({ min: 1, max: 5 }),
        seed: fc.nat(),
      })
      .map(({ h, w, oh, ow, seed }) => [make([1, 2, h, w], seed, 'float64'), [oh, ow]] as [Tensor, number[]]),
    call: (x, size) => tg.adaptiveAvgPool2d(x, size),
    reference: (x, [oh, ow]) => adaptiveRef(ref(x), oh, ow),
  }),
  entry({
    fn: 'pad',
    params: [
      { name: 'x', junk: TENSOR_JUNK },
      {
        name: 'widths',
        junk: fc.constantFrom<unknown>(null, 5, 'x', [1], [-1, 1], [0.5, 1], [[1, 1]], [1, 1, 1, 1, 1, 1, 1, 1], {}),
      },
      {
        name: 'options',
        aliases: ['option', 'mode', 'value'],
        junk: fc.constantFrom<unknown>(
          5,
          'x',
          { mode: 'circular' },
          { value: '1' },
          { bogus: 1 },
          { mode: 'reflect', value: 1 },
        ),
      },
    ],
    valid: fc
      .record({
        shape: fc.array(fc.integer({ min: 2, max: 3 }), { minLength: 1, maxLength: 3 }),
        seed: fc.nat(),
        mode: fc.constantFrom('constant', 'reflect', 'replicate'),
        value: fc.constantFrom(0, -1.5),
      })
      .chain(({ shape, seed, mode, value }) =>
        fc.tuple(
          fc.constant(make(shape, seed, 'float64')),
          fc.tuple(...shape.map(() => fc.tuple(fc.nat(1), fc.nat(1)))),
          fc.constant(mode === 'constant' ? { mode, value } : { mode }),
        ),
      ),
    call: (x, widths, o) => tg.pad(x, widths as never, o as never),
    reference: (x, widths, o) =>
      padRef(ref(x), widths as [number, number][], o.mode, (o as { value?: number }).value ?? 0),
    accepts: (i, v) => i === 2 && v === undefined,
  }),
  entry({
    fn: 'im2col',
    params: [
      { name: 'x', junk: TENSOR_JUNK },
      { name: 'kernelSize', junk: fc.constantFrom<unknown>(0, -1, 1.5, NaN, '2', null, {}, [1], [1, 2, 3]) },
      {
        name: 'options',
        aliases: WINDOW_NAMES,
        junk: fc.constantFrom<unknown>(5, 'x', { stride: 0 }, { padding: -1 }, { dilation: 0.5 }, { bogus: 1 }),
      },
    ],
    valid: fc
      .tuple(
        arbWin(() => 1),
        fc.nat(),
      )
      .map(
        ([{ win, size }, seed]) =>
          [
            make([1, 1 + (seed % 2), ...size], seed, 'float64'),
            win.kernel,
            { stride: win.stride, padding: win.padding, dilation: win.dilation },
          ] as [Tensor, number[], { stride: number[]; padding: number[]; dilation: number[] }],
      ),
    call: (x, k, o) => tg.im2col(x, k, o),
    reference: (x, k, o) =>
      im2colRef(ref(x), {
        kernel: k as [number, number],
        stride: o.stride as [number, number],
        padding: o.padding as [number, number],
        dilation: o.dilation as [number, number],
      }),
    accepts: (i, v) => i === 2 && v === undefined,
  }),
  entry({
    fn: 'col2im',
    params: [
      { name: 'cols', junk: TENSOR_JUNK },
      { name: 'outputSize', junk: fc.constantFrom<unknown>(0, -1, 1.5, NaN, '2', null, {}, [1], [1, 2, 3], [99, 99]) },
      { name: 'kernelSize', junk: fc.constantFrom<unknown>(0, -1, 1.5, NaN, '2', null, {}, [1, 2, 3]) },
      {
        name: 'options',
        aliases: WINDOW_NAMES,
        junk: fc.constantFrom<unknown>(5, 'x', { stride: 0 }, { padding: -1 }, { dilation: 0.5 }, { bogus: 1 }),
      },
    ],
    valid: fc
      .tuple(
        arbWin(() => 1),
        fc.nat(),
      )
      .map(([{ win, size }, seed]) => {
        const l = size.map(
          (h, a) =>
            Math.floor((h + 2 * win.padding[a] - win.dilation[a] * (win.kernel[a] - 1) - 1) / win.stride[a]) + 1,
        );
        return [
          make([1, (1 + (seed % 2)) * win.kernel[0] * win.kernel[1], l[0] * l[1]], seed, 'float64'),
          size,
          win.kernel,
          { stride: win.stride, padding: win.padding, dilation: win.dilation },
        ] as [Tensor, number[], number[], { stride: number[]; padding: number[]; dilation: number[] }];
      }),
    call: (cols, size, k, o) => tg.col2im(cols, size, k, o),
    reference: (cols, size, k, o) =>
      col2imRef(ref(cols), size[0], size[1], {
        kernel: k as [number, number],
        stride: o.stride as [number, number],
        padding: o.padding as [number, number],
        dilation: o.dilation as [number, number],
      }),
    accepts: (i, v) => i === 3 && v === undefined,
  }),
  entry({
    fn: 'batchNorm',
    params: [
      { name: 'x', junk: TENSOR_JUNK },
      { name: 'mean', junk: TENSOR_JUNK },
      { name: 'variance', junk: TENSOR_JUNK },
      { name: 'weight', junk: fc.constantFrom<unknown>(5, '3', {}, tensor([1, 2, 3, 4, 5])) },
      { name: 'bias', junk: fc.constantFrom<unknown>(5, '3', {}, tensor([1, 2, 3, 4, 5])) },
      {
        name: 'options',
        aliases: ['option', 'eps'],
        junk: fc.constantFrom<unknown>(5, 'x', { eps: -1 }, { eps: NaN }, { bogus: 1 }),
      },
    ],
    valid: fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        c: fc.integer({ min: 1, max: 3 }),
        rest: fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 2 }),
        seed: fc.nat(),
        affine: fc.boolean(),
      })
      .map(
        ({ n, c, rest, seed, affine }) =>
          [
            make([n, c, ...rest], seed, 'float64'),
            make([c], seed + 1, 'float64'),
            make([c], seed + 2, 'float64', 0.25, 2),
            affine ? make([c], seed + 3, 'float64') : null,
            affine ? make([c], seed + 4, 'float64') : null,
            { eps: 1e-5 },
          ] as [Tensor, Tensor, Tensor, Tensor | null, Tensor | null, { eps: number }],
      ),
    call: (...a) => tg.batchNorm(...a),
    reference: (x, mean, v, w, b, o) => {
      const c = x.shape[1];
      const inner = x.size / (x.shape[0] * c);
      return nd(
        x.shape,
        Array.from(x.data).map((val, k) => {
          const ch = Math.floor(k / inner) % c;
          const y = (val - mean.data[ch]) / Math.sqrt(v.data[ch] + o.eps);
          return y * (w === null ? 1 : w.data[ch]) + (b === null ? 0 : b.data[ch]);
        }),
      );
    },
    accepts: (i, v) => (i >= 3 && i <= 4 && (v === undefined || v === null)) || (i === 5 && v === undefined),
  }),
];
