import fc from 'fast-check';
import { IndexError, Rng, ShapeError, tensor, ValueError } from '@tapegrad/core';
import { DataLoader, normalize, oneHot, standardize, TensorDataset, trainTestSplit } from '@tapegrad/datasets';

/** x row i = [i, 10·i], t = i mod 3: every batch row says which example it is. */
function numbered(n: number): TensorDataset {
  const x = tensor(
    Float32Array.from({ length: 2 * n }, (_, k) => (k % 2 ? 10 : 1) * Math.floor(k / 2)),
    { shape: [n, 2] },
  );
  const t = tensor(Int32Array.from({ length: n }, (_, i) => i % 3));
  return new TensorDataset(x, t);
}

function epoch(loader: DataLoader): number[][] {
  return [...loader].map((b) => {
    for (let r = 0; r < b.x.shape[0]; r++) {
      expect(b.x.data[2 * r + 1]).toBe(10 * b.x.data[2 * r]);
      expect(b.t.data[r]).toBe(b.x.data[2 * r] % 3);
    }
    return Array.from({ length: b.x.shape[0] }, (_, r) => b.x.data[2 * r]);
  });
}

describe('TensorDataset', () => {
  const ds = numbered(7);
  test('get and getBatch', () => {
    expect(ds.length).toBe(7);
    const one = ds.get(4);
    expect(one.x.shape).toEqual([2]);
    expect(Array.from(one.x.data)).toEqual([4, 40]);
    expect(one.t.shape).toEqual([]);
    expect(one.t.data[0]).toBe(1);
    const b = ds.getBatch([6, 0, 1, 2]);
    expect(b.x.shape).toEqual([4, 2]);
    expect(Array.from(b.x.data)).toEqual([6, 60, 0, 0, 1, 10, 2, 20]);
    expect(b.t.dtype).toBe('int32');
  });
  test('errors', () => {
    expect(() => ds.get(7)).toThrow(IndexError);
    expect(() => ds.getBatch([0, -1])).toThrow(/index -1 is out of range for a data set of length 7/);
    expect(() => new TensorDataset(tensor([[1], [2]]), tensor([1]))).toThrow(ShapeError);
  });
});

describe('DataLoader', () => {
  test('visits every index exactly once per epoch, reshuffled each epoch, reproducibly for a seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 17 }), fc.nat(), (n, batchSize, seed) => {
        const loader = new DataLoader(numbered(n), { batchSize, shuffle: true, rng: new Rng(seed) });
        const epochs = [epoch(loader), epoch(loader), epoch(loader)];
        for (const e of epochs) {
          expect(e.length).toBe(loader.length);
          expect(e.slice(0, -1).every((b) => b.length === batchSize)).toBe(true);
          expect(e.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        }
        const replay = new DataLoader(numbered(n), { batchSize, shuffle: true, rng: new Rng(seed) });
        expect([epoch(replay), epoch(replay), epoch(replay)]).toEqual(epochs);
      }),
      { numRuns: 60 },
    );
  });

  test('epochs differ when shuffling; in order without; dropLast drops the short batch', () => {
    const loader = new DataLoader(numbered(50), { batchSize: 8, shuffle: true, rng: new Rng(1) });
    expect(epoch(loader).flat()).not.toEqual(epoch(loader).flat());
    const plain = new DataLoader(numbered(10), { batchSize: 4 });
    expect(epoch(plain)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    const dropped = new DataLoader(numbered(10), { batchSize: 4, dropLast: true });
    expect(dropped.length).toBe(2);
    expect(epoch(dropped).flat()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => new DataLoader(numbered(3), { batchSize: 0 })).toThrow(ValueError);
  });

  test('asks the data set for one batch at a time', () => {
    const ds = numbered(20);
    const sizes: number[] = [];
    const spy = {
      length: ds.length,
      get: ds.get.bind(ds),
      getBatch: (i: ArrayLike<number>) => (sizes.push(i.length), ds.getBatch(i)),
    };
    for (const b of new DataLoader(spy, { batchSize: 6, shuffle: true, rng: new Rng(3) }))
      expect(b.x.shape[0]).toBeLessThanOrEqual(6);
    expect(sizes).toEqual([6, 6, 6, 2]);
  });
});

describe('oneHot', () => {
  test('encodes and validates', () => {
    expect(oneHot([2, 0]).toArray()).toEqual([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    expect(oneHot(tensor([1], { dtype: 'int32' }), 4).shape).toEqual([1, 4]);
    expect(() => oneHot([3], 3)).toThrow(/label 3 at index 0 is out of range for 3 classes/);
    expect(() => oneHot([0.5])).toThrow(ValueError);
  });
});

describe('trainTestSplit', () => {
  const n = 103;
  const x = tensor(
    Float32Array.from({ length: n }, (_, i) => i),
    { shape: [n, 1] },
  );
  const labels = Int32Array.from({ length: n }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
  const t = tensor(labels);

  test('partitions the examples, rows stay paired, reproducible for a seed', () => {
    const s = trainTestSplit(x, t, { testSize: 0.2, rng: new Rng(5) });
    expect(s.xTest.shape).toEqual([21, 1]);
    expect(s.xTrain.shape).toEqual([82, 1]);
    const all = [...s.xTrain.data, ...s.xTest.data].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i));
    s.xTest.data.forEach((v, r) => expect(s.tTest.data[r]).toBe(labels[v]));
    expect(Array.from(trainTestSplit(x, t, { testSize: 0.2, rng: new Rng(5) }).xTest.data)).toEqual(
      Array.from(s.xTest.data),
    );
  });

  test('stratify keeps each class share (labels or one-hot)', () => {
    for (const target of [t, oneHot(labels)]) {
      const s = trainTestSplit(x, target, { testSize: 0.2, stratify: true, rng: new Rng(9) });
      const counts = [0, 0, 0];
      for (const v of s.xTest.data) counts[labels[v]]++;
      expect(counts).toEqual([12, 6, 3]); // 21 test examples: 60·0.2039…, 30·…, 13·… by largest remainder
    }
    const byOther = trainTestSplit(x, t, {
      testSize: 10,
      stratify: tensor(Int32Array.from({ length: n }, (_, i) => i % 2)),
      rng: new Rng(1),
    });
    expect(byOther.xTest.data.filter((v) => v % 2 === 0).length).toBe(5);
  });

  test('validates testSize', () => {
    expect(() => trainTestSplit(x, t, { testSize: 0 })).toThrow(/testSize must be a fraction in \(0, 1\) or a count/);
    expect(() => trainTestSplit(x, t, { testSize: 103 })).toThrow(ValueError);
    expect(() => trainTestSplit(x, tensor([1, 2]))).toThrow(ShapeError);
  });
});

describe('standardize / normalize', () => {
  const train = tensor([
    [1, 10, 5],
    [3, 20, 5],
    [5, 60, 5],
  ]);
  const other = tensor([
    [3, 30, 6],
    [7, 0, 5],
  ]);

  test('standardize fits mean and population std on train, applies them to other data', () => {
    const s = standardize(train);
    expect(Array.from(s.shift)).toEqual([3, 30, 5]);
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(s.scale[2]).toBe(1); // constant feature
    const z = s.transform(train);
    for (let j = 0; j < 3; j++) {
      const col = [0, 1, 2].map((i) => z.data[i * 3 + j]);
      expect(col.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
    }
    const zt = s.transform(other);
    expect(zt.data[0]).toBeCloseTo(0, 6);
    expect(zt.data[3]).toBeCloseTo(4 / Math.sqrt(8 / 3), 6);
    expect(Array.from(s.inverseTransform(zt).data).map((v) => Math.round(v * 1e4) / 1e4 + 0)).toEqual([
      3, 30, 6, 7, 0, 5,
    ]);
    expect(() => s.transform(tensor([[1, 2]]))).toThrow(/fitted on \[N,3\]/);
  });

  test('normalize maps train min..max onto 0..1', () => {
    const m = normalize(train);
    expect(Array.from(m.transform(train).data)).toEqual([0, 0, 0, 0.5, 0.2, 0, 1, 1, 0].map(Math.fround));
    expect(m.transform(other).data[3]).toBeCloseTo(1.5, 6);
  });
});
