import fc from 'fast-check';
import { type Case, type Suite, show } from '../cases';
import { JUNK_CALLS, junk } from '../../../packages/datasets/test/junk-calls';

// @tapegrad/datasets: the junk properties of packages/datasets/test/junk-calls.ts (two junk
// arguments a call), here under the runner's timeout and with its message checks.

export const datasets: Suite = {
  name: 'datasets',
  entries: JUNK_CALLS.map(([name, call]) => {
    const fn = name.replace(/\(.*$/, '');
    return {
      fn,
      runs: 60,
      arb: fc.tuple(junk, junk).map(([a, b]): Case => ({
        description: `${name}(${show(a)}, ${show(b)})`,
        fn,
        names: [],
        expect: 'either',
        run: () => call(a, b),
      })),
    };
  }),
};
