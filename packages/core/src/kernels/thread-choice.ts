/**
 * Chooses, per size class of gemm, between the calling thread alone and the thread pool, by the
 * time each has actually taken lately. Threads pay on an idle machine but cost when the other
 * cores are busy (another process, another pool): there a worker is descheduled mid-chunk and
 * the caller waits or redoes its work. Timing both and keeping the faster adapts to either,
 * without the user setting TAPEGRAD_THREADS by hand.
 *
 * Each size class (m·n·k by powers of 2) keeps the last few times (ms per multiply-add) of both
 * modes and compares medians: a worker still waking or a GC pause makes one split in five slow
 * on an idle machine, and an average of those would hand calls to the slower mode for dozens of
 * calls at a time (measured: a third of the MNIST-MLP products ran on one thread at 0.37 ms while
 * splitting took 0.25 ms). The preferred mode's median is over its last WINDOW samples. The
 * other mode is explored in bursts of BURST calls, and the first call of a burst is not
 * counted: after a spell on one thread the workers have gone to sleep, and the split that wakes
 * them takes twice as long as the next ones (counted, it kept the choice on one thread for
 * good). Its median is over its last RECENT counted samples. Bursts come EXPLORE calls apart,
 * twice as far after each burst that confirms the preference, up to MAX_EXPLORE: exploring is
 * what a wrong mode costs (on an idle machine 3 calls in 32 on one thread; beside a busy process
 * 3 in 32 late splits), so a settled choice explores rarely, and a change of load still shows
 * within a few hundred calls. The preference changes only when the other mode is faster by a
 * margin (HYSTERESIS), so close timings do not flip it back and forth.
 *
 * @example
 * const split = choice.split(m * n * k); const t0 = performance.now(); run(split);
 * choice.record(m * n * k, split, performance.now() - t0);
 */
export class ThreadChoice {
  private readonly classes = new Map<number, SizeClass>();

  /** Samples of the preferred mode in its median. */
  static readonly WINDOW = 9;
  /** Samples of the exploring mode in its median. */
  static readonly RECENT = 3;
  /** Calls between exploring bursts (of the mode not preferred) after a change of preference. */
  static readonly EXPLORE = 32;
  /** The longest gap between bursts, reached by doubling while the preference holds. */
  static readonly MAX_EXPLORE = 256;
  /** Calls in an exploring burst; the first is not counted. */
  static readonly BURST = 3;
  /** The other mode must be this much faster (relative) for the preference to change. */
  static readonly HYSTERESIS = 0.1;

  private entry(macs: number): SizeClass {
    const key = Math.round(Math.log2(Math.max(1, macs)));
    let e = this.classes.get(key);
    if (e === undefined) {
      // Unknown: split first; the first exploring burst times one thread.
      e = {
        single: new Samples(ThreadChoice.WINDOW),
        split: new Samples(ThreadChoice.WINDOW),
        untilBurst: 2,
        interval: ThreadChoice.EXPLORE,
        burst: 0,
        warmUp: false,
        preferSplit: true,
      };
      this.classes.set(key, e);
    }
    return e;
  }

  /** Whether a gemm of `macs` multiply-adds should be split across the pool now. */
  split(macs: number): boolean {
    const e = this.entry(macs);
    // The first burst starts at the second call, so both modes are timed early.
    if (e.burst === 0 && --e.untilBurst === 0) {
      e.burst = ThreadChoice.BURST;
      e.untilBurst = e.interval;
    }
    e.warmUp = e.burst === ThreadChoice.BURST;
    if (e.burst === 0) return e.preferSplit;
    e.burst--;
    return !e.preferSplit;
  }

  /**
   * Whether the pool's workers should stay awake after the call just chosen: while splitting is
   * preferred, or an exploring burst of splits has calls left.
   */
  keepWarm(macs: number): boolean {
    const e = this.entry(macs);
    return e.preferSplit || e.burst > 0;
  }

  /** Records how long a gemm of `macs` multiply-adds took (ms) in the given mode. */
  record(macs: number, split: boolean, ms: number): void {
    const e = this.entry(macs);
    if (split !== e.preferSplit && e.warmUp) return;
    (split ? e.split : e.single).push(ms / Math.max(1, macs));
    const preferred = e.preferSplit ? e.split : e.single;
    const other = e.preferSplit ? e.single : e.split;
    const mine = preferred.median(ThreadChoice.WINDOW);
    const theirs = other.median(ThreadChoice.RECENT);
    const explored = split !== e.preferSplit;
    if (theirs < mine * (1 - ThreadChoice.HYSTERESIS)) {
      e.preferSplit = !e.preferSplit;
      e.interval = ThreadChoice.EXPLORE;
      e.untilBurst = Math.min(e.untilBurst, e.interval);
    } else if (explored && e.burst === 0) {
      // A whole burst confirmed the preference: explore less often.
      e.interval = Math.min(2 * e.interval, ThreadChoice.MAX_EXPLORE);
    }
  }
}

/** The last few samples of one mode, in a ring. */
class Samples {
  private readonly xs: Float64Array;
  private count = 0;
  private readonly sorted: Float64Array;

  constructor(size: number) {
    this.xs = new Float64Array(size);
    this.sorted = new Float64Array(size);
  }

  push(x: number): void {
    this.xs[this.count++ % this.xs.length] = x;
  }

  /** Median of the last `last` samples (fewer if there are fewer); NaN when there are none. */
  median(last: number): number {
    const n = Math.min(last, this.count, this.xs.length);
    if (n === 0) return NaN;
    // Insertion sort of at most WINDOW values (no comparator closure, no allocation).
    const s = this.sorted;
    for (let i = 0; i < n; i++) {
      const v = this.xs[(this.count - 1 - i) % this.xs.length];
      let j = i;
      for (; j > 0 && s[j - 1] > v; j--) s[j] = s[j - 1];
      s[j] = v;
    }
    return n % 2 === 1 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}

/** Recent times (ms per multiply-add) of one size class, per mode. */
interface SizeClass {
  single: Samples;
  split: Samples;
  /** Calls until the next exploring burst starts. */
  untilBurst: number;
  /** Calls between bursts now (EXPLORE … MAX_EXPLORE). */
  interval: number;
  /** Calls left in the current exploring burst. */
  burst: number;
  /** The last call was the first of a burst (its time is not counted). */
  warmUp: boolean;
  preferSplit: boolean;
}
