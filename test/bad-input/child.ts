/**
 * The bad-input runner's child process: runs one suite's entries as fast-check properties and
 * reports to the parent (bad-input.test.ts) before every case, so that the parent can stop a
 * case that hangs and name it. Arguments: the suite's name and the fast-check seed.
 */
import fc from 'fast-check';
import { type Suite, runCase } from './cases';

export interface ChildReport {
  suite: string;
  /** Cases run (generated, not counting fast-check's shrinking). */
  count: number;
  /** Cases per entry. */
  perEntry: Record<string, number>;
  failures: string[];
}

const LOADERS: Record<string, () => Suite> = {
  /* eslint-disable @typescript-eslint/no-require-imports */
  core: () => require('./suites/core').core,
  nn: () => require('./suites/nn').nn,
  datasets: () => require('./suites/datasets').datasets,
  cli: () => require('./suites/cli').cli,
  /* eslint-enable @typescript-eslint/no-require-imports */
};

async function main(): Promise<void> {
  const [name, seedArg] = process.argv.slice(2);
  const send = (m: object): void => void process.send?.(m);
  send({ case: `loading suite ${name}` });
  const suite = LOADERS[name]();
  const report: ChildReport = { suite: name, count: 0, perEntry: {}, failures: [] };
  for (const e of suite.entries) {
    let ran = 0; // past e.runs: fast-check is shrinking a failure
    const result = await fc.check(
      fc.asyncProperty(e.arb, async (c) => {
        ran++;
        send({ case: c.description });
        await runCase(c);
      }),
      { numRuns: e.runs, seed: Number(seedArg), endOnFailure: false },
    );
    report.count += Math.min(ran, e.runs);
    report.perEntry[e.fn] = (report.perEntry[e.fn] ?? 0) + Math.min(ran, e.runs);
    if (result.failed) {
      const err = result.errorInstance as Error | undefined;
      report.failures.push(`${e.fn}: ${err?.message ?? String(result.errorInstance)}`);
    }
  }
  send({ done: report });
}

main().catch((e) => {
  process.send?.({ crashed: (e as Error).stack ?? String(e) });
});
