import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { Rng, Tensor, tensor } from '@tapegrad/core';
import {
  Adam,
  ExponentialLR,
  Linear,
  RMSProp,
  SGD,
  StepLR,
  Trainer,
  clipGradNorm,
  decodeSafetensors,
  encodeSafetensors,
  load,
  mlp,
  mseLoss,
  save,
  softmaxCrossEntropy,
} from '@tapegrad/nn';
import { type Param, type Suite, entry } from '../cases';
import { nd } from '../reference';
import { LAYER_ENTRIES } from './nn-layers';

// @tapegrad/nn's public entry points (layers, losses, optimisers, schedulers, Trainer) and
// checkpoints (save, load, safetensors), with junk in each argument.

const DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-bad-input-nn-'));
const model = (): Linear => new Linear(2, 3, { rng: new Rng(0) });
const x = tensor([
  [1, 2],
  [0.5, -1],
  [-2, 0.25],
]);
const labels = tensor([0, 2, 1], { dtype: 'int32' });
const logits = tensor([
  [1, 2, 0.5],
  [0.5, -1, 3],
  [-2, 0.25, 0],
]);
/** Stands for "the usual value" in valid argument lists (junk replaces it with null and others). */
const USUAL = 'usual';

const OPTIONS_JUNK = [null, 5, 'x', [], { bogus: 1 }];
const options = (...extra: unknown[]): Param => ({
  name: 'options',
  aliases: [
    'option',
    'lr',
    'momentum',
    'eps',
    'betas',
    'alpha',
    'weightDecay',
    'gamma',
    'stepSize',
    'batchSize',
    'reduction',
    'strict',
    'bias',
    'rng',
    'activation',
    'metadata',
    'optimizer',
    'nesterov',
  ],
  junk: fc.constantFrom<unknown>(...OPTIONS_JUNK, ...extra),
});
const int = fc.constantFrom<unknown>(-1, 0.5, NaN, '2', null, {}, Infinity);

/** A checkpoint of model() on disk, and junk files next to it. */
const good = path.join(DIR, 'good.safetensors');
save(model(), good);
const truncated = path.join(DIR, 'truncated.safetensors');
fs.writeFileSync(truncated, fs.readFileSync(good).subarray(0, 40));
const garbage = path.join(DIR, 'garbage.safetensors');
fs.writeFileSync(garbage, Buffer.from('not a checkpoint at all, just text'));
const FILE_JUNK = fc.constantFrom<unknown>(
  '',
  null,
  5,
  {},
  path.join(DIR, 'missing.safetensors'),
  DIR,
  truncated,
  garbage,
);

/** Softmax cross-entropy by its definition, in float64. */
function crossEntropy(logits: Tensor, t: Tensor): number {
  const rows = logits.toArray() as number[][];
  const total = rows.reduce((s, r, i) => {
    const m = Math.max(...r);
    const lse = m + Math.log(r.reduce((a, v) => a + Math.exp(v - m), 0));
    return s + lse - r[t.data[i]];
  }, 0);
  return total / rows.length;
}

export const nn: Suite = {
  name: 'nn',
  entries: [
    entry({
      fn: 'Linear',
      params: [
        { name: 'inFeatures', junk: int },
        { name: 'outFeatures', junk: int },
        options({ bias: 'yes' }, { rng: 3 }),
      ],
      valid: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.constant<unknown>(undefined)),
      call: (i, o, opts) =>
        new Linear(i as never, o as never, opts as never).forward(tensor([new Array(i).fill(1)])).shape,
      accepts: (i, v) => i === 2 && v === undefined,
    }),
    entry({
      fn: 'mlp',
      params: [
        { name: 'sizes', junk: fc.constantFrom<unknown>(null, 'x', [], [2], [2, 0], [2, 1.5], [2, -1], [2, '3'], {}) },
        options({ activation: 'swish' }),
      ],
      valid: fc.tuple(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
        fc.constant<unknown>(undefined),
      ),
      call: (sizes, opts) =>
        mlp(sizes as never, opts as never).forward(tensor([new Array((sizes as number[])[0]).fill(1)])).shape.length,
      reference: () => 2,
      accepts: (i, v) => i === 1 && v === undefined,
    }),
    ...(
      [
        [
          'SGD',
          (p: unknown, o: unknown) => new SGD(p as never, o as never),
          [{ lr: NaN }, { lr: -1 }, { momentum: -1 }, { lr: '0.1' }, { nesterov: true }],
        ],
        [
          'Adam',
          (p: unknown, o: unknown) => new Adam(p as never, o as never),
          [{ eps: 0 }, { betas: [1, 0.9] }, { betas: 'x' }, { lr: Infinity }],
        ],
        [
          'RMSProp',
          (p: unknown, o: unknown) => new RMSProp(p as never, o as never),
          [{ alpha: 2 }, { eps: -1 }, { weightDecay: NaN }],
        ],
      ] as const
    ).map(([name, make, bad]) =>
      entry({
        fn: name,
        params: [
          { name: 'params', aliases: ['parameters'], junk: fc.constantFrom<unknown>(null, 5, 'x', [null], [5], {}) },
          options(...bad),
        ],
        valid: fc.constant([model().parameters(), { lr: 0.1 }] as [unknown, unknown]),
        call: (p, o) => {
          const opt = make(p, o);
          opt.step();
          return opt.lr;
        },
        reference: () => 0.1,
        accepts: (i, v) => i === 1 && v === undefined,
      }),
    ),
    entry({
      fn: 'SGD',
      params: [{ name: 'lr', junk: fc.constantFrom<unknown>(NaN, -1, Infinity, '0.1', null, undefined) }],
      valid: fc.constant([0.5] as [unknown]),
      call: (lr) => {
        const opt = new SGD(model().parameters(), { lr: 0.1 });
        opt.lr = lr as never;
        return opt.lr;
      },
      reference: () => 0.5,
    }),
    entry({
      fn: 'softmaxCrossEntropy',
      params: [
        {
          name: 'logits',
          junk: fc.constantFrom<unknown>(null, 5, {}, tensor([1, 2, 3]), tensor([[1, 2, 3]], { dtype: 'int32' })),
        },
        {
          name: 'labels',
          aliases: ['targets', 'label'],
          junk: fc.constantFrom<unknown>(
            null,
            5,
            tensor([0, 5, 1], { dtype: 'int32' }),
            tensor([0, -4, 1], { dtype: 'int32' }),
            tensor([0, 1], { dtype: 'int32' }),
            tensor([[0, 1, 0]]),
          ),
        },
      ],
      valid: fc.constant([logits, labels] as [Tensor, Tensor]),
      call: (l, t) => softmaxCrossEntropy(l, t).item(),
      reference: (l, t) => crossEntropy(l, t),
    }),
    entry({
      fn: 'mseLoss',
      params: [
        { name: 'y', junk: fc.constantFrom<unknown>(null, 5, tensor([1, 2])) },
        {
          name: 't',
          aliases: ['target'],
          junk: fc.constantFrom<unknown>(null, 'x', tensor([[1]]), tensor([1, 2, 3, 4])),
        },
        options({ reduction: 'avg' }),
      ],
      valid: fc.constant([x, x.mul(0.5), undefined] as [unknown, unknown, unknown]),
      call: (y, t, o) => mseLoss(y as never, t as never, o as never).item(),
      reference: () => (x.toArray() as number[][]).flat().reduce((s, v) => s + (v / 2) ** 2, 0) / 6,
      accepts: (i, v) => i === 2 && v === undefined,
    }),
    entry({
      fn: 'loadStateDict',
      params: [
        {
          name: 'stateDict',
          aliases: ['weight', 'bias', 'Tensor', 'state dict', 'missing'],
          junk: fc.constantFrom<unknown>(
            null,
            5,
            'x',
            { weight: 5 },
            { weight: tensor([1]) },
            new Map([['weight', null]]),
            [['weight']],
          ),
        },
        options({ strict: 'yes' }),
      ],
      valid: fc.constant([model().stateDict(), undefined] as [unknown, unknown]),
      call: (sd, o) => {
        const m = new Linear(2, 3, { rng: new Rng(9) });
        m.loadStateDict(sd as never, o as never);
        return m.weight.data[0];
      },
      reference: () => model().weight.data[0],
      accepts: (i, v) => i === 1 && v === undefined,
    }),
    entry({
      fn: 'Trainer.fit',
      params: [
        {
          name: 'options',
          aliases: [
            'option',
            'batchSize',
            'maxEpoch',
            'validationSplit',
            'evalInterval',
            'maxGrad',
            'splitMode',
            'verbose',
          ],
          junk: fc.constantFrom<unknown>(
            null,
            5,
            { maxEpochs: 3 },
            { batchSize: 0 },
            { batchSize: 0.5 },
            { validationSplit: 1 },
            { maxEpoch: -1 },
            { evalInterval: NaN },
            { splitMode: 'first' },
          ),
        },
      ],
      valid: fc.constant([{ maxEpoch: 1, batchSize: 2, verbose: 0 }] as [unknown]),
      call: (o) => {
        const m = model();
        return new Trainer(m, new SGD(m.parameters(), { lr: 0.1 }), { loss: softmaxCrossEntropy }).fit(
          x,
          labels,
          o as never,
        ).records.size;
      },
    }),
    ...(['predict', 'evaluate'] as const).map((name) =>
      entry({
        fn: `Trainer.${name}`,
        params: [
          {
            name: 'batchSize',
            aliases: ['options', 'option'],
            junk: fc.constantFrom<unknown>(0, -5, 0.5, NaN, '2', null),
          },
        ],
        valid: fc.constant([2] as [unknown]),
        call: (b) => {
          const m = model();
          const tr = new Trainer(m, new SGD(m.parameters(), { lr: 0.1 }), { loss: softmaxCrossEntropy });
          return name === 'predict'
            ? tr.predict(x, { batchSize: b as never }).shape.join()
            : tr.evaluate(x, labels, { batchSize: b as never }).loss;
        },
        reference: () => (name === 'predict' ? undefined : crossEntropy(model().forward(x), labels)),
      }),
    ),
    entry({
      fn: 'clipGradNorm',
      params: [
        { name: 'params', aliases: ['parameters'], junk: fc.constantFrom<unknown>(null, 5, [null]) },
        { name: 'maxNorm', junk: fc.constantFrom<unknown>(0, -1, NaN, Infinity, '1', null) },
      ],
      valid: fc.constant([USUAL, 1] as [unknown, unknown]),
      call: (p, maxNorm) => {
        const w = tensor([3, 4], { requiresGrad: true });
        w.mul(w).sum().mul(0.5).backward();
        return clipGradNorm((p === USUAL ? [w] : p) as never, maxNorm as never);
      },
      reference: () => 5,
    }),
    entry({
      fn: 'StepLR',
      params: [
        { name: 'optimizer', junk: fc.constantFrom<unknown>(null, 5, {}) },
        options({ stepSize: 0 }, { stepSize: 1.5 }, { gamma: NaN }, {}),
      ],
      valid: fc.constant([USUAL, { stepSize: 1, gamma: 0.5 }] as [unknown, unknown]),
      call: (opt, o) => {
        const sgd = new SGD(model().parameters(), { lr: 1 });
        const s = new StepLR((opt === USUAL ? sgd : opt) as never, o as never);
        s.step();
        return sgd.lr;
      },
      reference: () => 0.5,
    }),
    entry({
      fn: 'ExponentialLR',
      params: [options({ gamma: NaN }, { gamma: -1 }, {})],
      valid: fc.constant([{ gamma: 0.5 }] as [unknown]),
      call: (o) => {
        const sgd = new SGD(model().parameters(), { lr: 1 });
        new ExponentialLR(sgd, o as never).step();
        return sgd.lr;
      },
      reference: () => 0.5,
    }),
    entry({
      fn: 'save',
      params: [
        { name: 'model', aliases: ['Module'], junk: fc.constantFrom<unknown>(null, 5, {}, x) },
        {
          name: 'file',
          aliases: ['path', DIR, '/proc'],
          junk: fc.constantFrom<unknown>('', null, 5, {}, DIR, '/proc/x/m.safetensors'),
        },
        options({ metadata: 5 }, { metadata: { a: 1 } }),
      ],
      valid: fc.constant([USUAL, path.join(DIR, 'saved.safetensors'), undefined] as [unknown, unknown, unknown]),
      call: (m, file, o) => {
        save((m === USUAL ? model() : m) as never, file as never, o as never);
        return fs.statSync(file as string).size > 0 ? 1 : 0;
      },
      reference: () => 1,
      accepts: (i, v) => i === 2 && v === undefined,
    }),
    entry({
      fn: 'load',
      params: [
        {
          name: 'model',
          aliases: ['Module', 'missing', 'unexpected'],
          junk: fc.constantFrom<unknown>(null, 5, {}, mlp([2, 4])),
        },
        { name: 'file', aliases: ['path', DIR, 'safetensors', '.safetensors'], junk: FILE_JUNK },
        options({ strict: 'no' }, { optimizer: 5 }),
      ],
      valid: fc.constant([USUAL, good, undefined] as [unknown, unknown, unknown]),
      call: (m, file, o) => {
        const target = (m === USUAL ? new Linear(2, 3, { rng: new Rng(5) }) : m) as Linear;
        load(target, file as never, o as never);
        return target.weight.data[0];
      },
      reference: () => model().weight.data[0],
      accepts: (i, v) => i === 2 && v === undefined,
    }),
    entry({
      fn: 'safetensors',
      params: [
        {
          name: 'bytes',
          aliases: ['header', 'truncated', 'offsets', 'file', 'dtype', 'bytes'],
          junk: fc.uint8Array({ maxLength: 64 }),
        },
      ],
      valid: fc.constant([encodeSafetensors([['w', tensor([1, 2])]])] as [unknown]),
      call: (bytes) => decodeSafetensors(bytes as never).tensors.get('w')!,
      reference: () => nd([2], [1, 2]),
      runs: 120,
    }),
    ...LAYER_ENTRIES,
  ],
};
