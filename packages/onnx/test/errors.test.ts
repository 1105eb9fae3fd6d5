/**
 * @jest-environment ./packages/onnx/test/helpers/ort-environment.ts
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  Rng,
  Tensor,
  ValueError,
  adaptiveAvgPool2d,
  argmax,
  defineOp,
  embedding,
  gt,
  linear,
  maskedFill,
  mul,
  noGrad,
  randn,
  runOp,
  tensor,
  where,
} from '@tapegrad/core';
import {
  BatchNorm2d,
  Conv2d,
  Dropout,
  Dropout2d,
  Linear,
  ReLU,
  Sequential,
  mlp,
  softmaxCrossEntropy,
} from '@tapegrad/nn';
import {
  DynamicAxisError,
  OnnxExportError,
  UnsupportedOpError,
  decodeModel,
  exportOnnx,
  type OpMapping,
} from '@tapegrad/onnx';
import { relError, runOrt } from './helpers/ort';

const rng = new Rng(11);
const x = randn([3, 4], { rng });
const batch = { input: { 0: 'batch' } };

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('an op without a mapping', () => {
  test('is a typed error naming it (a loss is not part of the model)', () => {
    const W = randn([3, 4], { rng, requiresGrad: true });
    const labels = tensor([0, 1, 2], { dtype: 'int32' });
    const e = thrown(() => exportOnnx({ forward: (t) => softmaxCrossEntropy(linear(t, W), labels) }, x));
    expect(e).toBeInstanceOf(UnsupportedOpError);
    expect((e as UnsupportedOpError).op).toBe('softmaxCrossEntropy');
    expect(e.message).toMatch(/op 'softmaxCrossEntropy' \(node 1 of 2\) has no ONNX mapping/);
  });

  test('a custom op exports once options.converters maps it, and runs in ONNX Runtime', async () => {
    const softsign = defineOp<void>({
      name: 'softsign',
      forward: ([t]) => noGrad(() => t.div(t.abs().add(1))),
      backward: () => {
        throw new Error('not needed here');
      },
    });
    const model = { forward: (t: Tensor) => runOp(softsign, [t], undefined).mul(2) };
    expect((thrown(() => exportOnnx(model, x)) as UnsupportedOpError).op).toBe('softsign');
    const mapping: OpMapping = {
      onnx: ['Softsign'],
      convert: (ctx) => ctx.emit('Softsign', [ctx.input(0)], {}, ctx.output),
    };
    const bytes = exportOnnx(model, x, { converters: { softsign: mapping }, dynamicAxes: batch });
    const x5 = randn([5, 4], { rng });
    const { output } = await runOrt(bytes, { input: x5 });
    expect(relError(output.data, noGrad(() => model.forward(x5)).data)).toBeLessThan(1e-6);
  });
});

describe('adaptive average pooling to a size that does not divide the input', () => {
  const pool = { forward: (t: Tensor) => adaptiveAvgPool2d(t, [3, 2]) };

  test('is an UnsupportedOpError naming it (its windows are uneven)', () => {
    const e = thrown(() => exportOnnx(pool, randn([2, 1, 7, 4], { rng })));
    expect(e).toBeInstanceOf(UnsupportedOpError);
    expect((e as UnsupportedOpError).op).toBe('adaptiveAvgPool2d');
    expect(e.message).toMatch(/from 7×4 to 3×2 has windows of uneven size/);
  });

  test('and so is one over a dynamic spatial axis (its windows change with it)', () => {
    const e = thrown(() => exportOnnx(pool, randn([2, 1, 6, 4], { rng }), { dynamicAxes: { input: { 2: 'h' } } }));
    expect(e).toBeInstanceOf(DynamicAxisError);
    expect(e.message).toMatch(/needs static spatial extents, got h×4/);
  });
});

describe('dynamic axes the model cannot support are typed errors', () => {
  const net = mlp([4, 8, 2], { rng: new Rng(0) }).eval();

  test('an axis the layers fix (Linear needs 4 features)', () => {
    const e = thrown(() => exportOnnx(net, x, { dynamicAxes: { input: { 1: 'features' } } }));
    expect(e).toBeInstanceOf(DynamicAxisError);
    expect(e.message).toMatch(/'features' \(4 → 5\).*Linear\.forward: x must end in 4 features/);
  });

  test('an axis that does not exist, a name that is no input or output, two extents for one name', () => {
    expect(() => exportOnnx(net, x, { dynamicAxes: { input: { 2: 'n' } } })).toThrow(DynamicAxisError);
    expect(() => exportOnnx(net, x, { dynamicAxes: { inptu: [0] } })).toThrow(
      /not a graph input or output \(input, output\)/,
    );
    const add = { forward: (a: Tensor, b: Tensor) => a.add(b.sum(0)) };
    const e = thrown(() =>
      exportOnnx(add, [x, randn([5, 4])], { dynamicAxes: { input_0: { 0: 'n' }, input_1: { 0: 'n' } } }),
    );
    expect(e).toBeInstanceOf(DynamicAxisError);
    expect(e.message).toMatch(/'n' has extent 5 in input 'input_1' but 3 in input 'input_0'/);
  });

  test('an output axis that does not change with the inputs', () => {
    const e = thrown(() => exportOnnx(net, x, { dynamicAxes: { ...batch, output: { 1: 'classes' } } }));
    expect(e).toBeInstanceOf(DynamicAxisError);
    expect(e.message).toMatch(/axis 1 of output 'output' \('classes'\) has extent 2/);
  });

  test('a constant of the batch shape that is not uniform along the batch', () => {
    const noisy = { forward: (t: Tensor) => t.add(randn(t.shape, { rng })) };
    expect(thrown(() => exportOnnx(noisy, x, { dynamicAxes: batch })).message).toMatch(
      /uses a constant of shape \[batch,4\] whose values vary along the dynamic axes 'batch'/,
    );
  });

  test('a graph or an attribute that depends on the batch size', () => {
    const branchy = { forward: (t: Tensor) => (t.shape[0] > 3 ? t.relu() : t.tanh()) };
    expect(thrown(() => exportOnnx(branchy, x, { dynamicAxes: batch })).message).toMatch(
      /records a different graph when the dynamic axes 'batch' \(3 → 4\) change size \(op 'tanh' became 'relu'\)/,
    );
    const dropLast = { forward: (t: Tensor) => t.slice([0, t.shape[0] - 1]) };
    const e = thrown(() => exportOnnx(dropLast, x, { dynamicAxes: batch }));
    expect(e).toBeInstanceOf(DynamicAxisError);
    expect(e.message).toMatch(/op 'slice' \(node 0\) has other attributes/);
    expect(() => exportOnnx(dropLast, x)).not.toThrow();
  });
});

describe('what the tape does not record is refused, never baked in', () => {
  test('a mask computed from the input by a comparison', () => {
    const leaky = { forward: (t: Tensor) => where(gt(t, 0), t, mul(t, 0.1)) };
    const e = thrown(() => exportOnnx(leaky, x));
    expect(e).toBeInstanceOf(OnnxExportError);
    expect(e).not.toBeInstanceOf(DynamicAxisError);
    expect(e.message).toMatch(
      /has other values for other inputs: it was computed from the input by ops tapegrad does not record/,
    );
  });

  test('a padding mask computed from int32 ids outside the tape (their second trace is reordered)', () => {
    const E = randn([5, 3], { rng, requiresGrad: true });
    const ids = tensor([[0, 1, 2, 3]], { dtype: 'int32' });
    const model = { forward: (t: Tensor) => maskedFill(embedding(t, E), t.eq(0).reshape([1, 4, 1]), 0) };
    expect(() => exportOnnx(model, ids)).toThrow(/has other values for other inputs/);
    // the mask as an input of its own exports: ids and mask are both graph inputs
    const masked = { forward: (t: Tensor, m: Tensor) => maskedFill(embedding(t, E), m, 0) };
    const bytes = exportOnnx(masked, [ids, tensor([[[1], [0], [0], [1]]], { dtype: 'int32' })], {
      onWarning: () => {},
    });
    expect(decodeModel(bytes).graph.input.map((i) => i.type.tensor_type.elem_type)).toEqual([6, 6]); // INT32
  });

  test('an output computed outside the tape (argmax), and control flow on values', () => {
    const top = { forward: (t: Tensor) => argmax(t, 1).astype('float32').add(t.sum(1)) };
    expect(() => exportOnnx(top, x)).toThrow(OnnxExportError);
    const first = tensor([[1, 2, 3, 4]]);
    const peek = { forward: (t: Tensor) => (t.data[0] > 0 ? t.relu() : t.tanh()) };
    expect(thrown(() => exportOnnx(peek, first)).message).toMatch(/different graph for other input values/);
  });

  test('an int32 input that no recorded op reads (its cast is not recorded), unknown opsets', () => {
    const ids = tensor([[1, 2, 3, 4]], { dtype: 'int32' });
    const W = randn([4, 2], { rng, requiresGrad: true });
    const model = { forward: (t: Tensor) => t.astype('float32').matmul(W) };
    expect(() => exportOnnx(model, ids)).toThrow(OnnxExportError);
    expect(() => exportOnnx(model, ids)).toThrow(/input 0 is int32 \[1,4\] and no recorded op reads it/);
    expect(() => exportOnnx(mlp([4, 2]), x, { opsetVersion: 16 })).toThrow(ValueError);
    expect(() => exportOnnx(mlp([4, 2]), x, { opsetVersion: 22 })).toThrow(/one of 17, 18, 19, 20, 21/);
  });
});

describe('training mode', () => {
  test('warns once, exports the eval behaviour (no Dropout), and restores every module’s mode', async () => {
    const drop = new Dropout(0.5, { rng: new Rng(0) });
    const model = new Sequential(new Linear(4, 8), drop, new ReLU(), new Linear(8, 2));
    model.train();
    model[3].eval();
    const warnings: string[] = [];
    const bytes = exportOnnx(model, x, { onWarning: (m) => warnings.push(m), dynamicAxes: batch });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/in training mode; exporting its evaluation behaviour/);
    expect(decodeModel(bytes).graph.node.map((n) => n.op_type)).toEqual(['Gemm', 'Relu', 'Gemm']);
    expect([model.training, drop.training, model[3].training]).toEqual([true, true, false]);
    const { output } = await runOrt(bytes, { input: x });
    model.eval();
    expect(relError(output.data, noGrad(() => model.forward(x)).data)).toBeLessThan(1e-5);
    exportOnnx(model, x, { onWarning: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
  });
});

describe('a conv net with BatchNorm and Dropout2d in training mode', () => {
  test('exports the eval behaviour: BatchNorm with its running statistics, Dropout2d as nothing', async () => {
    const bn = new BatchNorm2d(3);
    const model = new Sequential(new Conv2d(2, 3, 3, { rng: new Rng(2) }), bn, new Dropout2d(0.5), new ReLU());
    const images = randn([4, 2, 6, 6], { rng });
    noGrad(() => model.forward(images.mul(3).add(1))); // a training pass moves the statistics
    const warnings: string[] = [];
    const bytes = exportOnnx(model, images, { onWarning: (m) => warnings.push(m), dynamicAxes: batch });
    expect(warnings).toHaveLength(1);
    expect(model.training).toBe(true);
    expect(bn.numBatchesTracked!.item()).toBe(1); // the export's passes ran in eval mode
    const { graph } = decodeModel(bytes);
    expect(graph.node.map((n) => n.op_type)).toEqual(['Conv', 'BatchNormalization', 'Relu']);
    expect(graph.node[1].input.slice(1)).toEqual(['1.weight', '1.bias', '1.running_mean', '1.running_var']);
    const x5 = randn([5, 2, 6, 6], { rng });
    const { output } = await runOrt(bytes, { input: x5 });
    model.eval();
    expect(relError(output.data, noGrad(() => model.forward(x5)).data)).toBeLessThan(1e-5);
  });
});

describe('graph interface', () => {
  test('initializers carry the state-dict names; names, several inputs and outputs, an output that is an input', async () => {
    const net = mlp([4, 3, 2], { rng: new Rng(1) }).eval();
    const g = decodeModel(exportOnnx(net, x)).graph;
    expect(g.initializer.map((t) => t.name)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);

    const pair = { forward: (a: Tensor, b: Tensor) => [a.add(b), a.mul(b), a] };
    const y = randn([3, 4], { rng });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-onnx-')), 'pair.onnx');
    const bytes = exportOnnx(pair, [x, y], {
      path: file,
      inputNames: ['a', 'b'],
      outputNames: ['sum', 'product', 'same'],
      dynamicAxes: { a: { 0: 'n' }, b: { 0: 'n' }, sum: { 0: 'n' } },
    });
    expect(new Uint8Array(fs.readFileSync(file))).toEqual(bytes);
    fs.rmSync(path.dirname(file), { recursive: true });
    const model = decodeModel(bytes);
    expect(model.graph.input.map((v) => v.name)).toEqual(['a', 'b']);
    expect(model.graph.output.map((v) => v.type.tensor_type.shape.dim)).toEqual([
      [{ dim_param: 'n' }, { dim_value: 4 }],
      [{ dim_param: 'n' }, { dim_value: 4 }],
      [{ dim_param: 'n' }, { dim_value: 4 }],
    ]);
    const a = randn([6, 4], { rng });
    const b = randn([6, 4], { rng });
    const out = await runOrt(bytes, { a, b });
    expect(relError(out.sum.data, a.add(b).data)).toBe(0);
    expect(relError(out.product.data, a.mul(b).data)).toBe(0);
    expect(Array.from(out.same.data)).toEqual(Array.from(a.data));
    expect(() => exportOnnx(pair, [x, y], { inputNames: ['a'] })).toThrow(/inputNames has 1 names for 2 inputs/);
    expect(() => exportOnnx(pair, [x, y], { inputNames: ['a', 'b'], outputNames: ['a', 'x', 'c'] })).toThrow(
      /'a' is given to two/,
    );
  });
});
