/**
 * Side-by-side timing on a shared machine: every contender's runs take turns, round by round,
 * so a spell in which the machine slows down (seconds long, now and then on this VM) lands in one
 * run of several contenders, not in all runs of one; each round starts one contender further on,
 * so no contender always runs right after the same other one.
 */

/**
 * One implementation of a figure: `run()` times one run (seconds, or seconds per call); `warm()`
 * is the untimed warm-up (default: one `run()`).
 */
export interface Contender {
  key: string;
  run(): number | Promise<number>;
  warm?(): unknown;
}

/**
 * Seconds `fn` takes (what each process of the bench reports for one run): wall clock, or with
 * `--cpu` (TAPEGRAD_BENCH_CLOCK=cpu, set for every peer) the process's CPU time, all its threads.
 */
export function seconds(fn: () => void): number {
  if (process.env.TAPEGRAD_BENCH_CLOCK === 'cpu') {
    const c0 = process.cpuUsage();
    fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  }
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Median, extremes and every sample of a contender's runs. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function stat(xs: number[]): Stat {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs };
}

/**
 * a ÷ b for two contenders of one takeTurns: the median over rounds of the ratio of their runs
 * in the same round (a paired comparison: a spell in which the machine is slow enters both
 * runs of a round, and drops out of their ratio); NaN where either is missing.
 *
 * @example
 * pairedRatio(stat([2, 4, 3]), stat([1, 2, 2])); // 2 (the ratios 2, 2, 1.5)
 */
export function pairedRatio(a: Stat | null | undefined, b: Stat | null | undefined): number {
  if (!a || !b || a.runs.length !== b.runs.length || a.runs.length === 0) return NaN;
  return median(a.runs.map((x, i) => x / b.runs[i]));
}

/**
 * Each contender's warm-up, then `runs` rounds in which each contender runs once; the statistics
 * of each contender's timed runs, by key.
 */
export async function takeTurns(contenders: Contender[], runs: number): Promise<Record<string, Stat>> {
  for (const c of contenders) await (c.warm ?? c.run).call(c);
  const times = contenders.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    for (let j = 0; j < contenders.length; j++) {
      const i = (r + j) % contenders.length;
      times[i].push(await contenders[i].run());
    }
  }
  return Object.fromEntries(contenders.map((c, i) => [c.key, stat(times[i])]));
}
