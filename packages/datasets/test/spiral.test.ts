import { Rng } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';

describe('spiral', () => {
  const { x, t, labels } = spiral();

  test('shapes, dtypes and 100 points per class', () => {
    expect(x.shape).toEqual([300, 2]);
    expect(x.dtype).toBe('float32');
    expect(t.shape).toEqual([300, 3]);
    expect(t.dtype).toBe('float32');
    expect(labels.shape).toEqual([300]);
    expect(labels.dtype).toBe('int32');
    const counts = [0, 0, 0];
    for (const l of labels.data) counts[l]++;
    expect(counts).toEqual([100, 100, 100]);
  });

  test('labels match the one-hot targets; class j holds rows 100j..100j+99', () => {
    for (let i = 0; i < 300; i++) {
      const row = Array.from(t.data.subarray(i * 3, i * 3 + 3));
      const expected = [0, 0, 0];
      expected[labels.data[i]] = 1;
      expect(row).toEqual(expected);
      expect(labels.data[i]).toBe(Math.floor(i / 100));
    }
  });

  test("each point's radius is i/N", () => {
    for (let ix = 0; ix < 300; ix++) {
      const r = Math.hypot(x.data[2 * ix], x.data[2 * ix + 1]);
      expect(r).toBeCloseTo((ix % 100) / 100, 6);
    }
  });

  test('angles follow θ = 4j + 4·i/N + 0.2·z, with z from Rng(1984).normal() in loop order', () => {
    const rng = new Rng(1984);
    for (let j = 0; j < 3; j++) {
      for (let i = 0; i < 100; i++) {
        const theta = 4 * j + (4 * i) / 100 + 0.2 * rng.normal();
        const ix = 100 * j + i;
        expect(x.data[2 * ix]).toBe(Math.fround((i / 100) * Math.sin(theta)));
        expect(x.data[2 * ix + 1]).toBe(Math.fround((i / 100) * Math.cos(theta)));
      }
    }
  });

  test('pinned points for seed 1984', () => {
    // Rng(1984).normal() starts -2.559259680454194, 0.2742637419604943, so point 1 of class 0 has
    // θ = 0.04 + 0.2·0.27426… = 0.094852…, x = 0.01·(sin θ, cos θ).
    const theta1 = 0.04 + 0.2 * 0.2742637419604943;
    expect(x.data[2]).toBeCloseTo(0.01 * Math.sin(theta1), 7);
    expect(x.data[3]).toBeCloseTo(0.01 * Math.cos(theta1), 7);
    expect(Math.abs(x.data[0])).toBe(0); // radius 0 at i = 0 (sin θ < 0 here gives -0, as NumPy)
    expect(Math.abs(x.data[1])).toBe(0);
    expect(x.data[2 * 150]).toBeCloseTo(-0.15254108607769012, 6);
    expect(x.data[2 * 150 + 1]).toBeCloseTo(0.47616302967071533, 6);
    expect(x.data[2 * 299]).toBeCloseTo(-0.6358105540275574, 6);
    expect(x.data[2 * 299 + 1]).toBeCloseTo(0.7588444948196411, 6);
  });

  test('same seed gives identical tensors; another seed differs; options are validated', () => {
    const again = spiral({ seed: 1984 });
    expect(Array.from(again.x.data)).toEqual(Array.from(x.data));
    expect(Array.from(spiral({ seed: 7 }).x.data)).not.toEqual(Array.from(x.data));
    const small = spiral({ numPerClass: 5, numClasses: 4 });
    expect(small.x.shape).toEqual([20, 2]);
    expect(small.t.shape).toEqual([20, 4]);
    expect(() => spiral({ numPerClass: 0 })).toThrow(/spiral: numPerClass must be an integer ≥ 1, got 0/);
  });
});
