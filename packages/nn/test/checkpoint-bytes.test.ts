import { Rng, ValueError, randn } from '@tapegrad/core';
import {
  CheckpointError,
  SGD,
  StateDictError,
  loadBlob,
  loadBytes,
  mlp,
  saveBlob,
  saveBytes,
  save,
} from '@tapegrad/nn';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

test('saveBytes / loadBytes round-trip the weights, the optimiser state and the metadata', () => {
  const a = mlp([3, 4, 2], { rng: new Rng(1) });
  const opt = new SGD(a.parameters(), { lr: 0.1, momentum: 0.9 });
  a.forward(randn([5, 3], { rng: new Rng(2) }))
    .square()
    .mean()
    .backward();
  opt.step(); // momentum buffers to save
  const bytes = saveBytes(a, { optimizer: opt, metadata: { epoch: '4' } });
  expect(bytes).toBeInstanceOf(Uint8Array);
  const b = mlp([3, 4, 2], { rng: new Rng(9) });
  const opt2 = new SGD(b.parameters(), { lr: 0.5, momentum: 0.9 });
  expect(loadBytes(b, bytes, { optimizer: opt2 })).toEqual({ epoch: '4' });
  for (const [name, p] of a.namedParameters())
    expect(Array.from(b.namedParameters().get(name)!.data)).toEqual(Array.from(p.data));
  expect(opt2.paramGroups[0].lr).toBe(0.1);
  const buf = (o: SGD) => (o.stateDict().state.get('0.weight')!.momentumBuffer as { data: Float32Array }).data;
  expect(Array.from(buf(opt2))).toEqual(Array.from(buf(opt)));
});

test('the bytes are exactly what save writes to a file', () => {
  const net = mlp([2, 3], { rng: new Rng(0) });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-bytes-')), 'm.safetensors');
  save(net, file, { metadata: { k: 'v' } });
  expect(Buffer.compare(fs.readFileSync(file), Buffer.from(saveBytes(net, { metadata: { k: 'v' } })))).toBe(0);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('loadBytes checks like load: corrupt bytes, wrong shapes, bad arguments; nothing is changed', () => {
  const net = mlp([3, 4, 2], { rng: new Rng(1) });
  const before = Array.from(net.namedParameters().get('0.weight')!.data);
  const bytes = saveBytes(net);
  expect(() => loadBytes(net, bytes.subarray(0, 20))).toThrow(CheckpointError);
  expect(() => loadBytes(mlp([3, 5, 2]), bytes)).toThrow(StateDictError);
  expect(() => loadBytes(net, [1, 2, 3] as never)).toThrow(ValueError);
  expect(() => loadBytes(net, bytes, { strict: 'yes' } as never)).toThrow('loadBytes: strict');
  expect(() => saveBytes(net, { metadata: { format: 'x' } })).toThrow("saveBytes: metadata key 'format' is reserved");
  expect(Array.from(net.namedParameters().get('0.weight')!.data)).toEqual(before);
});

test('saveBlob / loadBlob: a Blob of the same bytes, read back asynchronously', async () => {
  const a = mlp([2, 3, 2], { rng: new Rng(3) });
  const blob = saveBlob(a, { metadata: { step: '7' } });
  expect(blob).toBeInstanceOf(Blob);
  expect(blob.type).toBe('application/octet-stream');
  expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array(saveBytes(a, { metadata: { step: '7' } })));
  const b = mlp([2, 3, 2], { rng: new Rng(4) });
  expect(await loadBlob(b, blob)).toEqual({ step: '7' });
  expect(Array.from(b.namedParameters().get('2.bias')!.data)).toEqual(
    Array.from(a.namedParameters().get('2.bias')!.data),
  );
  await expect(loadBlob(b, 'not a blob' as never)).rejects.toThrow(ValueError);
});
