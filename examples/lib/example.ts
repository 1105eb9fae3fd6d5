import * as path from 'node:path';
import { timestampDir as cliTimestampDir } from '@tapegrad/cli';

export { displayPath, writeJson } from '@tapegrad/cli';

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

/** The repository's `runs/` folder, where the examples write. */
export const RUNS_DIR = path.join(__dirname, '..', '..', 'runs');

/**
 * `runs/<name>-<YYYYMMDD-HHMMSS>` under the repository root; no name gives
 * `runs/<YYYYMMDD-HHMMSS>`.
 *
 * @example
 * timestampDir('spiral'); // …/runs/spiral-20260101-120000
 * timestampDir(''); // …/runs/20260101-120000
 */
export function timestampDir(name: string): string {
  return cliTimestampDir(name, RUNS_DIR);
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
 * Mean, sample standard deviation (n − 1), minimum and maximum of repeated results.
 *
 * @example
 * summaryStats([0.8, 0.9, 1]); // { mean: 0.9, sd: 0.1, min: 0.8, max: 1 }
 */
export function summaryStats(xs: readonly number[]): { mean: number; sd: number; min: number; max: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
}
