import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as sevenSegment from '../seven-segment';
import * as spiralTrainer from '../spiral-trainer';
import * as xor222 from '../xor-2-2-2';

const opts = (lines: string[] = []) => ({
  smoke: true,
  outDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-ex-')),
  log: (l: string) => lines.push(l),
});

describe('small book nets', () => {
  it('xor-2-2-2: first pass matches the textbook (E = 0.298371109), then O → T', async () => {
    const { metrics } = await xor222.run(opts());
    expect(metrics.firstError).toBeCloseTo(0.298371109, 6);
    expect(metrics.firstO1).toBeCloseTo(0.75136507, 6);
    expect(metrics.firstO2).toBeCloseTo(0.772928465, 6);
    expect(metrics.finalError).toBeLessThan(1e-4);
  });

  it("xor-2-2-2: one SGD step gives the textbook's updated weights", async () => {
    const lines: string[] = [];
    await xor222.run(opts(lines));
    expect(lines[1]).toContain('0.14978072,0.19956143,0.24975115,0.29950231');
    expect(lines[2]).toContain('0.35891649,0.40866616,0.51130128,0.56137013');
  });

  it('seven-segment: all 10 LED patterns decode to their digit', async () => {
    expect(sevenSegment.decode([0, 1, 0, 1])).toBe(5);
    const { metrics } = await sevenSegment.run(opts());
    expect(metrics.decoded).toBe(10);
  });

  it("spiral-trainer: Trainer.fit prints the book's lines and reaches loss ≤ 0.15", async () => {
    const { metrics } = await spiralTrainer.run(opts());
    expect(metrics.records).toBe(300);
    expect(metrics.finalLoss).toBeLessThanOrEqual(0.15);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.95);
  });
});
