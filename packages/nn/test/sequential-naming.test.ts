import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Rng, Tensor, tensor } from '@tapegrad/core';
import {
  Adam,
  Linear,
  Module,
  ReLU,
  Sequential,
  StateDictError,
  decodeSafetensors,
  encodeSafetensors,
  load,
  mlp,
  save,
  softmaxCrossEntropy,
} from '@tapegrad/nn';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-seq-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const values = (m: Module): number[][] => m.parameters().map((p) => Array.from(p.data));

/** A checkpoint as tapegrad wrote it before Sequential took PyTorch's names. */
function toLegacy(file: string, legacyFile: string): void {
  const { tensors, metadata } = decodeSafetensors(fs.readFileSync(file));
  const old = (k: string): string => k.replace(/^(__optimizer__\.)?(\d+)\./, '$1layers.$2.');
  const meta = { ...metadata };
  if (meta['tapegrad.optimizer'] !== undefined) {
    const info = JSON.parse(meta['tapegrad.optimizer']);
    info.scalars = Object.fromEntries(Object.entries(info.scalars).map(([k, v]) => [old(k), v]));
    meta['tapegrad.optimizer'] = JSON.stringify(info);
  }
  delete meta.format;
  fs.writeFileSync(
    legacyFile,
    encodeSafetensors(
      [...tensors.entries()].map(([k, t]) => [old(k), t] as const),
      meta,
    ),
  );
}

test('Sequential names its layers 0, 1, … as PyTorch does, and net[i] is the i-th layer', () => {
  const net = new Sequential(new Linear(2, 4), new ReLU()).add(new Linear(4, 3));
  expect(net.namedParameters().keySeq().toArray()).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
  expect(net.length).toBe(3);
  expect(net[1]).toBeInstanceOf(ReLU);
  expect(net.layers.map((l) => l.constructor.name)).toEqual(['Linear', 'ReLU', 'Linear']);
  expect(String(net).split('\n')[1]).toBe('  (0): Linear(in=2, out=4, bias=true)');
  const big = new Sequential(...Array.from({ length: 12 }, () => new Linear(1, 1)));
  expect(
    big
      .namedParameters()
      .keySeq()
      .filter((k) => k.endsWith('weight'))
      .toArray()
      .slice(9),
  ).toEqual(['9.weight', '10.weight', '11.weight']);
});

test('a checkpoint with the old layers.N names (weights and Adam state) loads and resumes identically', () => {
  const rng = new Rng(3);
  const x = tensor(
    Float32Array.from({ length: 16 }, () => rng.normal()),
    { shape: [8, 2] },
  );
  const t = tensor(Int32Array.from({ length: 8 }, (_, i) => i % 3));
  const step = (m: Sequential, opt: Adam): number => {
    opt.zeroGrad();
    const loss = softmaxCrossEntropy(m.forward(x), t);
    loss.backward();
    opt.step();
    return loss.item();
  };
  const model = mlp([2, 4, 3], { rng: new Rng(0) });
  const opt = new Adam(model.parameters(), { lr: 0.01 });
  step(model, opt);
  const file = path.join(dir, 'new.safetensors');
  const legacy = path.join(dir, 'legacy.safetensors');
  save(model, file, { optimizer: opt });
  toLegacy(file, legacy);
  expect(decodeSafetensors(fs.readFileSync(legacy)).tensors.has('layers.0.weight')).toBe(true);

  const resumed = mlp([2, 4, 3], { rng: new Rng(9) });
  const opt2 = new Adam(resumed.parameters(), { lr: 0.01 });
  load(resumed, legacy, { optimizer: opt2 });
  expect(values(resumed)).toEqual(values(model));
  expect(step(resumed, opt2)).toBe(step(model, opt));
  expect(values(resumed)).toEqual(values(model));
});

test('loadStateDict takes old names too; what is really missing is still reported under today’s names', () => {
  const a = mlp([3, 2], { rng: new Rng(1) });
  const b = mlp([3, 2], { rng: new Rng(2) });
  b.loadStateDict({
    'layers.0.weight': a[0].namedParameters().get('weight')!,
    'layers.0.bias': a.stateDict().get('0.bias')!,
  });
  expect(values(b)).toEqual(values(a));
  let err: StateDictError | null = null;
  try {
    b.loadStateDict({
      'layers.0.weight': tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    });
  } catch (e) {
    err = e as StateDictError;
  }
  expect(err).toBeInstanceOf(StateDictError);
  expect(err!.missing).toEqual(['0.bias']);
  expect(err!.unexpected).toEqual([]);
});

test('old names are upgraded through nested Sequentials, and real `layers.N` fields are left alone', () => {
  class Net extends Module {
    body = new Sequential(new Sequential(new Linear(2, 2), new ReLU()), new Linear(2, 1));
    forward(x: Tensor): Tensor {
      return this.body.forward(x);
    }
  }
  class Stack extends Module {
    layers = [new Linear(2, 2), new Linear(2, 2)];
    forward(x: Tensor): Tensor {
      return this.layers[1].forward(this.layers[0].forward(x));
    }
  }
  const net = new Net();
  expect(net.namedParameters().keySeq().toArray()).toEqual([
    'body.0.0.weight',
    'body.0.0.bias',
    'body.1.weight',
    'body.1.bias',
  ]);
  const src = new Net();
  const old = new Map(
    [...src.stateDict()].map(([k, t]) => [
      k.replace('body.0.0.', 'body.layers.0.layers.0.').replace('body.1.', 'body.layers.1.'),
      t,
    ]),
  );
  net.loadStateDict(old);
  expect(values(net)).toEqual(values(src));

  const stack = new Stack();
  const other = new Stack();
  expect(stack.namedParameters().keySeq().first()).toBe('layers.0.weight');
  stack.loadStateDict(other.stateDict());
  expect(values(stack)).toEqual(values(other));
});
