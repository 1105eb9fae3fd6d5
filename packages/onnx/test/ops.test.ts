/**
 * @jest-environment ./packages/onnx/test/helpers/ort-environment.ts
 */
import {
  type DType,
  Rng,
  Tensor,
  broadcastTo,
  clip,
  concat,
  cumsum,
  embedding,
  erf,
  gather,
  gelu,
  gruCell,
  lstmCell,
  lstmSequence,
  logSigmoid,
  maskedFill,
  maximum,
  minimum,
  ones,
  softplus,
  tril,
  triu,
  leakyRelu,
  linear,
  logSoftmax,
  matmul,
  matmulT,
  max,
  mean,
  min,
  pow,
  rand,
  randn,
  repeat,
  softmax,
  stack,
  sum,
  sumTo,
  tensor,
  where,
  adaptiveAvgPool2d,
  avgPool2d,
  batchNorm,
  conv1d,
  conv2d,
  convTranspose2d,
  maxPool2d,
  pad,
} from '@tapegrad/core';
import { CONVERTERS, decodeModel, encodeModel, traceForward } from '@tapegrad/onnx';
import { checkOnnx, pythonWith } from './helpers/python';
import { randomInputs, verifyInOrt } from './helpers/verify';

const rng = new Rng(2024);
const param = (shape: number[], dtype: DType = 'float32'): Tensor => randn(shape, { rng, dtype, requiresGrad: true });

interface Case {
  name: string;
  /** Tape ops the case must record (so each converter is exercised). */
  ops: string[];
  /** The ONNX op types its graph must consist of. */
  onnx: string[];
  /** Example input shapes; axis 0 of each is the dynamic batch. */
  shapes: number[][];
  forward: (...xs: Tensor[]) => Tensor | Tensor[];
  dtype?: DType;
  positive?: boolean;
  opset?: number;
  /** Input i is int32 ids below ids[i]. */
  ids?: (number | undefined)[];
}

const W = param([4, 3]);
const b = param([4]);
const V = param([3, 5]);
const W64 = param([2, 3], 'float64');
const mask = tensor([1, 0, 1]);
const E = param([7, 4]);
const causal = triu(ones([5, 5]), 1); // 1 above the diagonal: the future, masked
const cell = (gates: number, bias: boolean) => ({
  wIh: param([gates * 4, 5]),
  wHh: param([gates * 4, 4]),
  bIh: bias ? param([gates * 4]) : null,
  bHh: bias ? param([gates * 4]) : null,
});
const L1 = cell(4, true);
const L2 = cell(4, false);
const G1 = cell(3, true);
const G2 = cell(3, false);
const K = param([4, 3, 3, 3]);
const Kg = param([6, 2, 3, 2]);
const Kb = param([4]);
const K1 = param([5, 3, 3]);
const K1b = param([5]);
const KTb = param([2]);
const stats = { mean: randn([3], { rng }), variance: rand([3], { rng }).add(0.2) };
const gamma = param([3]);
const beta = param([3]);
const KT = param([3, 2, 3, 3]);

const CASES: Case[] = [
  {
    name: 'linear with bias (Gemm, transB)',
    onnx: ['Gemm'],
    ops: ['linear'],
    shapes: [[3, 3]],
    forward: (x) => linear(x, W, b),
  },
  { name: 'linear without bias', onnx: ['Gemm'], ops: ['linear'], shapes: [[3, 3]], forward: (x) => linear(x, W) },
  {
    name: 'matmulT of matrices, all flag pairs',
    onnx: ['Gemm', 'Transpose'],
    ops: ['matmul'],
    shapes: [[3, 3]],
    forward: (x) => [
      matmulT(x, V, false, false),
      matmulT(x, W, false, true),
      matmulT(x, x, true, false),
      matmulT(x, x.transpose(), true, true),
    ],
  },
  {
    name: 'matmul of a stack by a matrix (reshape around Gemm)',
    onnx: ['Concat', 'Gemm', 'Reshape', 'Shape'],
    ops: ['matmul', 'reshape'],
    shapes: [[3, 2, 3]],
    forward: (x) => matmul(x, V),
  },
  {
    name: 'batched matmul with transposed operands (Transpose + MatMul)',
    onnx: ['MatMul', 'Transpose'],
    ops: ['matmul'],
    shapes: [[3, 2, 3]],
    forward: (x) => [matmulT(x, x, true, false), matmulT(x, x, false, true)],
  },
  {
    name: 'add, sub, mul, div with broadcast biases and numbers (folded into the ops)',
    onnx: ['Add', 'Div', 'Mul', 'Sub'],
    ops: ['add', 'sub', 'mul', 'div', 'broadcastTo'],
    shapes: [[3, 4]],
    forward: (x) =>
      x
        .mul(0.5)
        .add(b)
        .sub(x.div(b.add(3)))
        .div(2),
  },
  {
    name: 'neg, exp, abs',
    onnx: ['Abs', 'Add', 'Exp', 'Neg'],
    ops: ['neg', 'exp', 'abs'],
    shapes: [[3, 4]],
    forward: (x) => x.neg().exp().add(x.abs()),
  },
  {
    name: 'clone (Identity)',
    onnx: ['Identity', 'Mul'],
    ops: ['clone', 'mul'],
    shapes: [[3, 4]],
    forward: (x) => x.clone().mul(x),
  },
  {
    name: 'log, sqrt',
    onnx: ['Add', 'Log', 'Sqrt'],
    ops: ['log', 'sqrt'],
    shapes: [[3, 4]],
    positive: true,
    forward: (x) => x.log().add(x.sqrt()),
  },
  {
    name: 'pow by a number and by a tensor',
    onnx: ['Pow'],
    ops: ['pow'],
    shapes: [
      [3, 4],
      [3, 4],
    ],
    positive: true,
    forward: (x, y) => [pow(x, 3), x.square(), pow(x, y)],
  },
  {
    name: 'relu, sigmoid, tanh, leakyRelu',
    onnx: ['LeakyRelu', 'Relu', 'Sigmoid', 'Tanh'],
    ops: ['relu', 'sigmoid', 'tanh', 'leakyRelu'],
    shapes: [[3, 4]],
    forward: (x) => [x.relu(), x.sigmoid(), x.tanh(), leakyRelu(x, 0.1)],
  },
  {
    name: 'softmax and logSoftmax on the last and a middle axis',
    onnx: ['LogSoftmax', 'Softmax'],
    ops: ['softmax', 'logSoftmax'],
    shapes: [[3, 4, 5]],
    forward: (x) => [softmax(x), logSoftmax(x, 1), softmax(x, 1)],
  },
  {
    name: 'reshape and flatten: copied, inferred and static extents; a flatten from axis 1 is Flatten',
    onnx: ['Flatten', 'Reshape'],
    ops: ['reshape'],
    shapes: [[3, 2, 3]],
    forward: (x) => [x.flatten(1), x.reshape([-1]), x.reshape([-1, 3, 2]), x.expandDims(1).squeeze(1).reshape([-1, 6])],
  },
  {
    name: 'transpose',
    onnx: ['Transpose'],
    ops: ['transpose'],
    shapes: [[3, 2, 4]],
    forward: (x) => [x.transpose([0, 2, 1]), x.transpose()],
  },
  {
    name: 'concat and stack, with a parameter along the batch',
    onnx: ['Concat', 'Mul', 'Neg', 'ReduceSum', 'Reshape', 'Slice', 'Transpose'],
    ops: ['concat', 'reshape'],
    shapes: [[3, 4]],
    forward: (x) => [
      concat([x, x.mul(2)], 1),
      stack([x, x.neg()], 1),
      concat([x, W.transpose().slice([0, 1])], 0).sum(0),
    ],
  },
  {
    name: 'slice: ranges, steps, reversal, integer indices',
    onnx: ['Slice', 'Squeeze'],
    ops: ['slice'],
    shapes: [[3, 5, 4]],
    forward: (x) => [
      x.slice(null, [1, 4]),
      x.slice(null, [null, null, 2], -1),
      x.slice(null, [null, null, -1]),
      x.slice(null, 0, [1, null, 2]),
    ],
  },
  {
    name: 'gather along a feature axis',
    onnx: ['Gather'],
    ops: ['gather'],
    shapes: [[3, 5]],
    forward: (x) => gather(x, [4, 0, 0, 2], 1),
  },
  {
    name: 'where with a constant mask broadcast over the batch',
    onnx: ['Neg', 'Where'],
    ops: ['where'],
    shapes: [[3, 3]],
    forward: (x) => where(mask, x, x.neg()),
  },
  {
    name: 'clip with finite and infinite bounds',
    onnx: ['Clip'],
    ops: ['clip'],
    shapes: [[3, 4]],
    forward: (x) => [clip(x, -0.5, 0.5), clip(x, 0, Infinity), clip(x, -Infinity, 0.3)],
  },
  {
    name: 'astype float32 ↔ float64',
    onnx: ['Cast', 'Gemm'],
    ops: ['astype'],
    shapes: [[3, 3]],
    forward: (x) => linear(x.astype('float64'), W64).astype('float32'),
  },
  {
    name: 'sum and mean over axes, kept or not, and over everything',
    onnx: ['Div', 'ReduceSum'],
    ops: ['sum', 'div'],
    shapes: [[3, 4, 2]],
    forward: (x) => [sum(x, 1), sum(x, [1, 2], true), mean(x, -1), sum(x)],
  },
  {
    name: 'max and min (axes as an attribute, opset 17)',
    onnx: ['ReduceMax', 'ReduceMin'],
    ops: ['max', 'min'],
    shapes: [[3, 4, 2]],
    forward: (x) => [max(x, 1), min(x, [1, 2], true)],
  },
  {
    name: 'max and min (axes as an input, opset 18)',
    onnx: ['ReduceMax', 'ReduceMin'],
    ops: ['max', 'min'],
    shapes: [[3, 4, 2]],
    opset: 18,
    forward: (x) => [max(x, 1), min(x, [1, 2], true)],
  },
  {
    name: 'sumTo over the batch and leading axes',
    onnx: ['ReduceSum', 'Reshape'],
    ops: ['sumTo'],
    shapes: [[3, 4, 2]],
    forward: (x) => [sumTo(x, [1, 4, 1]), sumTo(x, [4, 2])],
  },
  {
    name: 'broadcastTo that no op folds (an output): Expand to the run-time batch',
    onnx: ['Concat', 'Expand', 'ReduceSum', 'Shape'],
    ops: ['broadcastTo'],
    shapes: [[3, 4]],
    forward: (x) => [broadcastTo(b, x.shape), broadcastTo(x.sum(1, true), x.shape)],
  },
  {
    name: 'repeat (np.repeat) along an axis',
    onnx: ['Expand', 'Reshape', 'Unsqueeze'],
    ops: ['repeat'],
    shapes: [[3, 2, 3]],
    forward: (x) => [repeat(x, 2, 1), repeat(x, 3, 2)],
  },
  {
    name: 'conv2d: bias, stride, padding, dilation, groups, same',
    onnx: ['Concat', 'Conv'],
    ops: ['conv2d'],
    shapes: [[3, 3, 7, 6]],
    forward: (x) => [
      conv2d(x, K, Kb),
      conv2d(x, K, null, { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }),
      conv2d(x, K, Kb, { padding: 'same', dilation: 2 }),
      conv2d(concat([x, x], 1), Kg, null, { groups: 3, stride: 2 }),
    ],
  },
  {
    name: 'conv1d: stride, padding, dilation',
    onnx: ['Conv'],
    ops: ['conv1d'],
    shapes: [[3, 3, 9]],
    forward: (x) => [conv1d(x, K1, K1b), conv1d(x, K1, null, { stride: 2, padding: 2, dilation: 3 })],
  },
  {
    name: 'convTranspose2d: bias, stride, padding, output padding, dilation, groups',
    onnx: ['Concat', 'ConvTranspose'],
    ops: ['convTranspose2d'],
    shapes: [[3, 3, 4, 5]],
    forward: (x) => [
      convTranspose2d(x, KT, KTb),
      convTranspose2d(x, KT, null, { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2], dilation: [1, 2] }),
      convTranspose2d(concat([x, x], 1), concat([KT, KT], 0), null, { groups: 2, stride: 2 }),
    ],
  },
  {
    name: 'maxPool2d: stride, padding, dilation, ceil mode',
    onnx: ['MaxPool'],
    ops: ['maxPool2d'],
    shapes: [[3, 2, 7, 8]],
    forward: (x) => [
      maxPool2d(x, 2),
      maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }),
      maxPool2d(x, { kernelSize: [2, 3], stride: [1, 2], dilation: [2, 1] }),
      maxPool2d(x, { kernelSize: 2, ceilMode: true }),
      maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }),
    ],
  },
  {
    name: 'avgPool2d: stride, padding counted or not, ceil mode',
    onnx: ['AveragePool'],
    ops: ['avgPool2d'],
    shapes: [[3, 2, 7, 8]],
    forward: (x) => [
      avgPool2d(x, 2),
      avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1 }),
      avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }),
      avgPool2d(x, { kernelSize: [2, 3], stride: [2, 2], ceilMode: true }),
    ],
  },
  {
    name: 'adaptiveAvgPool2d: to 1×1 (global) and to a divisor of the input',
    onnx: ['AveragePool', 'GlobalAveragePool'],
    ops: ['adaptiveAvgPool2d'],
    shapes: [[3, 2, 6, 8]],
    forward: (x) => [adaptiveAvgPool2d(x, 1), adaptiveAvgPool2d(x, [3, 2]), adaptiveAvgPool2d(x, [null, 4])],
  },
  {
    name: 'pad: constant, reflect and replicate',
    onnx: ['Pad'],
    ops: ['pad'],
    shapes: [[3, 2, 4, 5]],
    forward: (x) => [
      pad(x, [1, 2, 0, 1]),
      pad(x, [1, 1, 2, 0], { value: -1.5 }),
      pad(x, [2, 1, 3, 1], { mode: 'reflect' }),
      pad(x, [2, 1, 1, 2], { mode: 'replicate' }),
      pad(
        x,
        [
          [1, 0],
          [0, 0],
          [0, 0],
          [0, 0],
        ],
        { value: 2 },
      ),
    ],
  },
  {
    name: 'batchNorm with given statistics on [N, C], [N, C, L] and [N, C, H, W], with or without weight and bias',
    onnx: ['BatchNormalization', 'ReduceSum', 'Reshape'],
    ops: ['batchNorm'],
    shapes: [[3, 3, 4, 5]],
    forward: (x) => {
      const { mean, variance } = stats;
      return [
        batchNorm(x, mean, variance, gamma, beta),
        batchNorm(x, mean, variance, null, null, { eps: 0.1 }),
        batchNorm(x.reshape([-1, 3, 20]), mean, variance, gamma),
        batchNorm(x.sum([2, 3]), mean, variance, null, beta, { eps: 1e-3 }),
      ];
    },
  },
  {
    name: 'float64 end to end',
    onnx: ['Gemm', 'Tanh'],
    ops: ['linear', 'tanh'],
    shapes: [[3, 3]],
    dtype: 'float64',
    forward: (x) => linear(x, W64).tanh(),
  },
  {
    name: 'sin, cos, erf',
    onnx: ['Add', 'Cos', 'Erf', 'Sin'],
    ops: ['sin', 'cos', 'erf'],
    shapes: [[3, 4]],
    forward: (x) => x.sin().add(x.cos()).add(erf(x)),
  },
  {
    name: 'maximum and minimum, with a broadcast bias (folded into Max/Min)',
    onnx: ['Max', 'Min'],
    ops: ['maximum', 'minimum', 'broadcastTo'],
    shapes: [
      [3, 4],
      [3, 4],
    ],
    forward: (x, y) => [maximum(x, y), minimum(x, b)],
  },
  {
    name: 'gelu, exact and tanh forms, composed (opset 17)',
    onnx: ['Add', 'Erf', 'Mul', 'Pow', 'Tanh'],
    ops: ['gelu'],
    shapes: [[3, 4]],
    forward: (x) => [gelu(x), gelu(x, 'tanh')],
  },
  {
    name: 'gelu, exact and tanh forms (Gelu, opset 20)',
    onnx: ['Gelu', 'Mul'],
    ops: ['gelu'],
    shapes: [[3, 4]],
    opset: 20,
    forward: (x) => [gelu(x.mul(3)), gelu(x.mul(3), 'tanh')],
  },
  {
    name: 'softplus (β = 1 and 2) and logSigmoid',
    onnx: ['Div', 'Mul', 'Neg', 'Softplus'],
    ops: ['softplus', 'logSigmoid'],
    shapes: [[3, 4]],
    forward: (x) => [softplus(x.mul(10)), softplus(x, 2), logSigmoid(x.mul(10))],
  },
  {
    name: 'cumsum along the batch and a feature axis',
    onnx: ['CumSum'],
    ops: ['cumsum'],
    shapes: [[3, 4]],
    forward: (x) => [cumsum(x, 0), cumsum(x, 1)],
  },
  {
    name: 'triu and tril with diagonals',
    onnx: ['Trilu'],
    ops: ['triangle'],
    shapes: [[3, 4, 4]],
    forward: (x) => [triu(x), tril(x, -1), triu(x, 2)],
  },
  {
    name: 'maskedFill with a causal mask, then softmax (masked attention scores)',
    onnx: ['Cast', 'Softmax', 'Where'],
    ops: ['maskedFill', 'softmax'],
    shapes: [[3, 5, 5]],
    forward: (x) => maskedFill(x, causal, -Infinity).softmax(-1),
  },
  {
    name: 'embedding of int32 ids (a graph input) and a float input beside them',
    onnx: ['Add', 'Gather'],
    ops: ['embedding'],
    shapes: [
      [3, 6],
      [3, 6, 4],
    ],
    ids: [7, undefined],
    forward: (ids, x) => embedding(ids, E).add(x),
  },
  {
    name: 'lstmCell, two steps with and without biases (ONNX LSTM, gates reordered i,f,g,o → i,o,f,c)',
    onnx: ['Concat', 'Gather', 'LSTM', 'Mul', 'Reshape', 'Shape', 'Slice', 'Tanh', 'Unsqueeze'],
    ops: ['lstmCell'],
    shapes: [
      [3, 5],
      [3, 4],
    ],
    forward: (x, h) => {
      const s1 = lstmCell(x, stack([h, h.tanh()], 0), L1.wIh, L1.wHh, L1.bIh, L1.bHh);
      const s2 = lstmCell(x.mul(0.5), s1, L1.wIh, L1.wHh, L1.bIh, L1.bHh);
      return [s2, lstmCell(x, s2, L2.wIh, L2.wHh)];
    },
  },
  {
    name: 'lstmSequence over 4 steps, with and without biases (one ONNX LSTM per step)',
    onnx: ['Concat', 'Gather', 'LSTM', 'Reshape', 'Shape', 'Slice', 'Tanh', 'Transpose', 'Unsqueeze'],
    ops: ['lstmSequence'],
    shapes: [
      [3, 4, 5],
      [3, 4],
    ],
    forward: (x, h) => {
      const xs = x.transpose([1, 0, 2]); // [T, B, in]
      const s0 = stack([h, h.tanh()], 0);
      return [lstmSequence(xs, s0, L1.wIh, L1.wHh, L1.bIh, L1.bHh), lstmSequence(xs, s0, L2.wIh, L2.wHh)];
    },
  },
  {
    name: 'gruCell, two steps with and without biases (ONNX GRU, r,z,n → z,r,h, linear_before_reset)',
    onnx: ['Concat', 'GRU', 'Gather', 'Mul', 'Squeeze', 'Unsqueeze'],
    ops: ['gruCell'],
    shapes: [
      [3, 5],
      [3, 4],
    ],
    forward: (x, h) => {
      const h1 = gruCell(x, h, G1.wIh, G1.wHh, G1.bIh, G1.bHh);
      return [gruCell(x.mul(0.5), h1, G1.wIh, G1.wHh, G1.bIh, G1.bHh), gruCell(x, h1, G2.wIh, G2.wHh)];
    },
  },
  {
    name: 'var, std, permute, unsqueeze, split, chunk and bmm (composed of mapped ops)',
    onnx: ['Div', 'MatMul', 'Mul', 'ReduceSum', 'Reshape', 'Slice', 'Sqrt', 'Sub', 'Transpose'],
    ops: ['sum', 'sub', 'mul', 'div', 'sqrt', 'transpose', 'reshape', 'slice', 'matmul'],
    shapes: [[3, 4, 6]],
    forward: (x) => {
      const [a, c] = x.split(3, 2);
      const [p] = x.chunk(2, 1);
      return [
        x.var(-1),
        x.std(1, { correction: 0 }),
        x.permute(2, 0, 1),
        x.unsqueeze(1),
        a.bmm(c.transpose([0, 2, 1])),
        p,
      ];
    },
  },
];

const exported: [string, Uint8Array][] = [];
const recorded = new Set<string>();

describe.each(CASES)('$name', (c) => {
  test('records its ops, exports to the expected ONNX ops, and ONNX Runtime matches tapegrad within 1e-5 for batch 3, 1 and 6', async () => {
    const model = { forward: c.forward };
    const ops = traceForward(
      model,
      randomInputs(c.shapes, new Rng(1), c.dtype ?? 'float32', c.positive, c.ids),
    ).nodes.map((n) => n.op.name);
    for (const op of ops) recorded.add(op);
    expect(ops).toEqual(expect.arrayContaining(c.ops));
    const { bytes, worst, onnxOps } = await verifyInOrt(model, c.shapes, [3, 1, 6], {
      dtype: c.dtype,
      positive: c.positive,
      ids: c.ids,
      export: { opsetVersion: c.opset ?? 17 },
    });
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(onnxOps.sort()).toEqual(c.onnx);
    if ((c.opset ?? 17) === 17) exported.push([c.name, bytes]);
  });
});

test('every op in the converter table is exercised by a case above', () => {
  expect([...recorded].filter((op) => !(op in CONVERTERS))).toEqual([]);
  expect(Object.keys(CONVERTERS).filter((op) => !recorded.has(op))).toEqual([]);
});

const onnxPy = pythonWith(['onnx']);
(onnxPy.ok ? test : test.skip)("every exported opset-17 model passes ONNX's checker (full_check)", () => {
  expect(exported.length).toBeGreaterThan(20);
  expect(checkOnnx(exported)).toEqual([]);
  // …and the check can fail: a graph whose node reads a value nothing defines.
  const broken = decodeModel(exported[0][1]);
  broken.graph.node[0].input[0] = 'nowhere';
  expect(checkOnnx([['broken', encodeModel(broken)]])).toEqual([expect.stringMatching(/^broken: .*nowhere/)]);
});
