import { Rng, ValueError, ones } from '@tapegrad/core';
import { dropout } from '@tapegrad/nn';

describe('dropout (the function)', () => {
  test('keeps each element with probability 1 − p, scaled by 1/(1 − p); p 0 returns x', () => {
    const x = ones([4000], { dtype: 'float64' });
    const y = dropout(x, 0.25, new Rng(3));
    const d = Array.from(y.data);
    expect(d.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-12)).toBe(true);
    const kept = d.filter((v) => v !== 0).length / d.length;
    expect(Math.abs(kept - 0.75)).toBeLessThan(0.03);
    expect(dropout(x, 0)).toBe(x);
  });

  test('bad arguments are typed errors naming dropout and the argument', () => {
    expect(() => dropout(null as never, 0.5)).toThrow(new ValueError('dropout: x must be a Tensor, got null'));
    expect(() => dropout(ones([2]), NaN)).toThrow(/dropout: p must be/);
    expect(() => dropout(ones([2]), 1)).toThrow(/dropout: p must be/);
    expect(() => dropout(ones([2]), 0.5, {} as never)).toThrow(/dropout: rng must be an Rng/);
  });
});
