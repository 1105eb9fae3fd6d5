import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { Rng, TapegradError, Tensor, tensor } from '@tapegrad/core';
import {
  Adam,
  CheckpointError,
  SGD,
  StateDictError,
  decodeSafetensors,
  encodeSafetensors,
  load,
  mlp,
  save,
  softmaxCrossEntropy,
} from '@tapegrad/nn';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-nn-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const bits = (t: Tensor): number[] => Array.from(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));

function data(n = 12): { x: Tensor; t: Tensor } {
  const rng = new Rng(5);
  const x = tensor(
    Float32Array.from({ length: n * 2 }, () => rng.normal()),
    { shape: [n, 2] },
  );
  const t = tensor(Int32Array.from({ length: n }, () => rng.randint(0, 3)));
  return { x, t };
}

function trainSteps(model: ReturnType<typeof mlp>, opt: Adam, steps: number): number[] {
  const { x, t } = data();
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = softmaxCrossEntropy(model.forward(x), t);
    loss.backward();
    opt.step();
    losses.push(loss.item());
  }
  return losses;
}

test('save → load round-trips weights and optimiser state bit-exactly', () => {
  const a = mlp([2, 5, 3], { rng: new Rng(1) });
  const optA = new Adam(a.parameters(), { lr: 0.01, betas: [0.8, 0.99] });
  trainSteps(a, optA, 3);
  const file = path.join(dir, 'roundtrip.safetensors');
  save(a, file, { optimizer: optA, metadata: { epoch: '3', note: 'héllo ✓' } });
  const b = mlp([2, 5, 3], { rng: new Rng(2) });
  const optB = new Adam(b.parameters(), { lr: 0.5 });
  const meta = load(b, file, { optimizer: optB });
  expect(meta).toEqual({ epoch: '3', note: 'héllo ✓' });
  a.namedParameters().forEach((p, name) => expect(bits(b.namedParameters().get(name)!)).toEqual(bits(p)));
  expect(optB.lr).toBe(0.01);
  expect(optB.paramGroups[0].betas).toEqual([0.8, 0.99]);
  optA.state.forEach((s, name) => {
    expect(optB.state.get(name)!.get('step')).toBe(3);
    for (const slot of ['expAvg', 'expAvgSq']) {
      expect(bits(optB.state.get(name)!.get(slot) as Tensor)).toEqual(bits(s.get(slot) as Tensor));
    }
  });
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('training resumed from a checkpoint reaches the same numbers as uninterrupted training', () => {
  const straight = mlp([2, 6, 3], { rng: new Rng(3) });
  const lossesStraight = trainSteps(straight, new Adam(straight.parameters(), { lr: 0.05 }), 8);

  const first = mlp([2, 6, 3], { rng: new Rng(3) });
  const opt1 = new Adam(first.parameters(), { lr: 0.05 });
  const part1 = trainSteps(first, opt1, 4);
  const file = path.join(dir, 'resume.safetensors');
  save(first, file, { optimizer: opt1 });
  const resumed = mlp([2, 6, 3], { rng: new Rng(99) });
  const opt2 = new Adam(resumed.parameters(), { lr: 0.05 });
  load(resumed, file, { optimizer: opt2 });
  const part2 = trainSteps(resumed, opt2, 4);
  expect([...part1, ...part2]).toEqual(lossesStraight);
  straight.namedParameters().forEach((p, name) => expect(bits(resumed.namedParameters().get(name)!)).toEqual(bits(p)));
});

test('the file follows the public safetensors layout', () => {
  const model = mlp([3, 4, 2], { rng: new Rng(0) });
  const encoded = encodeSafetensors(model.stateDict(), { k: 'v' });
  expect(Buffer.isBuffer(encoded)).toBe(true); // in Node.js, a Buffer as before (a Uint8Array in a browser)
  const bytes = encoded as Buffer;
  const n = Number(bytes.readBigUInt64LE(0));
  expect((8 + n) % 8).toBe(0);
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  expect(header.__metadata__.k).toBe('v');
  expect(header['0.weight']).toEqual({ dtype: 'F32', shape: [4, 3], data_offsets: [0, 48] });
  expect(header['2.bias']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [96, 104] });
  expect(bytes.length).toBe(8 + n + 104);
  const w = model.namedParameters().get('0.weight')!;
  expect(bytes.readFloatLE(8 + n + 4)).toBe(w.data[1]);
  const f64 = encodeSafetensors([
    ['x', tensor([1.5, -2], { dtype: 'float64' })],
    ['i', tensor([7], { dtype: 'int32' })],
  ]);
  const back = decodeSafetensors(f64);
  expect(back.tensors.get('x')!.dtype).toBe('float64');
  expect(Array.from(back.tensors.get('i')!.data)).toEqual([7]);
});

test('a wrong shape, a missing tensor and an unexpected tensor are listed in one StateDictError', () => {
  const file = path.join(dir, 'shape.safetensors');
  save(mlp([2, 4, 3], { bias: false }), file);
  const target = mlp([2, 5, 3]);
  const before = target.stateDict();
  let err: StateDictError | null = null;
  try {
    load(target, file);
  } catch (e) {
    err = e as StateDictError;
  }
  expect(err).toBeInstanceOf(StateDictError);
  expect(err!.missing).toEqual(['0.bias', '2.bias']);
  expect(err!.mismatched).toEqual([
    '0.weight: expected [5,2] float32, got [4,2] float32',
    '2.weight: expected [3,5] float32, got [3,4] float32',
  ]);
  // Nothing was modified.
  target.stateDict().forEach((t, k) => expect(bits(t)).toEqual(bits(before.get(k)!)));
  expect(() => load(mlp([2, 4, 3]), file)).toThrow(/2 missing \(0\.bias, 2\.bias\)/);
  save(mlp([2, 4, 3]), file);
  expect(() => load(mlp([2, 4, 3], { bias: false }), file)).toThrow(/2 unexpected/);
  expect(() => load(mlp([2, 4, 3], { dtype: 'float64' }), file)).toThrow(
    /expected \[4,2\] float64, got \[4,2\] float32/,
  );
  expect(() => load(mlp([2, 4, 3]), file, { optimizer: new SGD(mlp([2, 4, 3]).parameters()) })).toThrow(
    /no optimizer state/,
  );
});

test('fast-check: shape changes and missing tensors always give a StateDictError', () => {
  const file = path.join(dir, 'prop-shapes.safetensors');
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
      fc.boolean(),
      fc.boolean(),
      (sa, sb, biasA, biasB) => {
        save(mlp(sa, { bias: biasA }), file);
        const same = sa.join() === sb.join() && biasA === biasB;
        if (same) load(mlp(sb, { bias: biasB }), file);
        else expect(() => load(mlp(sb, { bias: biasB }), file)).toThrow(StateDictError);
      },
    ),
    { numRuns: 200 },
  );
});

test('fast-check: truncations and flipped bytes always give a typed error, never a crash', () => {
  const model = mlp([2, 4, 3], { rng: new Rng(0) });
  const opt = new Adam(model.parameters());
  trainSteps(model, opt, 2);
  const good = path.join(dir, 'good.safetensors');
  save(model, good, { optimizer: opt, metadata: { run: '7' } });
  const bytes = fs.readFileSync(good);
  const headerEnd = 8 + Number(bytes.readBigUInt64LE(0));
  const file = path.join(dir, 'corrupt.safetensors');
  const corruption = fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.integer({ min: 0, max: bytes.length - 1 }) }),
    fc.record({
      kind: fc.constant('flipHeader' as const),
      at: fc.integer({ min: 0, max: headerEnd - 1 }),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
    fc.record({
      kind: fc.constant('flipData' as const),
      at: fc.integer({ min: headerEnd, max: bytes.length - 1 }),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
  );
  const seen = new Set<string>();
  fc.assert(
    fc.property(corruption, (c) => {
      let bad: Buffer;
      if (c.kind === 'truncate') bad = bytes.subarray(0, c.at);
      else {
        bad = Buffer.from(bytes);
        bad[c.at] ^= 1 << c.bit;
      }
      fs.writeFileSync(file, bad);
      const target = mlp([2, 4, 3], { rng: new Rng(1) });
      const before = target.stateDict();
      let error: unknown = null;
      try {
        load(target, file, { optimizer: new Adam(target.parameters()) });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TapegradError);
      expect(error instanceof CheckpointError || error instanceof StateDictError).toBe(true);
      if (c.kind === 'truncate') expect(error).toBeInstanceOf(CheckpointError);
      seen.add(error instanceof CheckpointError ? error.problem : 'stateDict');
      target.stateDict().forEach((t, k) => expect(bits(t)).toEqual(bits(before.get(k)!)));
    }),
    { numRuns: 300 },
  );
  expect(seen.has('truncated')).toBe(true);
  expect(seen.has('header')).toBe(true);
  expect(seen.has('checksum')).toBe(true);
});

test('saving is atomic: a failed save leaves the previous file intact and no temporary files', () => {
  const file = path.join(dir, 'atomic.safetensors');
  const model = mlp([2, 3]);
  save(model, file);
  const before = fs.readFileSync(file);
  expect(() => save(model, file, { metadata: { format: 'x' } })).toThrow(/reserved/);
  expect(() => save(model, path.join(dir, 'no-such-dir', 'x.safetensors'))).toThrow();
  expect(fs.readFileSync(file).equals(before)).toBe(true);
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  expect(() => load(model, path.join(dir, 'missing.safetensors'))).toThrow(CheckpointError);
});
