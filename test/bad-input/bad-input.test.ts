import { fork } from 'child_process';
import * as path from 'path';
import type { ChildReport } from './child';

// #18's property-based bad-input suite: every public entry point of core, nn (checkpoints
// included), datasets and the CLI, called with valid arguments (results checked against a float64
// reference) and with junk in one argument (a typed error naming the function and the argument),
// each case in a child process under a timeout, so that a hang fails the suite naming the case.

/** A case that runs longer than this has hung. */
const CASE_TIMEOUT_MS = 10_000;
/** Loading a suite (compiling the sources) may take longer than a case. */
const STARTUP_TIMEOUT_MS = 60_000;
const ROOT = path.resolve(__dirname, '..', '..');
const SEED = Number(process.env.BAD_INPUT_SEED ?? 18);

function runSuite(name: string): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'child.ts'), [name, String(SEED)], {
      execArgv: ['-r', require.resolve('ts-node/register/transpile-only'), '-r', path.join(__dirname, 'alias.ts')],
      env: {
        ...process.env,
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.test.json'),
        TS_NODE_COMPILER_OPTIONS: JSON.stringify({ rootDir: ROOT }),
      },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let last = 'starting';
    let since = Date.now();
    let started = false;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    const timer = setInterval(() => {
      const limit = started ? CASE_TIMEOUT_MS : STARTUP_TIMEOUT_MS;
      if (Date.now() - since > limit) {
        child.kill('SIGKILL');
        reject(new Error(`${name}: a case ran over ${limit} ms (a hang): ${last}`));
      }
    }, 200);
    child.on('message', (m: { case?: string; done?: ChildReport; crashed?: string }) => {
      if (m.case !== undefined) {
        started = started || !m.case.startsWith('loading');
        last = m.case;
        since = Date.now();
      } else if (m.done) resolve(m.done);
      else if (m.crashed) reject(new Error(`${name}: the runner crashed: ${m.crashed}`));
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`${name}: the runner exited (${code}) after ${last}\n${stderr}`));
    });
  });
}

const counts: Record<string, number> = {};

describe.each(['core', 'nn', 'datasets', 'cli'])('bad input: %s', (name) => {
  test('every case returns a correct value or a typed error naming the function and the argument', async () => {
    const report = await runSuite(name);
    counts[name] = report.count;
    expect(report.failures).toEqual([]);
    // Every entry ran its cases (a suite that silently stops early proves nothing).
    for (const [fn, n] of Object.entries(report.perEntry)) expect([fn, n > 0]).toEqual([fn, true]);
  }, 300_000);
});

afterAll(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  console.log(`bad-input cases: ${JSON.stringify(counts)}, ${total} in all`);
  if (Object.keys(counts).length === 4) expect(total).toBeGreaterThanOrEqual(1000);
});
