import fc from 'fast-check';
import {
  Rng,
  arange,
  eye,
  full,
  getDefaultRng,
  linspace,
  manualSeed,
  ones,
  onesLike,
  rand,
  randn,
  tensor,
  zeros,
  zerosLike,
} from '@tapegrad/core';
import { arbShape } from '@tapegrad/core/testing';

describe('tensor()', () => {
  test('infers shape from nesting; float32 by default', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.size).toBe(6);
    expect(t.ndim).toBe(2);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(tensor(5).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[]]).shape).toEqual([1, 0]);
  });

  test('dtype, shape and requiresGrad options', () => {
    expect(tensor([1.9, -1.9], { dtype: 'int32' }).toArray()).toEqual([1, -1]);
    expect(tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const x = tensor([1], { dtype: 'float64', requiresGrad: true });
    expect(x.requiresGrad).toBe(true);
    expect(x.isLeaf).toBe(true);
  });

  test('a typed array keeps its dtype and storage; another dtype copies', () => {
    const a = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(a, { shape: [2, 3] });
    expect(t.dtype).toBe('float64');
    expect(t.data).toBe(a);
    const c = tensor(a, { dtype: 'float32' });
    expect(c.dtype).toBe('float32');
    expect(c.data).not.toBe(a);
    expect(tensor(new Int32Array([7])).dtype).toBe('int32');
  });

  test('a tensor argument keeps its shape and is copied', () => {
    const src = tensor([
      [1, 2],
      [3, 4],
    ]);
    const t = tensor(src);
    expect(t.shape).toEqual([2, 2]);
    expect(t.toArray()).toEqual(src.toArray());
    t.data[0] = 9;
    expect(src.data[0]).toBe(1);
    expect(tensor(src, { dtype: 'float64' }).shape).toEqual([2, 2]);
  });
});

describe('creation functions', () => {
  test('zeros, ones, full, zerosLike, onesLike', () => {
    expect(zeros([2, 3]).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(zeros([2], { dtype: 'float64' }).dtype).toBe('float64');
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2, 2], 7).toArray()).toEqual([
      [7, 7],
      [7, 7],
    ]);
    expect(full([], 2.5).item()).toBe(2.5);
    expect(full([2], 2, { dtype: 'int32' }).dtype).toBe('int32');
    const t = tensor([[1, 2]], { dtype: 'float64' });
    expect(zerosLike(t).toArray()).toEqual([[0, 0]]);
    expect(zerosLike(t).dtype).toBe('float64');
    expect(onesLike(t).toArray()).toEqual([[1, 1]]);
    expect(onesLike(t, { dtype: 'int32' }).dtype).toBe('int32');
    expect(zeros([0, 3]).size).toBe(0);
    expect(ones([2], { requiresGrad: true }).requiresGrad).toBe(true);
  });

  test('arange like np.arange', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 1).toArray()).toEqual([]);
    expect(arange(3, undefined, undefined, { dtype: 'int32' }).dtype).toBe('int32');
  });

  test('linspace like np.linspace (endpoint included)', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, 2, 3).toArray()).toEqual([2, 2, 2]);
    expect(linspace(0, 1, 1).toArray()).toEqual([0]);
    expect(linspace(0, 1, 0).shape).toEqual([0]);
    expect(linspace(-1, 1, 50, { dtype: 'float64' }).data[49]).toBe(1);
  });

  test('eye', () => {
    expect(eye(3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(eye(2, 3).toArray()).toEqual([
      [1, 0, 0],
      [0, 1, 0],
    ]);
  });

  test('rand in [0, 1) and randn with about mean 0, std 1, with the requested shape and dtype', () => {
    const rng = new Rng(7);
    const u = rand([100, 100], { rng, dtype: 'float64' });
    expect(u.shape).toEqual([100, 100]);
    expect(u.dtype).toBe('float64');
    expect(Array.from(u.data).every((v) => v >= 0 && v < 1)).toBe(true);
    expect(u.mean().item()).toBeCloseTo(0.5, 2);
    const z = randn([100, 100], { rng, dtype: 'float64' });
    const m = z.mean().item();
    expect(m).toBeCloseTo(0, 1);
    expect(Math.sqrt(z.sub(m).square().mean().item())).toBeCloseTo(1, 1);
    expect(randn([2, 3]).dtype).toBe('float32');
  });

  test('rand stays below 1 in float32, where a double just below 1 would round up to 1', () => {
    const nearOne = { random: () => 1 - 2 ** -30 } as unknown as Rng;
    const u = rand([2], { rng: nearOne });
    expect(Array.from(u.data)).toEqual([1 - 2 ** -24, 1 - 2 ** -24]);
    expect(rand([1], { rng: nearOne, dtype: 'float64' }).item()).toBe(1 - 2 ** -30);
  });

  test('every creation function returns the requested shape (property)', () => {
    fc.assert(
      fc.property(arbShape(), (s) => {
        for (const t of [zeros(s), ones(s), full(s, 3), rand(s), randn(s)]) {
          expect(t.shape).toEqual(s);
          expect(t.size).toBe(s.reduce((a, b) => a * b, 1));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('Rng: seeded, bit-identical', () => {
  test('xoshiro128** core: state (1, 2, 3, 4) gives the reference outputs', () => {
    // The first outputs of the reference C implementation (Blackman & Vigna) from s = {1, 2, 3, 4}.
    const r = new Rng(0) as unknown as { s0: number; s1: number; s2: number; s3: number; nextUint32(): number };
    [r.s0, r.s1, r.s2, r.s3] = [1, 2, 3, 4];
    expect(Array.from({ length: 6 }, () => r.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ]);
  });

  test('pinned first values of Rng(42): a change to the generator or the seeding is caught', () => {
    const a = new Rng(42);
    expect([a.nextUint32(), a.nextUint32(), a.nextUint32(), a.nextUint32()]).toEqual([
      2837322924, 544945897, 479756282, 3500138142,
    ]);
    const b = new Rng(42);
    expect([b.random(), b.random(), b.random()]).toEqual([0.6606157208001621, 0.1117019639532224, 0.0791056456144914]);
    const c = new Rng(42);
    expect([c.normal(), c.normal(), c.normal()]).toEqual([0.6953712153418404, 0.5878986391985577, 2.242263762064122]);
  });

  test('same seed → bit-identical streams; different seeds differ', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 53 - 1 }), (seed) => {
        const a = new Rng(seed);
        const b = new Rng(seed);
        for (let i = 0; i < 5; i++) {
          expect(a.nextUint32()).toBe(b.nextUint32());
          expect(a.normal()).toBe(b.normal());
        }
        expect(new Rng(seed).random()).not.toBe(new Rng(seed + 1).random());
      }),
      { numRuns: 100 },
    );
    expect(Array.from(randn([5], { rng: new Rng(3), dtype: 'float64' }).data)).toEqual(
      Array.from(randn([5], { rng: new Rng(3), dtype: 'float64' }).data),
    );
  });

  test('seeds above 2³² are distinguished', () => {
    expect(new Rng(2 ** 40 + 5).nextUint32()).not.toBe(new Rng(5).nextUint32());
  });

  test('re-seeding restarts the stream, spare normal included', () => {
    const r = new Rng(9);
    const first = [r.normal(), r.normal(), r.normal()];
    r.seed(9);
    expect([r.normal(), r.normal(), r.normal()]).toEqual(first);
  });

  test('manualSeed seeds the default generator used without an explicit rng', () => {
    manualSeed(1984);
    const a = randn([4], { dtype: 'float64' });
    const u = rand([2], { dtype: 'float64' });
    manualSeed(1984);
    expect(randn([4], { dtype: 'float64' }).toArray()).toEqual(a.toArray());
    expect(rand([2], { dtype: 'float64' }).toArray()).toEqual(u.toArray());
    const r = manualSeed(5);
    expect(getDefaultRng()).toBe(r);
  });

  test('uniform, randint and permutation', () => {
    const r = new Rng(1);
    for (let i = 0; i < 200; i++) {
      const u = r.uniform(-2, 3);
      expect(u >= -2 && u < 3).toBe(true);
      const k = r.randint(3, 7);
      expect(Number.isInteger(k) && k >= 3 && k < 7).toBe(true);
    }
    const p = Array.from(r.permutation(50));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual([...p].sort((a, b) => a - b));
  });

  test('fork gives an independent, deterministic stream', () => {
    const a = new Rng(11).fork();
    const b = new Rng(11).fork();
    expect(a.nextUint32()).toBe(b.nextUint32());
    expect(new Rng(11).fork().nextUint32()).not.toBe(new Rng(11).nextUint32());
  });
});
