import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PYTHON } from '../../onnx/test/helpers/python';

/**
 * Runs `script` (in test/python) on `cases` written to a JSON file, and returns what it printed as
 * JSON: the reference values torch computes for the same weights and inputs.
 *
 * @example
 * const theirs = torchReference<{ y: number[] }[]>('torch_recurrent.py', cases);
 */
export function torchReference<T>(script: string, cases: readonly unknown[]): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-torch-'));
  try {
    const input = path.join(dir, 'cases.json');
    fs.writeFileSync(input, JSON.stringify(cases));
    const r = spawnSync(PYTHON, [path.join(__dirname, 'python', script), input], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A comparison of many arrays: `compare(ours, theirs)` checks the lengths and keeps the largest
 * |a − b| / (1 + |b|); `worst()` returns it.
 *
 * @example
 * const c = comparer(); c.compare(y.data, t.y); expect(c.worst()).toBeLessThan(1e-12);
 */
export function comparer(): { compare(a: ArrayLike<number>, b: readonly number[]): void; worst(): number } {
  let w = 0;
  return {
    compare(a, b) {
      expect(a.length).toBe(b.length);
      for (let i = 0; i < b.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
    },
    worst: () => w,
  };
}
