import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng, Tensor, conv2d, randn, tensor, zeros } from '@tapegrad/core';
import { gradcheck } from '@tapegrad/core/testing';
import {
  AdaptiveAvgPool2d,
  AvgPool2d,
  BatchNorm2d,
  CheckpointError,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Dropout2d,
  Flatten,
  Linear,
  MaxPool2d,
  Module,
  ReLU,
  Sequential,
  decodeSafetensors,
  encodeSafetensors,
  load,
  save,
} from '@tapegrad/nn';
import { asFunction } from './helpers';

/** The book's SimpleConvNet (ch. 7). */
const simpleConvNet = (rng: Rng): Sequential =>
  new Sequential(
    new Conv2d(1, 30, 5, { rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(4320, 100, { rng }),
    new ReLU(),
    new Linear(100, 10, { rng }),
  );

describe('convolution layers', () => {
  test("Conv2d's state dict has torch.nn.Conv2d's keys and shapes", () => {
    const conv = new Conv2d(4, 6, [3, 2], { groups: 2 });
    expect([...conv.stateDict()].map(([k, t]) => [k, t.shape])).toEqual([
      ['weight', [6, 2, 3, 2]],
      ['bias', [6]],
    ]);
    expect([...new Conv2d(1, 2, 3, { bias: false }).stateDict().keys()]).toEqual(['weight']);
    expect(new ConvTranspose2d(4, 6, 3, { groups: 2 }).weight.shape).toEqual([4, 3, 3, 3]);
    expect(new Conv1d(3, 5, 7).weight.shape).toEqual([5, 3, 7]);
  });

  test('default init is PyTorch’s: weight and bias from U(±1/√fanIn), fanIn = in/groups · kH · kW', () => {
    const conv = new Conv2d(8, 64, 3, { groups: 2, rng: new Rng(0) });
    const bound = 1 / Math.sqrt(4 * 9);
    const w = Array.from(conv.weight.data);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w)).toBeGreaterThan(0.95 * bound); // uses the whole range
    expect(Math.max(...Array.from(conv.bias!.data).map(Math.abs))).toBeLessThanOrEqual(bound);
    const up = new ConvTranspose2d(8, 6, 2, { rng: new Rng(0) }); // fanIn = weight.shape[1]·kk = 6·4
    expect(Math.max(...Array.from(up.weight.data).map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(24));
  });

  test('forward is the functional op with the layer’s options', () => {
    const conv = new Conv2d(2, 3, 3, { stride: 2, padding: 1, rng: new Rng(1) });
    const x = randn([2, 2, 7, 7], { rng: new Rng(2) });
    expect(Array.from(conv.forward(x).data)).toEqual(
      Array.from(conv2d(x, conv.weight, conv.bias, { stride: 2, padding: 1 }).data),
    );
    expect(new Conv1d(2, 4, 3, { padding: 'same' }).forward(zeros([1, 2, 9])).shape).toEqual([1, 4, 9]);
    expect(new ConvTranspose2d(16, 8, 2, { stride: 2 }).forward(zeros([1, 16, 7, 7])).shape).toEqual([1, 8, 14, 14]);
  });

  test('the book’s SimpleConvNet: shapes, parameter count, and a repr like PyTorch’s', () => {
    const net = simpleConvNet(new Rng(0));
    expect(net.forward(zeros([3, 1, 28, 28])).shape).toEqual([3, 10]);
    expect(net.numParameters()).toBe(30 * 25 + 30 + 4320 * 100 + 100 + 100 * 10 + 10);
    expect(String(net[0])).toBe('Conv2d(1, 30, kernelSize=[5, 5], stride=[1, 1])');
    expect(String(new Conv2d(2, 4, 3, { padding: 1, groups: 2, bias: false }))).toBe(
      'Conv2d(2, 4, kernelSize=[3, 3], stride=[1, 1], padding=[1, 1], groups=2, bias=false)',
    );
    expect(String(net[2])).toBe('MaxPool2d(kernelSize=2)');
  });

  test('gradients through a small conv net, every layer type, in float64', () => {
    const rng = new Rng(4);
    const net = new Sequential(
      new Conv2d(2, 4, 3, { padding: 1, rng, dtype: 'float64' }),
      new MaxPool2d(2),
      new ConvTranspose2d(4, 2, 2, { stride: 2, rng, dtype: 'float64' }),
      new AvgPool2d(2, { stride: 1 }),
      new AdaptiveAvgPool2d([2, 2]),
      new Flatten(),
    );
    const { f, params } = asFunction(net);
    const x = randn([2, 2, 4, 4], { rng, dtype: 'float64', requiresGrad: true });
    expect(gradcheck(f, [x, ...params.map((p) => p.detach())]).ok).toBe(true);
  });

  test('Dropout2d zeroes whole channels and scales the rest; identity in eval', () => {
    const drop = new Dropout2d(0.5, { rng: new Rng(7) });
    const y = drop.forward(tensor(new Float32Array(8 * 4 * 9).fill(1), { shape: [8, 4, 3, 3] }));
    const planes = Array.from({ length: 32 }, (_, i) => new Set(Array.from(y.data.subarray(9 * i, 9 * i + 9))));
    expect(planes.every((s) => s.size === 1 && (s.has(0) || s.has(2)))).toBe(true);
    expect(planes.some((s) => s.has(0)) && planes.some((s) => s.has(2))).toBe(true);
    const x = randn([2, 3, 4, 4]);
    expect(drop.eval().forward(x)).toBe(x);
    expect(() => new Dropout2d(0.5).forward(zeros([2, 3]))).toThrow(
      /Dropout2d.forward: x must be \[N, C, H, W\] or \[C, H, W\], got \[2,3\]/,
    );
  });

  test('bad layer arguments are typed errors naming the layer', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(
      /Conv2d: inChannels \(3\) and outChannels \(4\) must be divisible by groups \(2\)/,
    );
    expect(() => new Conv2d(3, 4, 0)).toThrow(/Conv2d: kernelSize must be an integer ≥ 1 or 2 of them, got 0/);
    expect(() => new Conv2d(3, 4, 3, { stride: 0 })).toThrow(/Conv2d: stride must be an integer ≥ 1/);
    expect(() => new MaxPool2d(2, { padding: 2 })).toThrow(/MaxPool2d: padding 2 must be at most half the kernel 2/);
    expect(() => new AvgPool2d(2, { ceilMode: 1 as unknown as boolean })).toThrow(
      /AvgPool2d: ceilMode must be true or false/,
    );
    expect(() => new AdaptiveAvgPool2d(0)).toThrow(/AdaptiveAvgPool2d: outputSize must be an integer ≥ 1/);
    expect(() => new ConvTranspose2d(2, 2, 3, { stride: 2, outputPadding: 2 })).toThrow(
      /ConvTranspose2d: outputPadding \[2, 2\] must be smaller/,
    );
  });
});

class WithBuffers extends Module {
  fc = new Linear(2, 2);
  bn = new BatchNorm2d(2);
  constructor() {
    super();
    this.registerBuffer('step', zeros([], { dtype: 'int32' }));
    this.registerBuffer('cache', zeros([3]), { persistent: false });
  }
  forward(x: Tensor): Tensor {
    return x;
  }
}

describe('module buffers', () => {
  test('registerBuffer, namedBuffers and the state dict (PyTorch’s order: own parameters, own buffers, children)', () => {
    const m = new WithBuffers();
    expect([...m.namedBuffers().keys()]).toEqual([
      'step',
      'cache',
      'bn.running_mean',
      'bn.running_var',
      'bn.num_batches_tracked',
    ]);
    expect([...m.stateDict().keys()]).toEqual([
      'step',
      'fc.weight',
      'fc.bias',
      'bn.weight',
      'bn.bias',
      'bn.running_mean',
      'bn.running_var',
      'bn.num_batches_tracked',
    ]);
    expect(m.parameters()).toHaveLength(4); // buffers are never parameters
    expect(() => m.registerBuffer('bad', randn([2], { requiresGrad: true }))).toThrow(
      /WithBuffers.registerBuffer: 'bad' must be a Tensor that requires no grad/,
    );
    expect(() => m.registerBuffer('n', zeros([1]), { int64: true })).toThrow(
      /int64 applies to int32 buffers, 'n' is float32/,
    );
  });

  test('checkpoints keep buffers; num_batches_tracked is written as I64 and read back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-buffers-'));
    try {
      const bn = new BatchNorm2d(2);
      bn.forward(randn([4, 2, 3, 3], { rng: new Rng(0) }));
      bn.forward(randn([4, 2, 3, 3], { rng: new Rng(1) }));
      const file = path.join(dir, 'bn.safetensors');
      save(bn, file);
      const bytes = fs.readFileSync(file);
      const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
      expect(header.num_batches_tracked).toMatchObject({ dtype: 'I64', shape: [] });
      expect(header.running_var.dtype).toBe('F32');
      const fresh = new BatchNorm2d(2);
      load(fresh, file);
      expect(fresh.numBatchesTracked!.item()).toBe(2);
      expect(Array.from(fresh.runningVar!.data)).toEqual(Array.from(bn.runningVar!.data));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('I64 round-trips through the codec; values outside int32 are a CheckpointError', () => {
    const n = tensor([7, -3], { dtype: 'int32' });
    const bytes = encodeSafetensors([['n', n]], {}, { int64: new Set(['n']) });
    const back = decodeSafetensors(bytes).tensors.get('n')!;
    expect([back.dtype, Array.from(back.data)]).toEqual(['int32', [7, -3]]);
    // a file with an I64 of 2^40 (as PyTorch may write)
    const big = Buffer.from(bytes);
    const start = bytes.length - 16;
    big.writeBigInt64LE(2n ** 40n, start);
    const header = JSON.parse(big.subarray(8, 8 + Number(big.readBigUInt64LE(0))).toString('utf8'));
    delete header.__metadata__;
    const plain = encodeRaw(header, big.subarray(start));
    expect(() => decodeSafetensors(plain)).toThrow(CheckpointError);
    expect(() => decodeSafetensors(plain)).toThrow(/tensor 'n' \(I64\) holds 1099511627776, outside the int32 range/);
    expect(() => encodeSafetensors([['x', zeros([1])]], {}, { int64: new Set(['x']) })).toThrow(
      /'x' is float32; only int32 tensors can be stored as I64/,
    );
  });
});

/** A safetensors file from a header object and data, without tapegrad's checksum (as other writers make). */
function encodeRaw(header: object, data: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([len, json, data]);
}
