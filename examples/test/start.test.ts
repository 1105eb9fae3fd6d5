import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../mnist/start';
import { loadCheckpoint } from '@tapegrad/cli';

describe('npm start (MNIST demo), smoke size', () => {
  it('trains, evaluates, and writes curves, a checkpoint and metrics.json, then says where', async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-start-'));
    const lines: string[] = [];
    const result = await main({ outDir, limit: 2000, epochs: 2, log: (l) => lines.push(l) });
    expect(result.testAccuracy).toBeGreaterThan(0.7);
    for (const f of ['loss.png', 'loss.svg', 'accuracy.png', 'accuracy.svg', 'model.safetensors', 'metrics.json']) {
      expect(fs.existsSync(path.join(outDir, f))).toBe(true);
    }
    const metrics = JSON.parse(fs.readFileSync(path.join(outDir, 'metrics.json'), 'utf8'));
    expect(metrics.testAccuracy).toBe(result.testAccuracy);
    expect(metrics.history).toHaveLength(2);
    expect(lines.join('\n')).toMatch(/test accuracy: \d+\.\d\d% \(\d+ \/ 2000\)/);
    expect(lines.slice(-7).join('\n')).toContain('model.safetensors');
    const { spec, meta } = loadCheckpoint(path.join(outDir, 'model.safetensors'));
    expect(spec.layers).toEqual([784, 256, 10]);
    expect(Number(meta.testAccuracy)).toBe(result.testAccuracy);
  });
});
