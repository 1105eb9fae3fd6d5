/**
 * Chooses, per size class of gemm, between the calling thread alone and the thread pool, by the
 * time each has actually taken lately. Threads pay on an idle machine but cost when the other
 * cores are busy (another process, another pool): there a worker is descheduled mid-chunk and
 * the caller waits or redoes its work. Timing both and keeping the faster adapts to either,
 * without the user setting TAPEGRAD_THREADS by hand.
 *
 * Each size class (m·n·k by powers of 4) keeps an exponential moving average of seconds per
 * multiply-add for both modes. The faster mode is used; every EXPLORE-th call of a class runs the
 * other one, so a change in the machine's load is noticed within a few dozen calls.
 *
 * @example
 * const split = choice.split(m * n * k); const t0 = performance.now(); run(split);
 * choice.record(m * n * k, split, performance.now() - t0);
 */
export class ThreadChoice {
  private readonly ema = new Map<number, { single: number; split: number; calls: number }>();

  /** Weight of the newest time in the preferred mode's average (it has many samples). */
  static readonly ALPHA = 0.2;
  /** Weight of an exploring call's time (rare samples, so each counts more). */
  static readonly ALPHA_EXPLORE = 0.5;
  /** One call in this many per size class runs the mode not currently preferred. */
  static readonly EXPLORE = 16;

  private entry(macs: number): { single: number; split: number; calls: number } {
    const key = Math.round(Math.log2(Math.max(1, macs)) / 2);
    let e = this.ema.get(key);
    if (e === undefined) {
      // Unknown: try splitting first, then one call on a single thread.
      e = { single: NaN, split: NaN, calls: 0 };
      this.ema.set(key, e);
    }
    return e;
  }

  /** Whether a gemm of `macs` multiply-adds should be split across the pool now. */
  split(macs: number): boolean {
    const e = this.entry(macs);
    const n = e.calls++;
    if (Number.isNaN(e.split)) return true;
    if (Number.isNaN(e.single)) return false;
    const preferSplit = e.split <= e.single;
    return n % ThreadChoice.EXPLORE === 0 ? !preferSplit : preferSplit;
  }

  /** Records how long a gemm of `macs` multiply-adds took (ms) in the given mode. */
  record(macs: number, split: boolean, ms: number): void {
    const e = this.entry(macs);
    const key = split ? 'split' : 'single';
    // A sample is capped at 3× the average, so one GC pause or page fault inside the timed call
    // cannot flip the choice on its own.
    const perMac = Math.min(ms / Math.max(1, macs), 3 * e[key] || Infinity);
    const exploring = split ? e.split > e.single : e.single >= e.split;
    const alpha = exploring ? ThreadChoice.ALPHA_EXPLORE : ThreadChoice.ALPHA;
    e[key] = Number.isNaN(e[key]) ? perMac : e[key] + alpha * (perMac - e[key]);
  }
}
