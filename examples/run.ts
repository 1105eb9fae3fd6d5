import * as fs from 'node:fs';
import { timestampDir } from './lib/example';
import { EXAMPLES } from './registry';

const USAGE = `usage: npm run example -- <name> [--smoke] [--out DIR] [--seeds N]

Runs one of the book experiments and writes its plots and metrics.json into
runs/<name>-<timestamp>/ (or DIR). --smoke runs the tiny version the tests use.
--seeds N also repeats the run over seeds 1…N and prints mean ± sd (multiclass-fashion,
simple-convnet, deep-convnet, fashion-convnet).

examples:
${Object.keys(EXAMPLES)
  .map((n) => `  ${n}`)
  .join('\n')}`;

/**
 * `npm run example -- <name>`: parses argv, runs the example, prints where its files are.
 *
 * @example
 * await main(['spiral']); // 0, after running the example
 * await main(['nope']); // 2
 */
export async function main(argv: readonly string[]): Promise<number> {
  let name: string | undefined;
  let smoke = false;
  let out: string | undefined;
  let seeds = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    } else if (a === '--smoke') smoke = true;
    else if (a === '--out') out = argv[++i];
    else if (a === '--seeds') {
      seeds = Number(argv[++i]);
      if (!Number.isInteger(seeds) || seeds < 1) {
        console.error(`example: --seeds needs a whole number ≥ 1, got '${argv[i]}'\n\n${USAGE}`);
        return 2;
      }
    } else if (a.startsWith('-') || name !== undefined) {
      console.error(`example: unexpected argument '${a}'\n\n${USAGE}`);
      return 2;
    } else name = a;
  }
  if (name === undefined) {
    console.log(USAGE);
    return 0;
  }
  const load = EXAMPLES[name];
  if (!load) {
    console.error(`example: no example named '${name}'\n\n${USAGE}`);
    return 2;
  }
  const outDir = out ?? timestampDir(name);
  fs.mkdirSync(outDir, { recursive: true });
  const example = await load();
  console.log(`# ${name}: ${example.description}${smoke ? ' (smoke)' : ''}`);
  const t0 = performance.now();
  const { metrics, files } = await example.run({ smoke, outDir, seeds, log: (line) => console.log(line) });
  console.log(`\n${name} finished in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`metrics: ${JSON.stringify(metrics)}`);
  console.log(`files:\n${files.map((f) => `  ${f}`).join('\n')}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
