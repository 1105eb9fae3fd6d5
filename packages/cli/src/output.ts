import * as fs from 'node:fs';
import { UsageError } from './args';
import * as path from 'node:path';

/**
 * A folder that cannot be created (a parent that is a file, no permission, a file system such as
 * /proc that refuses new entries). The CLI reports it as a usage error of `--out`.
 *
 * @example
 * try { makeDir('/proc/x'); } catch (e) { if (e instanceof OutputDirError) console.error(e.message); }
 */
export class OutputDirError extends Error {
  override name = 'OutputDirError';
}

/**
 * Creates `dir` and its missing parents, one level at a time from the nearest existing ancestor.
 * Unlike `fs.mkdirSync(dir, { recursive: true })`, which loops forever where `mkdir` answers
 * ENOENT although the parent exists (/proc on Linux, Node 20), every failure is an
 * {@link OutputDirError} naming the folder and the reason.
 *
 * @example
 * makeDir('runs/spiral/plots'); // creates runs/, runs/spiral/ and runs/spiral/plots/ as needed
 * makeDir('/proc/x'); // OutputDirError: cannot create the folder /proc/x (ENOENT)
 */
export function makeDir(dir: string): void {
  const missing: string[] = [];
  let cur = path.resolve(dir);
  for (;;) {
    const kind = statKind(cur);
    if (kind === 'dir') break;
    if (kind === 'other')
      throw new OutputDirError(`cannot create the folder ${dir}: ${cur} exists and is not a folder`);
    missing.push(cur);
    const parent = path.dirname(cur);
    if (parent === cur) break;
    cur = parent;
  }
  for (const d of missing.reverse()) {
    try {
      fs.mkdirSync(d);
    } catch (e) {
      if (statKind(d) === 'dir') continue; // made meanwhile by another process
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      throw new OutputDirError(
        `cannot create the folder ${d === path.resolve(dir) ? dir : `${d} (for ${dir})`} (${code})`,
      );
    }
  }
}

function statKind(p: string): 'dir' | 'other' | 'missing' {
  try {
    return fs.statSync(p).isDirectory() ? 'dir' : 'other';
  } catch {
    return 'missing';
  }
}

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
    if (e instanceof OutputDirError) throw new UsageError(`${cmd}: --out: ${e.message}`);
    throw e;
  }
  return dir;
}
