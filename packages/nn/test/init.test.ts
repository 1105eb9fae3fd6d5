import { Rng } from '@tapegrad/core';
import { init } from '@tapegrad/nn';

const stats = (d: ArrayLike<number>): { mean: number; std: number; maxAbs: number } => {
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (let i = 0; i < d.length; i++) {
    s += d[i];
    s2 += d[i] * d[i];
    m = Math.max(m, Math.abs(d[i]));
  }
  const mean = s / d.length;
  return { mean, std: Math.sqrt(s2 / d.length - mean * mean), maxAbs: m };
};

test('initialisers draw with the documented scale from the given Rng', () => {
  const shape = [200, 300]; // PyTorch layout [out, in]: fanIn 300, fanOut 200
  const cases: [init.Initializer, 'normal' | 'uniform', number][] = [
    [init.heNormal, 'normal', Math.sqrt(2 / 300)],
    [init.heUniform, 'uniform', Math.sqrt(6 / 300)],
    [init.lecunNormal, 'normal', Math.sqrt(1 / 300)],
    [init.xavierNormal, 'normal', Math.sqrt(2 / 500)],
    [init.xavierUniform, 'uniform', Math.sqrt(6 / 500)],
    [init.normal(0.01), 'normal', 0.01],
  ];
  for (const [f, kind, scale] of cases) {
    const t = f(shape, { rng: new Rng(7) });
    const s = stats(t.data);
    expect(Math.abs(s.mean)).toBeLessThan(scale * 0.02);
    if (kind === 'normal') expect(s.std / scale).toBeCloseTo(1, 1);
    else {
      expect(s.maxAbs).toBeLessThanOrEqual(scale);
      expect(s.std / (scale / Math.sqrt(3))).toBeCloseTo(1, 1);
    }
    expect(Array.from(f(shape, { rng: new Rng(7) }).data)).toEqual(Array.from(t.data));
  }
  expect(Array.from(init.zeros([3]).data)).toEqual([0, 0, 0]);
  expect(Array.from(init.ones([2], { dtype: 'float64' }).data)).toEqual([1, 1]);
  expect(init.ones([2], { dtype: 'float64' }).dtype).toBe('float64');
});

test('fans follow PyTorch’s [out, in] convention unless given', () => {
  expect(init.fans([10, 784])).toEqual({ fanIn: 784, fanOut: 10 });
  expect(init.fans([784, 10], { fanIn: 784, fanOut: 10 })).toEqual({ fanIn: 784, fanOut: 10 });
  expect(init.fans([8, 3, 5, 5])).toEqual({ fanIn: 75, fanOut: 200 });
  expect(init.fans([6])).toEqual({ fanIn: 6, fanOut: 6 });
  const book = stats(init.heNormal([784, 100], { rng: new Rng(1), fanIn: 784 }).data);
  expect(book.std / Math.sqrt(2 / 784)).toBeCloseTo(1, 1);
});
