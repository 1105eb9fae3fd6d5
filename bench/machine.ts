/**
 * How much of two cores this machine gives right now, for reading a bench run: each core's
 * float32 gemm throughput (tapegrad's one-thread WASM kernel, 256³ products for a second) with
 * the machine otherwise idle, and then on both cores at once, in two processes. On a shared VM
 * the second core is sometimes busy with another tenant's work; a run made then shows tapegrad on
 * two threads no faster than on one (its thread choice falls back to one thread), and says why.
 *
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register bench/machine.ts [worker]
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { makeWasmBackend } from '@tapegrad/core';

const N = 256;
const SECONDS = 1;

/** GFLOP/s of back-to-back N³ products on one thread for SECONDS. */
function gflops(): number {
  const be = makeWasmBackend(1);
  if (!be) throw new Error('the WASM kernels did not load');
  const a = Float32Array.from({ length: N * N }, (_, i) => (i % 7) - 3);
  const c = new Float32Array(N * N);
  const args = { a, aOff: 0, b: a, bOff: 0, c, cOff: 0, m: N, n: N, k: N, transA: false, transB: false };
  for (let i = 0; i < 20; i++) be.gemm(args);
  let calls = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    be.gemm(args);
    calls++;
  }
  return (2 * N ** 3 * calls) / ((performance.now() - t0) * 1e6);
}

function child(): Promise<number> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['-r', 'ts-node/register', __filename, 'worker'],
      { env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') } },
      (err, stdout) => (err ? reject(err) : resolve(Number(stdout.trim()))),
    ),
  );
}

/** Each core's GFLOP/s alone and both at once, measured in child processes. */
export async function coreCheck(): Promise<{ alone: number; together: number[] }> {
  const alone = await child();
  const together = (await Promise.all([child(), child()])).sort((x, y) => y - x);
  return { alone, together };
}

/** One line for the bench's output. */
export function describeCores(c: { alone: number; together: number[] }): string {
  const [a, b] = c.together;
  return (
    `one core alone ${c.alone.toFixed(1)} GFLOP/s; both at once ${a.toFixed(1)} and ${b.toFixed(1)} ` +
    `(the slower at ${((100 * b) / a).toFixed(0)}% of the faster)`
  );
}

if (require.main === module && process.argv[2] === 'worker') console.log(gflops());
