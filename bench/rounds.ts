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

/** Median, extremes and every sample of a contender's runs. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function stat(xs: number[]): Stat {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], runs: xs };
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
