import { Rng, Tensor, ValueError, tensor, zeros } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import {
  SGD,
  Trainer,
  accuracy,
  bceWithLogits,
  binaryCrossEntropy,
  init,
  mlp,
  mseLoss,
  softmaxCrossEntropy,
} from '@tapegrad/nn';

// Regression tests for issue #18's Trainer cases: each listed case has its own test.
const make = (): Trainer => {
  const model = mlp([2, 10, 3], { activation: 'sigmoid', init: init.normal(0.01), rng: new Rng(1984) });
  return new Trainer(model, new SGD(model.parameters(), { lr: 1 }), { loss: softmaxCrossEntropy });
};

class Capture {
  text = '';
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

describe('predict / evaluate with a bad batchSize are typed errors, never a hang', () => {
  const { x, labels } = spiral({ numPerClass: 5 });
  test.each([0, -5, 0.5, NaN, Infinity, '8'])('predict batchSize %p', (batchSize) => {
    expect(() => make().predict(x, { batchSize: batchSize as number })).toThrow(ValueError);
    expect(() => make().predict(x, { batchSize: batchSize as number })).toThrow(
      /^Trainer\.predict: batchSize must be an integer ≥ 1/,
    );
  });
  test.each([0, -5, 0.5, NaN])('evaluate batchSize %p', (batchSize) => {
    expect(() => make().evaluate(x, labels, { batchSize })).toThrow(
      /^Trainer\.evaluate: batchSize must be an integer ≥ 1/,
    );
  });
  test('fit batchSize 0 and other bad numbers', () => {
    expect(() => make().fit(x, labels, { batchSize: 0 })).toThrow(
      /^Trainer\.fit: batchSize must be an integer ≥ 1, got 0$/,
    );
    expect(() => make().fit(x, labels, { maxEpoch: -1 })).toThrow(/maxEpoch must be an integer ≥ 0/);
    expect(() => make().fit(x, labels, { evalInterval: 0.5 })).toThrow(/evalInterval must be an integer ≥ 1/);
    expect(() => make().fit(x, labels, { maxGrad: NaN })).toThrow(/maxGrad must be a finite number > 0/);
  });
});

describe('misspelled options are rejected everywhere, not silently defaulted', () => {
  test('Trainer.fit({ maxEpochs: 3 })', () => {
    const { x, t } = spiral({ numPerClass: 5 });
    expect(() => make().fit(x, t, { maxEpochs: 3 } as never)).toThrow(
      /^Trainer\.fit: unknown option 'maxEpochs' \(did you mean 'maxEpoch'\?\); valid: maxEpoch, batchSize/,
    );
  });
  test.each([
    [
      'Trainer',
      () => new Trainer(mlp([2, 3]), new SGD(mlp([2, 3]).parameters()), { loss: mseLoss, metrc: null } as never),
      /^Trainer: unknown option 'metrc'/,
    ],
    [
      'Trainer.evaluate',
      () => make().evaluate(zeros([1, 2]), tensor([0], { dtype: 'int32' }), { batchsize: 2 } as never),
      /^Trainer\.evaluate: unknown option 'batchsize' \(did you mean 'batchSize'\?\)/,
    ],
    [
      'Trainer.trainStep',
      () => make().trainStep(zeros([1, 2]), tensor([0], { dtype: 'int32' }), { maxgrad: 1 } as never),
      /^Trainer\.trainStep: unknown option 'maxgrad'/,
    ],
    [
      'earlyStopping',
      () =>
        make().fit(zeros([4, 2]), tensor([0, 1, 2, 0], { dtype: 'int32' }), {
          earlyStopping: { patiance: 2 } as never,
          verbose: 0,
        }),
      /^earlyStopping: unknown option 'patiance'/,
    ],
    [
      'penalty',
      () => make().fit(zeros([4, 2]), tensor([0, 1, 2, 0], { dtype: 'int32' }), { penalty: { l3: 1 } as never }),
      /unknown option 'l3'/,
    ],
    [
      'mseLoss',
      () => mseLoss(zeros([2]), zeros([2]), { reducton: 'sum' } as never),
      /^mseLoss: unknown option 'reducton'/,
    ],
    [
      'mseLoss reduction',
      () => mseLoss(zeros([2]), zeros([2]), { reduction: 'avg' as never }),
      /^mseLoss: reduction must be one of "mean", "sum", "halfSum"/,
    ],
    [
      'bceWithLogits',
      () => bceWithLogits(zeros([2]), zeros([2]), { reduce: 'sum' } as never),
      /^bceWithLogits: unknown option 'reduce'/,
    ],
    [
      'binaryCrossEntropy',
      () => binaryCrossEntropy(zeros([2]), zeros([2]), { epsilon: 1e-3 } as never),
      /^binaryCrossEntropy: unknown option 'epsilon'/,
    ],
    [
      'accuracy',
      () => accuracy(zeros([2, 2]), tensor([0, 1], { dtype: 'int32' }), { treshold: 0.5 } as never),
      /^accuracy: unknown option 'treshold'/,
    ],
  ])('%s', (_name, call, message) => {
    expect(call).toThrow(ValueError);
    expect(call).toThrow(message);
  });
});

describe('validationSplit is stratified and shuffled by default; "last" keeps the old rows', () => {
  /** The class counts of the validation rows, seen by a metric on the one 60-row validation batch. */
  const validationClasses = (options: object): number[] => {
    const { x, t } = spiral(); // 300 rows, 100 per class, ordered by class
    const model = mlp([2, 10, 3], { rng: new Rng(0) });
    const counts: number[][] = [];
    const metric = (y: Tensor, tb: Tensor): number => {
      if (tb.shape[0] === 60) {
        const c = [0, 0, 0];
        for (let i = 0; i < 60; i++) for (let k = 0; k < 3; k++) c[k] += tb.data[i * 3 + k];
        counts.push(c);
      }
      return accuracy(y, tb);
    };
    const trainer = new Trainer(model, new SGD(model.parameters(), { lr: 1 }), { loss: softmaxCrossEntropy, metric });
    trainer.fit(x, t, { maxEpoch: 1, batchSize: 30, validationSplit: 0.2, verbose: 0, ...options });
    return counts[0];
  };

  test('stratified by default: every class keeps its share (20 of 60 each)', () => {
    expect(validationClasses({})).toEqual([20, 20, 20]);
  });
  test("splitMode 'last' holds out the last rows (all of one class on spiral, as before)", () => {
    expect(validationClasses({ splitMode: 'last' })).toEqual([0, 0, 60]);
  });
  test("splitMode 'random' shuffles without stratifying; the split follows rng", () => {
    const a = validationClasses({ splitMode: 'random', rng: new Rng(3) });
    expect(a.reduce((s, v) => s + v, 0)).toBe(60);
    expect(a.every((v) => v > 0)).toBe(true);
    expect(validationClasses({ splitMode: 'random', rng: new Rng(3) })).toEqual(a);
  });
  test('bad values are typed errors', () => {
    const { x, t } = spiral({ numPerClass: 5 });
    expect(() => make().fit(x, t, { validationSplit: 1 })).toThrow(
      /validationSplit must be a finite number > 0 and < 1, got 1/,
    );
    expect(() => make().fit(x, t, { validationSplit: 0.2, splitMode: 'first' as never })).toThrow(
      /splitMode must be one of/,
    );
    expect(() => make().fit(x, t, { splitMode: 'last' })).toThrow(/splitMode needs validationSplit/);
  });
});

test('EarlyStopping says when it stops and when it restores the best weights (printed and in history.notes)', () => {
  const { x, t } = spiral();
  const out = new Capture();
  const trainer = make();
  const h = trainer.fit(x, t, {
    maxEpoch: 200,
    batchSize: 30,
    validationSplit: 0.2,
    earlyStopping: { patience: 1, restoreBest: true },
    progress: 'lines',
    output: out,
  });
  const notes = h.notes.toArray();
  expect(notes).toHaveLength(2);
  expect(notes[0]).toMatch(
    /^EarlyStopping: stopped at epoch \d+: valLoss did not improve for 1 epoch \(best [\d.]+ at epoch \d+\)$/,
  );
  expect(notes[1]).toMatch(/^EarlyStopping: restored the weights of epoch \d+ \(valLoss [\d.]+\)$/);
  const stopped = Number(/epoch (\d+)/.exec(notes[0])![1]);
  expect(stopped).toBe(h.last!.epoch);
  expect(stopped).toBeLessThan(200);
  for (const note of notes) expect(out.text).toContain(`${note}\n`);
  const silent = make().fit(x, t, {
    maxEpoch: 50,
    batchSize: 30,
    validationSplit: 0.2,
    earlyStopping: { patience: 1 },
    verbose: 0,
  });
  expect(silent.notes.size).toBe(1); // stopped, nothing restored
});

describe('losses and accuracy over an empty batch are NaN, never a silent 0', () => {
  test('softmaxCrossEntropy', () => {
    expect(softmaxCrossEntropy(zeros([0, 3]), tensor([], { dtype: 'int32' })).item()).toBeNaN();
    expect(softmaxCrossEntropy(zeros([0, 3]), zeros([0, 3])).item()).toBeNaN();
  });
  test('mseLoss (mean), while sum stays 0', () => {
    expect(mseLoss(zeros([0]), zeros([0])).item()).toBeNaN();
    expect(mseLoss(zeros([0]), zeros([0]), { reduction: 'sum' }).item()).toBe(0);
  });
  test('bceWithLogits and binaryCrossEntropy', () => {
    expect(bceWithLogits(zeros([0]), zeros([0])).item()).toBeNaN();
    expect(binaryCrossEntropy(zeros([0]), zeros([0])).item()).toBeNaN();
  });
  test('accuracy', () => {
    expect(accuracy(zeros([0, 3]), tensor([], { dtype: 'int32' }))).toBeNaN();
  });
  test('Trainer.evaluate over zero rows', () => {
    const r = make().evaluate(zeros([0, 2]), tensor([], { dtype: 'int32' }));
    expect(r.loss).toBeNaN();
    expect(r.accuracy).toBeNaN();
    expect(make().predict(zeros([0, 2])).shape).toEqual([0, 3]);
  });
});
