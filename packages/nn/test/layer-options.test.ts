import { Rng, TapegradError, zeros } from '@tapegrad/core';
import { Dropout, LeakyReLU, Linear, MSELoss, Softmax, applyPenalty, clipGradNorm, init, mlp } from '@tapegrad/nn';

// Issue #18: layers' option bags reject misspelled keys and bad values with typed errors, as the
// optimisers, schedulers, losses and the Trainer do.
test.each([
  [
    'Linear',
    () => new Linear(2, 3, { biass: false } as never),
    /^Linear: unknown option 'biass' \(did you mean 'bias'\?\)/,
  ],
  ['Linear bias', () => new Linear(2, 3, { bias: 0 as never }), /^Linear: bias must be true or false, got 0$/],
  ['Linear dtype', () => new Linear(2, 3, { dtype: 'float16' as never }), /^Linear: unknown dtype 'float16'/],
  ['Linear init', () => new Linear(2, 3, { init: 0.01 as never }), /^Linear: init must be a function, got 0.01$/],
  ['Linear inFeatures', () => new Linear(2.5, 3), /^Linear: inFeatures must be an integer ≥ 1, got 2.5$/],
  ['Dropout', () => new Dropout(0.5, { seed: 1 } as never), /^Dropout: unknown option 'seed'/],
  ['Dropout p', () => new Dropout(NaN), /^Dropout: p must be a finite number ≥ 0 and < 1, got NaN$/],
  ['Dropout rng', () => new Dropout(0.5, { rng: 1 as never }), /^Dropout: rng must be an Rng, got 1$/],
  [
    'mlp',
    () => mlp([2, 3], { activaton: 'tanh' } as never),
    /^mlp: unknown option 'activaton' \(did you mean 'activation'\?\)/,
  ],
  [
    'MSELoss',
    () => new MSELoss({ reduction: 'none' as never }),
    /^MSELoss: reduction must be one of "mean", "sum", "halfSum"/,
  ],
  ['LeakyReLU', () => new LeakyReLU(NaN), /^LeakyReLU: slope must be a finite number, got NaN$/],
  ['Softmax', () => new Softmax(0.5), /^Softmax: axis must be an integer, got 0.5$/],
  ['init', () => init.heNormal([2, 2], { fan_in: 2 } as never), /^init: unknown option 'fan_in'/],
  [
    'applyPenalty',
    () => applyPenalty([], { L2: 1 } as never),
    /^applyPenalty: unknown option 'L2'.*; valid: l1, l2, batchSize$/,
  ],
  ['clipGradNorm', () => clipGradNorm([], NaN), /^clipGradNorm: maxNorm must be a finite number > 0, got NaN$/],
])('%s', (_name, make, message) => {
  expect(make).toThrow(TapegradError);
  expect(make).toThrow(message);
});

test('valid option bags still work', () => {
  const fc = new Linear(2, 3, { bias: false, init: init.normal(0.01), rng: new Rng(0), dtype: 'float64' });
  expect(fc.bias).toBeNull();
  expect(fc.forward(zeros([1, 2], { dtype: 'float64' })).shape).toEqual([1, 3]);
  expect(new Dropout(0.2, { rng: new Rng(1) }).p).toBe(0.2);
});
