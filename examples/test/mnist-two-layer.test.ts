import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../mnist-two-layer';

describe('mnist-two-layer example (smoke: 300 iterations on 3,000 images)', () => {
  it("prints the book's per-epoch accuracy lines and learns", async () => {
    const lines: string[] = [];
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-m2l-'));
    const { metrics } = await run({ smoke: true, outDir, log: (l) => lines.push(l) });
    expect(lines[0]).toMatch(/^train acc, test acc \| 0\.\d+, 0\.\d+$/);
    expect(lines.filter((l) => l.startsWith('train acc, test acc'))).toHaveLength(10);
    expect(metrics.testAccuracy).toBeGreaterThan(0.5);
  });
});
