import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tensor } from '@tapegrad/core';
import { numericalGradientAt, run } from '../gradient-check';

describe('gradient-check example', () => {
  it('central differences of a known function', () => {
    const p = tensor([1, 2, 3], { dtype: 'float64' });
    const f = (): number => p.data[0] ** 2 + 3 * p.data[2];
    const g = numericalGradientAt(f, p, [0, 2]);
    expect(g[0]).toBeCloseTo(2, 8);
    expect(Number.isNaN(g[1])).toBe(true);
    expect(g[2]).toBeCloseTo(3, 8);
  });

  it('backprop agrees with numerical gradients on 3 MNIST images to < 1e-7 (float64)', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-gc-'));
    const { metrics } = await run({ smoke: true, outDir, log: () => {} });
    for (const name of ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias'])
      expect(metrics[`${name}.max`]).toBeLessThan(1e-7);
    expect(metrics.maxAbsDiff).toBeLessThan(1e-7);
  });
});
