import fc from 'fast-check';
import { Rng, Tensor, tensor, zeros } from '@tapegrad/core';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Dropout2d,
  Embedding,
  Flatten,
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  LayerNorm,
  MaxPool2d,
  Module,
  ModuleDict,
  ModuleList,
  MultiheadAttention,
  RNN,
  RNNCell,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  scaledDotProductAttention,
} from '@tapegrad/nn';
import { type Entry, type Param, entry } from '../cases';
import { nd } from '../reference';

// The layers of #15/#16 (conv, pooling, BatchNorm, Dropout2d, Embedding, LayerNorm, the
// recurrent layers and cells, attention, Transformer layers, ModuleList/ModuleDict): junk in
// each constructor argument and in each argument of forward. A valid call is checked by the
// output's shape (its values are the core ops', which the core suite checks against the reference).

const int = fc.constantFrom<unknown>(0, -1, 0.5, NaN, '2', null, {}, Infinity);
const options = (...extra: unknown[]): Param => ({
  name: 'options',
  aliases: [
    'option',
    'stride',
    'padding',
    'dilation',
    'groups',
    'bias',
    'rng',
    'dtype',
    'eps',
    'momentum',
    'affine',
    'paddingIdx',
    'numLayers',
    'dropout',
    'bidirectional',
    'batchFirst',
    'nonlinearity',
    'kdim',
    'vdim',
    'dimFeedforward',
    'activation',
    'layerNormEps',
    'normFirst',
    'elementwiseAffine',
    'ceilMode',
    'countIncludePad',
    'outputPadding',
    'trackRunningStats',
    'init',
  ],
  junk: fc.constantFrom<unknown>(5, 'x', [], { bogus: 1 }, { dtype: 'float16' }, { rng: 3 }, ...extra),
});
const TENSOR_JUNK = fc.constantFrom<unknown>(null, 5, '3', {}, [1, 2], tensor([1, 2]), zeros([5, 5, 5, 5, 5]));
const rng = (): Rng => new Rng(0);
/** The shape of a layer's output as a tensor, for comparison with the expected shape. */
const shapeOf = (y: unknown): Tensor => {
  const t = Array.isArray(y) ? y[0] : y;
  return tensor((t as Tensor).shape, { dtype: 'float64' });
};
const wantShape = (s: number[]) => nd([s.length], s);

/** A layer entry: constructor arguments, then forward on an input that fits the valid ones. */
function layer<A extends unknown[]>(spec: {
  fn: string;
  params: Param[];
  valid: fc.Arbitrary<A>;
  make(...a: A): Module & { forward(...xs: never[]): unknown };
  input(...a: A): unknown[];
  out(...a: A): number[];
  optional?: number[];
  callers?: string[];
}): Entry {
  return entry({
    fn: spec.fn,
    callers: spec.callers,
    params: spec.params,
    valid: spec.valid as fc.Arbitrary<unknown[]>,
    call: (...a) => shapeOf(spec.make(...(a as A)).forward(...(spec.input(...(a as A)) as never[]))),
    reference: (...a) => wantShape(spec.out(...(a as A))),
    accepts: (i, v) => (spec.optional ?? []).includes(i) && v === undefined,
    runs: 30,
  });
}

/** A forward entry: junk in forward's arguments of a fixed layer. */
function forward(spec: {
  fn: string;
  callers?: string[];
  params: Param[];
  valid: unknown[];
  call(...a: unknown[]): unknown;
  out: number[];
  optional?: number[];
}): Entry {
  return entry({
    fn: spec.fn,
    callers: spec.callers,
    params: spec.params,
    valid: fc.constant(spec.valid),
    call: (...a) => shapeOf(spec.call(...a)),
    reference: () => wantShape(spec.out),
    accepts: (i, v) => (spec.optional ?? []).includes(i) && (v === undefined || v === null),
    runs: 30,
  });
}

const X: Param = { name: 'x', aliases: ['input'], junk: TENSOR_JUNK };
const convOut = (n: number, k: number, s: number, p: number, d: number): number =>
  Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;
const arbConvLayer = fc.record({
  cin: fc.integer({ min: 1, max: 2 }),
  cout: fc.integer({ min: 1, max: 2 }),
  k: fc.integer({ min: 1, max: 3 }),
  o: fc.record({ stride: fc.constantFrom(1, 2), padding: fc.constantFrom(0, 1), dilation: fc.constantFrom(1, 2) }),
});
type ConvL = {
  cin: number;
  cout: number;
  k: number;
  o: { stride: number; padding: number; dilation: number; rng?: Rng };
};
const convParams = (...extra: unknown[]): Param[] => [
  { name: 'inChannels', junk: int },
  { name: 'outChannels', junk: int },
  { name: 'kernelSize', junk: fc.constantFrom<unknown>(0, -1, 1.5, '2', null, [1, 2, 3]) },
  options({ stride: 0 }, { padding: -1 }, { groups: 2 }, { dilation: 0.5 }, ...extra),
];
const recurrentParams = (): Param[] => [
  { name: 'inputSize', junk: int },
  { name: 'hiddenSize', junk: int },
  options({ numLayers: 0 }, { dropout: 1 }, { bidirectional: 'yes' }, { batchFirst: 1 }, { bias: 'no' }),
];

export const LAYER_ENTRIES: Entry[] = [
  ...(['Conv1d', 'Conv2d'] as const).map((fn) =>
    layer({
      fn,
      params: convParams({ padding: 'full' }),
      valid: arbConvLayer.map(
        ({ cin, cout, k, o }) => [cin, cout, k, { ...o, rng: rng() }] as [number, number, number, ConvL['o']],
      ),
      make: (cin, cout, k, o) => new (fn === 'Conv1d' ? Conv1d : Conv2d)(cin, cout, k, o),
      input: (cin) => [zeros([1, cin, ...(fn === 'Conv1d' ? [7] : [6, 7])])],
      out: (_i, cout, k, o) => [
        1,
        cout,
        ...(fn === 'Conv1d' ? [7] : [6, 7]).map((n) => convOut(n, k, o.stride, o.padding, o.dilation)),
      ],
      optional: [3],
    }),
  ),
  layer({
    fn: 'ConvTranspose2d',
    params: convParams({ outputPadding: 3 }),
    valid: arbConvLayer.map(
      ({ cin, cout, k, o }) => [cin, cout, k, { ...o, rng: rng() }] as [number, number, number, ConvL['o']],
    ),
    make: (cin, cout, k, o) => new ConvTranspose2d(cin, cout, k, o),
    input: (cin) => [zeros([1, cin, 4, 3])],
    out: (_i, cout, k, o) => [
      1,
      cout,
      ...[4, 3].map((n) => (n - 1) * o.stride - 2 * o.padding + o.dilation * (k - 1) + 1),
    ],
    optional: [3],
  }),
  ...(['MaxPool2d', 'AvgPool2d'] as const).map((fn) =>
    layer({
      fn,
      params: [
        { name: 'kernelSize', junk: fc.constantFrom<unknown>(0, -1, 1.5, '2', null, [1, 2, 3]) },
        options({ stride: 0 }, { padding: 5 }, { ceilMode: 'y' }, { kernelSize: 2 }),
      ],
      valid: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.record({ stride: fc.constantFrom(1, 2) })),
      make: (k, o) => new (fn === 'MaxPool2d' ? MaxPool2d : AvgPool2d)(k, o),
      input: () => [zeros([1, 2, 5, 4])],
      out: (k, o) => [1, 2, ...[5, 4].map((n) => convOut(n, k, o.stride, 0, 1))],
      optional: [1],
    }),
  ),
  layer({
    fn: 'AdaptiveAvgPool2d',
    params: [{ name: 'outputSize', junk: fc.constantFrom<unknown>(0, -1, 1.5, '2', null, [1, 2, 3], {}) }],
    valid: fc.tuple(fc.integer({ min: 1, max: 4 })),
    make: (s) => new AdaptiveAvgPool2d(s),
    input: () => [zeros([1, 2, 5, 4])],
    out: (s) => [1, 2, s, s],
  }),
  layer({
    fn: 'Flatten',
    // An axis beyond the input's rank is found by forward, in flatten (as PyTorch's).
    callers: ['flatten'],
    params: [
      { name: 'startDim', aliases: ['axis'], junk: fc.constantFrom<unknown>(0.5, NaN, '1', {}, 9) },
      { name: 'endDim', aliases: ['axis'], junk: fc.constantFrom<unknown>(0.5, NaN, '1', {}, 9) },
    ],
    valid: fc.constant([1, -1] as [number, number]),
    make: (s, e) => new Flatten(s, e),
    input: () => [zeros([2, 3, 4])],
    out: () => [2, 12],
    optional: [0, 1],
  }),
  ...(['BatchNorm1d', 'BatchNorm2d'] as const).map((fn) =>
    layer({
      fn,
      params: [
        { name: 'numFeatures', junk: int },
        options({ eps: -1 }, { momentum: 2 }, { affine: 'y' }, { trackRunningStats: 1 }),
      ],
      valid: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.constant<unknown>({ momentum: 0.1 })),
      make: (n, o) => new (fn === 'BatchNorm1d' ? BatchNorm1d : BatchNorm2d)(n, o as never),
      input: (n) => [zeros(fn === 'BatchNorm1d' ? [2, n] : [2, n, 2, 2])],
      out: (n) => (fn === 'BatchNorm1d' ? [2, n] : [2, n, 2, 2]),
      optional: [1],
    }),
  ),
  layer({
    fn: 'Dropout2d',
    params: [{ name: 'p', junk: fc.constantFrom<unknown>(1, -0.1, NaN, '0.5', null, {}) }, options()],
    valid: fc.tuple(fc.constantFrom(0, 0.5), fc.constant<unknown>({ rng: rng() })),
    make: (p, o) => new Dropout2d(p, o as never),
    input: () => [zeros([2, 3, 2, 2])],
    out: () => [2, 3, 2, 2],
    optional: [0, 1],
  }),
  layer({
    fn: 'Embedding',
    params: [
      { name: 'numEmbeddings', junk: int },
      { name: 'embeddingDim', junk: int },
      options({ paddingIdx: 9 }, { paddingIdx: 0.5 }),
    ],
    valid: fc.tuple(
      fc.integer({ min: 3, max: 5 }),
      fc.integer({ min: 1, max: 3 }),
      fc.constant<unknown>({ rng: rng() }),
    ),
    make: (n, d, o) => new Embedding(n, d, o as never),
    input: () => [tensor([[0, 2]], { dtype: 'int32' })],
    out: (_n, d) => [1, 2, d],
    optional: [2],
  }),
  layer({
    fn: 'LayerNorm',
    params: [
      {
        name: 'normalizedShape',
        aliases: ['shape'],
        junk: fc.constantFrom<unknown>(0, -1, 1.5, '2', null, [0], [1.5], {}),
      },
      options({ eps: -1 }, { elementwiseAffine: 'y' }),
    ],
    valid: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.constant<unknown>({ eps: 1e-5 })),
    make: (n, o) => new LayerNorm(n, o as never),
    input: (n) => [zeros([2, n])],
    out: (n) => [2, n],
    optional: [1],
  }),
  ...(
    [
      ['RNN', RNN],
      ['LSTM', LSTM],
      ['GRU', GRU],
    ] as const
  ).map(([fn, C]) =>
    layer({
      fn,
      params: recurrentParams(),
      valid: fc.tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constant<unknown>({ rng: rng() }),
      ),
      make: (i, h, o) => new C(i, h, o as never),
      input: (i) => [zeros([4, 2, i])],
      out: (_i, h) => [4, 2, h],
      optional: [2],
    }),
  ),
  ...(
    [
      ['RNNCell', RNNCell],
      ['LSTMCell', LSTMCell],
      ['GRUCell', GRUCell],
    ] as const
  ).map(([fn, C]) =>
    layer({
      fn,
      params: recurrentParams(),
      valid: fc.tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 3 }),
        fc.constant<unknown>({ rng: rng() }),
      ),
      make: (i, h, o) => new C(i, h, o as never),
      input: (i) => [zeros([2, i])],
      out: (_i, h) => [2, h],
      optional: [2],
    }),
  ),
  layer({
    fn: 'MultiheadAttention',
    params: [
      { name: 'embedDim', junk: int },
      { name: 'numHeads', junk: fc.constantFrom<unknown>(0, -1, 0.5, NaN, '2', null, 3) },
      options({ dropout: 1 }, { kdim: 0 }, { batchFirst: 'y' }),
    ],
    valid: fc.tuple(fc.constantFrom(2, 4), fc.constantFrom(1, 2), fc.constant<unknown>({ rng: rng() })),
    make: (e, h, o) => new MultiheadAttention(e, h, o as never),
    input: (e) => [zeros([3, 2, e]), zeros([3, 2, e]), zeros([3, 2, e])],
    out: (e) => [3, 2, e],
    optional: [2],
  }),
  ...(
    [
      ['TransformerEncoderLayer', TransformerEncoderLayer],
      ['TransformerDecoderLayer', TransformerDecoderLayer],
    ] as const
  ).map(([fn, C]) =>
    layer({
      fn,
      params: [
        { name: 'dModel', junk: int },
        { name: 'nhead', aliases: ['numHeads'], junk: fc.constantFrom<unknown>(0, -1, 0.5, NaN, '2', null, 3) },
        options({ dimFeedforward: 0 }, { activation: 'swish' }, { normFirst: 1 }, { dropout: -1 }),
      ],
      valid: fc.tuple(
        fc.constantFrom(2, 4),
        fc.constantFrom(1, 2),
        fc.constant<unknown>({ rng: rng(), dimFeedforward: 8 }),
      ),
      make: (d, h, o) => new C(d, h, o as never),
      input: (d) => (fn === 'TransformerEncoderLayer' ? [zeros([3, 2, d])] : [zeros([3, 2, d]), zeros([4, 2, d])]),
      out: (d) => [3, 2, d],
      optional: [2],
    }),
  ),
  ...LAYER_FORWARDS(),
];

/** Junk in forward's arguments (and in the modules a container takes). */
function LAYER_FORWARDS(): Entry[] {
  const conv = new Conv2d(2, 3, 3, { rng: rng() });
  const lstm = new LSTM(2, 3, { rng: rng() });
  const gruCell = new GRUCell(2, 3, { rng: rng() });
  const mha = new MultiheadAttention(4, 2, { rng: rng() });
  const enc = new TransformerEncoderLayer(4, 2, { rng: rng(), dimFeedforward: 8 });
  const dec = new TransformerDecoderLayer(4, 2, { rng: rng(), dimFeedforward: 8 });
  const emb = new Embedding(3, 2, { rng: rng() });
  const seq = zeros([3, 2, 4]);
  const MASK: Param = {
    name: 'options',
    aliases: ['option', 'Mask', 'mask', 'isCausal', 'IsCausal'],
    junk: fc.constantFrom<unknown>(
      5,
      { srcMask: 5 },
      { tgtMask: 'x' },
      { memoryMask: {} },
      { attnMask: 5 },
      { keyPaddingMask: [1] },
      { isCausal: 'y' },
      { bogus: 1 },
    ),
  };
  return [
    forward({
      fn: 'Conv2d.forward',
      callers: ['conv2d'],
      params: [X],
      valid: [zeros([1, 2, 4, 4])],
      call: (x) => conv.forward(x as never),
      out: [1, 3, 2, 2],
    }),
    forward({
      fn: 'Embedding.forward',
      params: [
        {
          name: 'indices',
          aliases: ['index', 'x'],
          junk: fc.constantFrom<unknown>(
            null,
            5,
            [0],
            tensor([0.5]),
            tensor([3], { dtype: 'int32' }),
            tensor([-4], { dtype: 'int32' }),
          ),
        },
      ],
      valid: [tensor([0, 2], { dtype: 'int32' })],
      call: (i) => emb.forward(i as never),
      out: [2, 2],
    }),
    forward({
      fn: 'LSTM.forward',
      params: [
        X,
        {
          name: 'state',
          aliases: ['h0', 'c0'],
          junk: fc.constantFrom<unknown>(
            5,
            'x',
            zeros([1, 2, 3]),
            [zeros([1, 2, 3])],
            [5, null],
            [zeros([1, 9, 3]), null],
          ),
        },
      ],
      valid: [zeros([4, 2, 2]), [zeros([1, 2, 3]), zeros([1, 2, 3])]],
      call: (x, s) => lstm.forward(x as never, s as never),
      out: [4, 2, 3],
      optional: [1],
    }),
    forward({
      fn: 'GRUCell.forward',
      params: [X, { name: 'h', junk: fc.constantFrom<unknown>(5, 'x', zeros([2, 4]), zeros([3])) }],
      valid: [zeros([2, 2]), zeros([2, 3])],
      call: (x, h) => gruCell.forward(x as never, h as never),
      out: [2, 3],
      optional: [1],
    }),
    forward({
      fn: 'scaledDotProductAttention',
      params: [
        { name: 'q', junk: TENSOR_JUNK },
        { name: 'k', junk: TENSOR_JUNK },
        { name: 'v', junk: TENSOR_JUNK },
        {
          name: 'options',
          aliases: ['option', 'mask', 'isCausal', 'dropout', 'scale', 'rng'],
          junk: fc.constantFrom<unknown>(
            5,
            { mask: 5 },
            { mask: zeros([9, 9]) },
            { isCausal: 'y' },
            { dropout: 1 },
            { scale: NaN },
            { bogus: 1 },
          ),
        },
      ],
      valid: [zeros([2, 3, 4]), zeros([2, 5, 4]), zeros([2, 5, 6]), {}],
      call: (q, k, v, o) => scaledDotProductAttention(q as never, k as never, v as never, o as never),
      out: [2, 3, 6],
      optional: [3],
    }),
    forward({
      fn: 'MultiheadAttention.forward',
      params: [
        { name: 'query', junk: TENSOR_JUNK },
        { name: 'key', junk: TENSOR_JUNK },
        { name: 'value', junk: TENSOR_JUNK },
        MASK,
      ],
      valid: [seq, seq, seq, {}],
      call: (q, k, v, o) => mha.forward(q as never, k as never, v as never, o as never),
      out: [3, 2, 4],
      optional: [3],
    }),
    forward({
      fn: 'TransformerEncoderLayer.forward',
      params: [{ name: 'src', junk: TENSOR_JUNK }, MASK],
      valid: [seq, {}],
      call: (s, o) => enc.forward(s as never, o as never),
      out: [3, 2, 4],
      optional: [1],
    }),
    forward({
      fn: 'TransformerDecoderLayer.forward',
      params: [{ name: 'tgt', junk: TENSOR_JUNK }, { name: 'memory', junk: TENSOR_JUNK }, MASK],
      valid: [seq, zeros([5, 2, 4]), {}],
      call: (t, m, o) => dec.forward(t as never, m as never, o as never),
      out: [3, 2, 4],
      optional: [2],
    }),
    entry({
      fn: 'ModuleList',
      params: [
        {
          name: 'modules',
          aliases: ['Module'],
          junk: fc.constantFrom<unknown>(5, 'ab', {}, [5], [null], [new Flatten(), 'x']),
        },
      ],
      valid: fc.constant([[new Flatten(), new Flatten()]] as [unknown]),
      call: (m) => new ModuleList(m as never).length,
      reference: () => 2,
      accepts: (_i, v) => v === undefined,
    }),
    entry({
      fn: 'ModuleDict',
      params: [
        {
          name: 'modules',
          aliases: ['Module'],
          junk: fc.constantFrom<unknown>(5, 'ab', null, [5], { a: 5 }, [['a']], [[5, new Flatten()]]),
        },
      ],
      valid: fc.constant([{ a: new Flatten(), b: new Flatten() }] as [unknown]),
      call: (m) => new ModuleDict(m as never).size,
      reference: () => 2,
      accepts: (_i, v) => v === undefined,
    }),
  ];
}
