import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../spiral';

describe('spiral example', () => {
  it("learns the book's spiral: 300 epochs of SGD lr 1.0 reach a final loss ≤ 0.15", async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-spiral-'));
    const lines: string[] = [];
    const { metrics } = await run({ smoke: true, outDir, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^\| epoch 300 \| {2}iter 10 \/ 10 \| loss 0\.\d\d$/);
    expect(metrics.finalLoss).toBeLessThanOrEqual(0.15);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.95);
  });
});
