import { ValueError } from '@tapegrad/core';
import { circles, gaussians, moons, xorPoints } from '@tapegrad/datasets';

const rows = (x: { data: ArrayLike<number> }, i: number): [number, number] => [x.data[2 * i], x.data[2 * i + 1]];

test('shapes, dtypes and labels: N points per class, one-hot targets', () => {
  for (const [f, classes] of [
    [circles, 2],
    [moons, 2],
    [xorPoints, 2],
    [gaussians, 3],
  ] as const) {
    const { x, t, labels } = f({ numPerClass: 7 });
    expect(x.shape).toEqual([7 * classes, 2]);
    expect(x.dtype).toBe('float32');
    expect(t.shape).toEqual([7 * classes, classes]);
    expect(labels.dtype).toBe('int32');
    expect(Array.from(labels.data)).toEqual(Array.from({ length: 7 * classes }, (_, i) => Math.floor(i / 7)));
  }
  expect(gaussians({ numClasses: 5, numPerClass: 2 }).t.shape).toEqual([10, 5]);
});

test('without noise the points lie exactly on their curves', () => {
  const c = circles({ numPerClass: 12, noise: 0 });
  for (let i = 0; i < 24; i++) {
    const [u, v] = rows(c.x, i);
    expect(Math.hypot(u, v)).toBeCloseTo(i < 12 ? 1 : 0.5, 6);
  }
  const m = moons({ numPerClass: 5, noise: 0 });
  expect(rows(m.x, 0)).toEqual([0.5, -0.25]); // angle 0 of the upper moon: (cos 0 − 0.5, sin 0 − 0.25)
  expect(rows(m.x, 5)).toEqual([-0.5, 0.25]); // the lower moon mirrors it
  const g = gaussians({ numPerClass: 3, noise: 0, numClasses: 4 });
  expect(rows(g.x, 3)[0]).toBeCloseTo(0, 6); // class 1 sits at 90°
  expect(rows(g.x, 3)[1]).toBeCloseTo(0.8, 6);
});

test('xorPoints: the class is the sign of x·y, away from the axes', () => {
  const { x, labels } = xorPoints({ numPerClass: 200, noise: 0 });
  for (let i = 0; i < 400; i++) {
    const [u, v] = rows(x, i);
    expect(Math.min(Math.abs(u), Math.abs(v))).toBeGreaterThanOrEqual(0.05 - 1e-7);
    expect(Math.max(Math.abs(u), Math.abs(v))).toBeLessThanOrEqual(1);
    expect(labels.data[i]).toBe(u * v > 0 ? 0 : 1);
  }
});

test('the same seed gives the same points; another seed other ones', () => {
  expect(Array.from(moons({ seed: 3 }).x.data)).toEqual(Array.from(moons({ seed: 3 }).x.data));
  expect(Array.from(moons({ seed: 3 }).x.data)).not.toEqual(Array.from(moons({ seed: 4 }).x.data));
});

test('bad options are ValueErrors naming the loader and the option', () => {
  expect(() => circles({ numPerClass: 0 })).toThrow(ValueError);
  expect(() => moons({ noise: -1 })).toThrow('moons: noise must be');
  expect(() => gaussians({ numClasses: 1 })).toThrow('gaussians: numClasses must be');
  expect(() => xorPoints({ numClasses: 3 } as never)).toThrow(/xorPoints.*numClasses/);
});
