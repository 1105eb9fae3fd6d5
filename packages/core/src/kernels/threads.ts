/**
 * Threads, for every backend: how many (`threadCount`), and whether a given piece of work is
 * split across them (`Threads.run`). The WASM pool and the native addon both ask here, so the
 * rule "small work stays on the calling thread; large work is split when splitting has been
 * faster lately" is written once.
 */
import { platform } from '../platform';
import { ThreadChoice } from './thread-choice';
import { thresholds } from './thresholds';

/**
 * Threads for large float32 gemms: `TAPEGRAD_THREADS` (1 = no worker pool), by default the
 * machine's core count.
 *
 * @example
 * threadCount('4'); // 4
 * threadCount(); // os.availableParallelism() in Node.js
 */
export function threadCount(env: string | undefined = platform.env('TAPEGRAD_THREADS')): number {
  if (env === undefined || env === '') return platform.parallelism();
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`TAPEGRAD_THREADS must be a whole number ≥ 1 (1 = single-threaded), got '${env}'`);
  }
  return n;
}

/**
 * Work on `arg` that may run on the calling thread alone or split across a backend's threads:
 * told whether to split, and whether the helpers should stay awake for more (see GemmPool);
 * returns false when it could not run at all (then nothing was written). One function per
 * backend, given its arguments each call (no closure per call).
 */
export type SplittableWork<T> = (arg: T, split: boolean, keepWarm: boolean) => boolean;

/**
 * One backend's thread decisions. Work under its size threshold, or while splitting is
 * impossible, runs on the calling thread untimed; above it the work is split when that has been
 * faster lately for its size class (ThreadChoice, timing every such call), or always when the
 * backend or `thresholds.adaptive` says so.
 *
 * @example
 * const threads = new Threads();
 * threads.run(m * n * k, thresholds.native.threaded, true, (g, split) => sgemm(g, split ? 2 : 1), g);
 */
export class Threads {
  private readonly choice = new ThreadChoice();

  /** `adaptive: false` splits all work above the threshold (for tests and benchmarks). */
  constructor(private readonly adaptive = true) {}

  /** Runs `work(arg, …)` as decided above; returns what it returns. */
  run<T>(size: number, threshold: number, canSplit: boolean, work: SplittableWork<T>, arg: T): boolean {
    if (!canSplit || size < threshold) return work(arg, false, false);
    const always = !this.adaptive || !thresholds.adaptive;
    const split = always || this.choice.split(size);
    const t0 = performance.now();
    const done = work(arg, split, always || this.choice.keepWarm(size));
    if (done) this.choice.record(size, split, performance.now() - t0);
    return done;
  }
}
