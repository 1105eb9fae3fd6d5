import fc from 'fast-check';
import { main } from '@tapegrad/cli';
import { type Case, type Suite } from '../cases';

// The tapegrad command: every argument list below has at least one bad element (an unknown
// command or flag, a bad value, a stray argument), so each must end at once with exit code 2
// and a message on stderr that names the offending word.

const FLAGS: Record<string, string[]> = {
  train: ['data', 'layers', 'activation', 'optimizer', 'lr', 'epochs', 'batch-size', 'seed', 'limit'],
  eval: ['checkpoint', 'data', 'split', 'limit'],
  graph: ['layers', 'activation', 'checkpoint', 'batch'],
  export: ['checkpoint', 'opset'],
};
const BAD_VALUES: Record<string, string[]> = {
  data: ['cifar', '', 'MNIST'],
  layers: ['5,x', ',', '-1,3', '1.5,2', 'a'],
  activation: ['swish', ''],
  optimizer: ['lbfgs'],
  lr: ['x', 'NaN', '', '1e999', '--1'],
  epochs: ['0', '-1', '1.5', 'x', '0x10', '1e99'],
  'batch-size': ['0', 'x', '2.5'],
  seed: ['-1', '1.5', 'x'],
  limit: ['0', '-3', 'x'],
  checkpoint: ['/no/such/model.safetensors', '/proc', ''],
  split: ['val', ''],
  batch: ['0', 'x'],
  opset: ['x', '1.5'],
};

/** A valid flag of each command, put before the bad element. */
const VALID: Record<string, string[]> = {
  train: ['--seed', '3'],
  eval: ['--split', 'test'],
  graph: ['--batch', '2'],
  export: ['--opset', '17'],
};

/** One bad element: [the words, the word the message must name]. */
const bad = (cmd: string): fc.Arbitrary<[string[], string]> =>
  fc.oneof(
    fc
      .constantFrom(...FLAGS[cmd])
      .chain((flag) =>
        fc.constantFrom(...BAD_VALUES[flag]).map((v): [string[], string] => [[`--${flag}`, v], `--${flag}`]),
      ),
    fc
      .constantFrom('--bogus', '--Data', '--lr=', '-x', '--__proto__')
      .map((f): [string[], string] => [[f, '1'], f.replace(/=.*/, '')]),
    fc.constantFrom('extra', 'constructor', '5').map((w): [string[], string] => [[w], w]),
  );

export const cli: Suite = {
  name: 'cli',
  entries: [
    {
      fn: 'tapegrad',
      runs: 200,
      arb: fc
        .oneof(
          fc
            .constantFrom('frob', 'constructor', 'toString', '__proto__', 'Train', '')
            .map((c): [string[], string] => [[c], c]),
          fc
            .constantFrom(...Object.keys(FLAGS))
            .chain((cmd) =>
              fc
                .tuple(bad(cmd), fc.nat(1))
                .map(([[words, name], before]): [string[], string] => [
                  before === 1 ? [cmd, ...VALID[cmd], ...words] : [cmd, ...words],
                  name,
                ]),
            ),
        )
        .map(([argv, name]): Case => ({
          description: `tapegrad ${argv.map((a) => JSON.stringify(a)).join(' ')}`,
          fn: 'tapegrad',
          names: [name],
          expect: 'value',
          run: async () => {
            const err: string[] = [];
            const code = await main(argv, { out: () => undefined, err: (l) => err.push(l) });
            return { code, err: err.join('\n') };
          },
          check: (r) => {
            const { code, err } = r as { code: number; err: string };
            if (code !== 2) throw new Error(`tapegrad ${argv.join(' ')}: exit code ${code}, expected 2: ${err}`);
            if (name !== '' && !err.includes(name))
              throw new Error(`tapegrad ${argv.join(' ')}: stderr does not name ${name}: ${err}`);
          },
        })),
    },
  ],
};
