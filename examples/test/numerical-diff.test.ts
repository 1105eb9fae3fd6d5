import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gradientDescent, function2, numericalDiff, function1, run } from '../numerical-diff';

describe('numerical-diff example', () => {
  it('reproduces the book: slope 0.2 at x = 5, ∇ = (6, 8) at (3, 4), simpleNet dW', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-nd-'));
    const { metrics } = await run({ smoke: true, outDir, log: () => {} });
    expect(metrics.slopeAt5).toBeCloseTo(0.2, 10);
    expect(metrics.gradAt34x0).toBeCloseTo(6, 6);
    expect(metrics.gradAt34x1).toBeCloseTo(8, 6);
    expect(metrics.simpleNetDwVsBook).toBeLessThan(1e-6);
    expect(metrics.simpleNetDwVsBackprop).toBeLessThan(1e-8);
    expect(metrics.gd20Distance).toBeCloseTo(0.0576, 4);
    expect(metrics.gd100Distance).toBeLessThan(1e-8);
    expect(fs.existsSync(path.join(outDir, 'metrics.json'))).toBe(true);
  });

  it('walks gradient descent to the origin: 0.058 away after 20 steps (the figure), ~1e-9 after 100 (the text)', () => {
    expect(numericalDiff(function1, 10)).toBeCloseTo(0.3, 10);
    const gd20 = gradientDescent(function2, [-3, 4], 0.1, 20);
    expect(gd20.history).toHaveLength(21);
    // each step multiplies x by (1 − 2·lr) = 0.8: 0.8^20·(−3, 4)
    expect(gd20.x[0]).toBeCloseTo(-3 * 0.8 ** 20, 8);
    expect(gd20.x[1]).toBeCloseTo(4 * 0.8 ** 20, 8);
    expect(Math.max(...gd20.x.map(Math.abs))).toBeLessThan(0.05);
    // the "within 0.05 of the origin" cannot hold in distance: 0.8^20·5 = 0.0576
    expect(Math.hypot(gd20.x[0], gd20.x[1])).toBeCloseTo(0.8 ** 20 * 5, 8);
    expect(Math.hypot(gd20.x[0], gd20.x[1])).toBeGreaterThan(0.05);
    const gd100 = gradientDescent(function2, [-3, 4], 0.1, 100);
    expect(Math.hypot(gd100.x[0], gd100.x[1])).toBeLessThan(1e-8);
  });
});
