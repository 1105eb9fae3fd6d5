import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GraphError, Rng, tensor } from '@tapegrad/core';
import {
  Adam,
  BatchNorm1d,
  Linear,
  SGD,
  decodeSafetensors,
  encodeSafetensors,
  load,
  mlp,
  save,
  softmaxCrossEntropy,
} from '@tapegrad/nn';

// #18: an optimiser step (or a weight load) between forward and backward used to give the
// gradients of other weights, silently. The writes the library makes count as new versions.

const x = tensor([
  [1, 2],
  [3, -1],
]);
const labels = tensor([0, 2], { dtype: 'int32' });

test('an optimiser step between forward and backward raises, naming the weight and the versions', () => {
  const model = mlp([2, 3], { rng: new Rng(0) });
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const first = softmaxCrossEntropy(model.forward(x), labels);
  first.backward();
  const second = softmaxCrossEntropy(model.forward(x), labels);
  opt.step(); // steps with the first gradients, after `second` was recorded
  expect(() => second.backward()).toThrow(GraphError);
  expect(() => second.backward()).toThrow(
    /^backward: a tensor needed for gradient computation was modified by an in-place operation: input 1 of 'linear' \(float32 \[3,2\] '0\.weight'\) is at version 1; expected version 0/,
  );
});

test('the usual order (zeroGrad, backward, step) never raises, with every optimiser', () => {
  for (const make of [
    (m: Linear) => new SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }),
    (m: Linear) => new Adam(m.parameters(), { lr: 0.01 }),
  ]) {
    const model = new Linear(2, 3, { rng: new Rng(1) });
    const opt = make(model);
    for (let step = 0; step < 5; step++) {
      const loss = softmaxCrossEntropy(model.forward(x), labels);
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    expect(model.weight.version).toBe(5);
  }
});

test('loadStateDict and load between forward and backward raise too', () => {
  const model = new Linear(2, 3, { rng: new Rng(2) });
  const other = new Linear(2, 3, { rng: new Rng(3) });
  const loss = softmaxCrossEntropy(model.forward(x), labels);
  model.loadStateDict(other.stateDict());
  expect(() => loss.backward()).toThrow(/'weight'\) is at version 1; expected version 0/);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-version-'));
  try {
    const file = path.join(dir, 'm.safetensors');
    save(other, file);
    const again = softmaxCrossEntropy(model.forward(x), labels);
    load(model, file);
    expect(() => again.backward()).toThrow(/is at version 2; expected version 1/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an Int16Array tensor is stored as int32, so its checkpoint reads back (it used to be mislabelled)', () => {
  const t = tensor(new Int16Array([-3, 7, 300]));
  expect(t.dtype).toBe('int32');
  const back = decodeSafetensors(encodeSafetensors(new Map([['t', t]]))).tensors.get('t')!;
  expect(back.dtype).toBe('int32');
  expect(back.toArray()).toEqual([-3, 7, 300]);
});

test("BatchNorm's running statistics count as in-place writes: a training step between an evaluation forward and its backward raises", () => {
  // bn.eval() normalises with the running statistics (saved for backward); a training-mode
  // forward then moves them in place. Backward used to use the moved values, silently.
  const bn = new BatchNorm1d(2);
  const input = tensor(
    [
      [1, 2],
      [3, -1],
      [0, 5],
    ],
    { requiresGrad: true },
  );
  bn.eval();
  const y = bn.forward(input).square().sum();
  bn.train();
  bn.forward(
    tensor([
      [10, 20],
      [30, 40],
    ]),
  );
  expect(() => y.backward()).toThrow(GraphError);
  expect(() => y.backward()).toThrow(/input 1 of 'batchNorm' \(float32 \[2\]\) is at version 1; expected version 0/);
  // The usual order holds, and resetRunningStats counts too.
  bn.eval();
  const z = bn.forward(input).square().sum();
  z.backward();
  const w = bn.forward(input).square().sum();
  bn.resetRunningStats();
  expect(() => w.backward()).toThrow(GraphError);
});
