/**
 * Chooses, per size class of gemm, between the calling thread alone and the thread pool, by the
 * time each has actually taken lately. Threads pay on an idle machine but cost when the other
 * cores are busy (another process, another pool): there a worker is descheduled mid-chunk and
 * the caller waits or redoes its work. Timing both and keeping the faster adapts to either,
 * without the user setting TAPEGRAD_THREADS by hand.
 *
 * Each size class (m·n·k by powers of 2) keeps an exponential moving average of milliseconds per
 * multiply-add for both modes. The preferred mode runs, the other one call in EXPLORE (32); the
 * preference changes only when the other mode has been faster by a margin (HYSTERESIS), so noise
 * between two close timings does not make it flip back and forth.
 *
 * @example
 * const split = choice.split(m * n * k); const t0 = performance.now(); run(split);
 * choice.record(m * n * k, split, performance.now() - t0);
 */
export class ThreadChoice {
  private readonly classes = new Map<number, SizeClass>();

  /** Weight of the newest time in the preferred mode's average (it has many samples). */
  static readonly ALPHA = 0.2;
  /** Weight of an exploring call's time (rare samples, so each counts more). */
  static readonly ALPHA_EXPLORE = 0.5;
  /** One call in this many per size class runs the mode not currently preferred. */
  static readonly EXPLORE = 32;
  /** The other mode must be this much faster (relative) for the preference to change. */
  static readonly HYSTERESIS = 0.1;

  private entry(macs: number): SizeClass {
    const key = Math.round(Math.log2(Math.max(1, macs)));
    let e = this.classes.get(key);
    if (e === undefined) {
      // Unknown: split first; the first exploring call times one thread.
      e = { single: NaN, split: NaN, calls: 0, preferSplit: true };
      this.classes.set(key, e);
    }
    return e;
  }

  /** Whether a gemm of `macs` multiply-adds should be split across the pool now. */
  split(macs: number): boolean {
    const e = this.entry(macs);
    const explore = e.calls++ % ThreadChoice.EXPLORE === 1;
    return explore ? !e.preferSplit : e.preferSplit;
  }

  /** Records how long a gemm of `macs` multiply-adds took (ms) in the given mode. */
  record(macs: number, split: boolean, ms: number): void {
    const e = this.entry(macs);
    const key = split ? 'split' : 'single';
    const alpha = split === e.preferSplit ? ThreadChoice.ALPHA : ThreadChoice.ALPHA_EXPLORE;
    // A sample is capped at 3× the average, so one GC pause or page fault inside the timed call
    // cannot move it far on its own.
    const perMac = Math.min(ms / Math.max(1, macs), 3 * e[key] || Infinity);
    e[key] = Number.isNaN(e[key]) ? perMac : e[key] + alpha * (perMac - e[key]);
    const margin = 1 - ThreadChoice.HYSTERESIS;
    if (e.preferSplit && e.single < e.split * margin) e.preferSplit = false;
    else if (!e.preferSplit && e.split < e.single * margin) e.preferSplit = true;
  }
}

/** Moving averages (ms per multiply-add) of one size class. */
interface SizeClass {
  single: number;
  split: number;
  calls: number;
  preferSplit: boolean;
}
