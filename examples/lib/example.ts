import * as fs from 'node:fs';
import * as path from 'node:path';

/** What every example's `run` receives. */
export interface ExampleOptions {
  /** Tiny data and few steps: seconds, for the test suite. */
  smoke: boolean;
  /** Folder for plots, checkpoints and metrics (created by the caller). */
  outDir: string;
  /** Where progress lines go (console.log by default). */
  log: (line: string) => void;
  /**
   * Also repeat the run over this many seeds and print mean ± sd (`--seeds N`); examples that
   * support it say so, the others ignore it.
   */
  seeds?: number;
}

/** What every example's `run` returns: its headline numbers and the files it wrote. */
export interface ExampleResult {
  metrics: Record<string, number | string | boolean>;
  files: string[];
}

/** An example module: `examples/<name>/index.ts` exports these. */
export interface ExampleModule {
  description: string;
  run(options: ExampleOptions): Promise<ExampleResult>;
}

/**
 * `runs/<name>-<YYYYMMDD-HHMMSS>` under the repository root (or `root`); no name gives
 * `runs/<YYYYMMDD-HHMMSS>`.
 *
 * @example
 * timestampDir('spiral'); // …/runs/spiral-20260101-120000
 * timestampDir(''); // …/runs/20260101-120000
 */
export function timestampDir(name: string, root = path.join(__dirname, '..', '..', 'runs')): string {
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
  fs.mkdirSync(outDir, { recursive: true });
  const p = path.join(outDir, file);
  fs.writeFileSync(p, JSON.stringify(value, null, 2) + '\n');
  return p;
}

/**
 * Seconds since `t0` (a `performance.now()` value), rounded to 0.1 s.
 *
 * @example
 * const t0 = performance.now();
 * secondsSince(t0); // 0
 */
export function secondsSince(t0: number): number {
  return Math.round((performance.now() - t0) / 100) / 10;
}

/**
 * A number with `digits` decimals (integers as they are), as the books print them.
 *
 * @example
 * fmt(0.123456); // '0.1235'
 * fmt(6); // '6'
 */
export function fmt(x: number, digits = 4): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
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
