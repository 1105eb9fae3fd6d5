import { Rng, ValueError, arange, tensor } from '@tapegrad/core';
import { epochBatches, fit, randomBatch, replacementBatches } from '@tapegrad/cli';
import { Linear, SGD } from '@tapegrad/nn';

/** The row numbers each batch of an epoch took (x holds each row's number in its one column). */
function rowsOf(batches: Iterable<{ x: { data: ArrayLike<number> } }>): number[][] {
  return Array.from(batches, (b) => Array.from(b.x.data));
}

describe('an epoch of batches', () => {
  const n = 1000;
  const x = arange(n).reshape([n, 1]);
  const t = arange(0, n, 1, { dtype: 'int32' });

  test("with replacement: floor(n / batchSize) batches of batchSize rows, drawn as the book's np.random.choice", () => {
    const rng = new Rng(3);
    const twin = new Rng(3);
    const epoch = Array.from(replacementBatches(x, t, 30, rng));
    expect(epoch.map((b) => [b.iter, b.iters, b.x.shape[0], b.t.shape[0]])).toEqual(
      Array.from({ length: 33 }, (_, i) => [i, 33, 30, 30]),
    );
    // Each batch is randomBatch's draw from the same generator, labels with their rows.
    for (const b of epoch) {
      expect(Array.from(b.x.data)).toEqual(Array.from(randomBatch(n, 30, twin).data));
      expect(Array.from(b.t.data)).toEqual(Array.from(b.x.data));
    }
    // With replacement, not a permutation: 990 draws from 1000 rows repeat some (all but surely).
    const rows = rowsOf(epoch).flat();
    expect(new Set(rows).size).toBeLessThan(rows.length);
    expect(rows.every((r) => Number.isInteger(r) && r >= 0 && r < n)).toBe(true);
  });

  test('shuffled: every row at most once, a dropped remainder', () => {
    const rows = rowsOf(epochBatches(x, t, 30, new Rng(3))).flat();
    expect(rows).toHaveLength(990);
    expect(new Set(rows).size).toBe(990);
  });
});

describe('fit', () => {
  // Two separable classes: the sign of the first of two features.
  const rng = new Rng(11);
  const n = 200;
  const feats = Array.from({ length: 2 * n }, () => rng.uniform(-1, 1));
  const x = tensor(feats, { shape: [n, 2] });
  const labels = tensor(
    Array.from({ length: n }, (_, i) => +(feats[2 * i] > 0)),
    { dtype: 'int32' },
  );

  function train(sampling?: 'shuffle' | 'replacement'): { loss: number[]; weight: number[] } {
    const model = new Linear(2, 2, { rng: new Rng(5) });
    const history = fit(
      model,
      new SGD(model.parameters(), { lr: 0.5 }),
      { x, labels },
      {
        epochs: 6,
        batchSize: 20,
        rng: new Rng(9),
        sampling,
        quiet: true,
      },
    );
    return { loss: history.map((r) => r.loss), weight: Array.from(model.weight.data) };
  }

  test("sampling 'replacement' learns, reproducibly, and differs from the default shuffle", () => {
    const a = train('replacement');
    expect(a.loss[5]).toBeLessThan(0.5 * a.loss[0]);
    expect(train('replacement')).toEqual(a);
    expect(train().weight).not.toEqual(a.weight);
    expect(train('shuffle')).toEqual(train());
  });

  test.each([
    [{ sampling: 'bootstrap' }, /fit: options\.sampling must be one of "shuffle", "replacement"; got "bootstrap"/],
    [{ batchSize: 0 }, /fit: options\.batchSize must be an integer ≥ 1, got 0/],
    [{ batchSize: 2.5 }, /fit: options\.batchSize must be an integer ≥ 1, got 2\.5/],
    [{ epochs: -1 }, /fit: options\.epochs must be an integer ≥ 0, got -1/],
  ])('bad options %p get a typed error before any step', (bad, message) => {
    const model = new Linear(2, 2, { rng: new Rng(5) });
    const before = Array.from(model.weight.data);
    const options = { epochs: 1, batchSize: 20, rng: new Rng(9), quiet: true, ...bad } as Parameters<typeof fit>[3];
    expect(() => fit(model, new SGD(model.parameters(), { lr: 0.5 }), { x, labels }, options)).toThrow(ValueError);
    expect(() => fit(model, new SGD(model.parameters(), { lr: 0.5 }), { x, labels }, options)).toThrow(message);
    expect(Array.from(model.weight.data)).toEqual(before);
  });
});
