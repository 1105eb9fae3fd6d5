import * as fs from 'node:fs';
import * as path from 'node:path';
import { DatasetError, makeDir } from '@tapegrad/datasets';
import { UsageError } from './args';

/**
 * `<root>/<name>-<YYYYMMDD-HHMMSS>` (root: `runs/` under the working directory); no name gives
 * `<root>/<YYYYMMDD-HHMMSS>`.
 *
 * @example
 * timestampDir('spiral'); // …/runs/spiral-20260101-120000
 * timestampDir('', '/tmp/runs'); // /tmp/runs/20260101-120000
 */
export function timestampDir(name: string, root = path.resolve('runs')): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
  return path.join(root, name ? `${name}-${stamp}` : stamp);
}

/**
 * Writes `value` as pretty JSON to `outDir/file` (creating the folder) and returns the path.
 *
 * @example
 * writeJson('runs/x', 'metrics.json', { accuracy: 0.98 }); // 'runs/x/metrics.json'
 * JSON.parse(fs.readFileSync('runs/x/metrics.json', 'utf8')).accuracy; // 0.98
 */
export function writeJson(outDir: string, file: string, value: unknown): string {
  makeDir(outDir);
  const p = path.join(outDir, file);
  fs.writeFileSync(p, JSON.stringify(value, null, 2) + '\n');
  return p;
}

/**
 * `p` relative to the working directory when it lies inside it, else absolute.
 *
 * @example
 * displayPath(path.join(process.cwd(), 'runs/x')); // 'runs/x'
 * displayPath('/tmp/x'); // '/tmp/x'
 */
export function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? path.resolve(p) : rel;
}

/**
 * The folder a command writes into: `out` (its `--out` flag) when given, else a fresh
 * `runs/<name>-<timestamp>`. It is created at once, before any training, so a folder that cannot
 * be made is a {@link UsageError} of `--out` (exit code 2), not a failure after the work is done.
 *
 * @example
 * const dir = prepareOutDir('tapegrad train', flags.out as string | undefined, 'train-spiral');
 * prepareOutDir('tapegrad graph', '/proc/x', 'graph'); // UsageError: tapegrad graph: --out: cannot create the folder /proc/x (ENOENT)
 */
export function prepareOutDir(cmd: string, out: string | undefined, name: string): string {
  const dir = out ?? timestampDir(name);
  try {
    makeDir(dir);
  } catch (e) {
    if (e instanceof DatasetError) throw new UsageError(`${cmd}: --out: ${e.message}`);
    throw e;
  }
  return dir;
}
