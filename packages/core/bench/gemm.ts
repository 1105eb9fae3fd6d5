/**
 * SGEMM micro-benchmark: GFLOP/s of the JS kernel, the WASM SIMD kernel and NumPy on one thread
 * (OpenBLAS, `OPENBLAS_NUM_THREADS=1`, run as a child process) for the same shapes, side by side.
 *
 *   npx ts-node --transpile-only packages/core/bench/gemm.ts [--quick] [--small] [--threads N]
 *
 * With `--threads N` (N ≥ 2) a column for the N-thread WASM gemm (worker pool, shared memory)
 * is added, split at every size so the bench shows where splitting starts to pay.
 * `--small` adds tiny cubes to locate the size where WASM (with copy-in/out) overtakes JS.
 * Each figure is the median of 7 samples after a warm-up; a sample repeats the call for ≥ 5 ms.
 * On a shared machine `--stat min` reports the best sample instead (least disturbed by others).
 */
import { execFileSync } from 'child_process';
import * as os from 'os';
import { jsBackend, thresholds } from '../src/kernels';
import { createWasmBackend, GemmPool, loadWasm } from '../src/kernels/wasm';

interface Shape {
  label: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

const argv = process.argv.slice(2);
const args = new Set(argv);
const threads = argv.includes('--threads') ? Number(argv[argv.indexOf('--threads') + 1]) : 1;
const stat = argv.includes('--stat') ? argv[argv.indexOf('--stat') + 1] : 'median';
const quick = args.has('--quick');
const SAMPLES = 7;
const SAMPLE_MS = quick ? 2 : 5;

function sq(s: number, transA = false, transB = false): Shape {
  const t = transA || transB ? ` ${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}` : '';
  return { label: `${s}³${t}`, m: s, n: s, k: s, transA, transB };
}

const shapes: Shape[] = [
  ...(args.has('--small') ? [4, 8, 12, 16, 24, 32, 48].map((s) => sq(s)) : []),
  ...[64, 128, 256, 512, 1024].map((s) => sq(s)),
  sq(512, true, false),
  sq(512, false, true),
  sq(512, true, true),
  { label: 'X@W1 (100×784)@(784×100)', m: 100, n: 100, k: 784, transA: false, transB: false },
  { label: 'Xᵀ@dH (784×100)ᵀ@(100×100)', m: 784, n: 100, k: 100, transA: true, transB: false },
  { label: 'dH@W1ᵀ (100×100)@(784×100)ᵀ', m: 100, n: 784, k: 100, transA: false, transB: true },
  { label: 'H@W2 (100×100)@(100×10)', m: 100, n: 10, k: 100, transA: false, transB: false },
  { label: 'Hᵀ@dY (100×100)ᵀ@(100×10)', m: 100, n: 10, k: 100, transA: true, transB: false },
  { label: 'dY@W2ᵀ (100×10)@(100×10)ᵀ', m: 100, n: 100, k: 10, transA: false, transB: true },
];

type Gemm = typeof jsBackend.gemm;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return stat === 'min' ? s[0] : s[s.length >> 1];
}

/** Seconds per call of each kernel, sampled alternately so machine noise hits both alike. */
function timeAll(fns: (() => void)[]): number[] {
  for (const f of fns) for (let i = 0; i < 3; i++) f();
  const samples: number[][] = fns.map(() => []);
  for (let s = 0; s < SAMPLES; s++) {
    fns.forEach((f, i) => {
      let reps = 0;
      const t0 = process.hrtime.bigint();
      let t = t0;
      do {
        f();
        reps++;
        t = process.hrtime.bigint();
      } while (Number(t - t0) < SAMPLE_MS * 1e6);
      samples[i].push(Number(t - t0) / 1e9 / reps);
    });
  }
  return samples.map(median);
}

function runNumpy(list: Shape[]): number[] | string {
  const py = `
import json, sys, time
import numpy as np
shapes, stat = json.loads(sys.stdin.read())
rng = np.random.default_rng(0)
out = []
for m, n, k, ta, tb, ms, samples in shapes:
    a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
    b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
    oa = a.T if ta else a
    ob = b.T if tb else b
    c = np.empty((m, n), dtype=np.float32)
    for _ in range(3): np.matmul(oa, ob, out=c)
    ts = []
    for _ in range(samples):
        reps = 0
        t0 = time.perf_counter()
        while True:
            np.matmul(oa, ob, out=c)
            reps += 1
            t = time.perf_counter()
            if t - t0 >= ms / 1000: break
        ts.append((t - t0) / reps)
    ts.sort()
    out.append(ts[0] if stat == 'min' else ts[len(ts) // 2])
print(json.dumps(out))
`;
  try {
    const input = JSON.stringify([list.map((s) => [s.m, s.n, s.k, s.transA, s.transB, SAMPLE_MS, SAMPLES]), stat]);
    const stdout = execFileSync('python3', ['-c', py], {
      input,
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    return JSON.parse(stdout) as number[];
  } catch (e) {
    return `NumPy peer skipped: ${(e as Error).message.split('\n')[0]}`;
  }
}

async function main(): Promise<void> {
  const loaded = loadWasm();
  if (!loaded.exports) throw new Error(`bench/gemm: ${loaded.reason}`);
  const wasm = createWasmBackend(loaded.exports);
  thresholds.wasm.gemm = 0; // always WASM here, to see where it overtakes JS
  thresholds.wasm.threaded = 0;
  thresholds.adaptive = false; // always split in the ×N column
  const pool = threads > 1 ? GemmPool.create(threads) : null;
  if (threads > 1 && !pool) throw new Error('bench/gemm: could not start the thread pool');
  while (pool && !pool.ready()) await new Promise((r) => setTimeout(r, 10));
  const wasmMt = pool ? createWasmBackend(loaded.exports, pool) : null;
  const list = quick ? shapes.filter((s) => s.m * s.n * s.k <= 512 ** 3) : shapes;
  const gemms: [string, Gemm][] = [
    ['js', jsBackend.gemm],
    ['wasm', wasm.gemm],
    ...(wasmMt ? [['wasmMt', wasmMt.gemm] as [string, Gemm]] : []),
  ];
  const rows: { shape: Shape; js: number; wasm: number; mt: number }[] = [];
  for (const shape of list) {
    const { m, n, k, transA, transB } = shape;
    const a = Float32Array.from({ length: m * k }, () => Math.random() - 0.5);
    const b = Float32Array.from({ length: k * n }, () => Math.random() - 0.5);
    const c = new Float32Array(m * n);
    const heavy = m * n * k > 300 ** 3;
    const fns = gemms
      .filter(([name]) => !(heavy && name === 'js' && quick))
      .map(
        ([, g]) =>
          () =>
            g({ a, aOff: 0, b, bOff: 0, c, cOff: 0, m, n, k, transA, transB }),
      );
    const [tJs, tWasm, tMt] = timeAll(fns);
    rows.push({ shape, js: tJs, wasm: tWasm, mt: tMt ?? NaN });
  }
  const np = runNumpy(list);
  const gf = (s: Shape, t: number): number => (2 * s.m * s.n * s.k) / t / 1e9;
  console.log(
    `SGEMM GFLOP/s (${stat} of ${SAMPLES} samples), JS/WASM/NumPy on 1 thread${pool ? `, WASM×${threads} on ${threads}` : ''}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}`,
  );
  const mtHead = pool ? [`WASM×${threads}`, `WASM×${threads}/NumPy`] : [];
  const head = ['shape', 'JS', 'WASM', 'NumPy', 'WASM/JS', 'WASM/NumPy', ...mtHead];
  const table = rows.map((r, i) => {
    const npg = Array.isArray(np) ? gf(r.shape, np[i]) : NaN;
    const w = gf(r.shape, r.wasm);
    const j = gf(r.shape, r.js);
    const mt = gf(r.shape, r.mt);
    const mtCells = pool ? [mt.toFixed(2), (mt / npg).toFixed(2)] : [];
    return [
      r.shape.label,
      j.toFixed(2),
      w.toFixed(2),
      npg.toFixed(2),
      (w / j).toFixed(2) + '×',
      (w / npg).toFixed(2),
      ...mtCells,
    ];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...table.map((t) => t[c].length)));
  const line = (cells: string[]): string =>
    cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
  console.log(line(head));
  for (const t of table) console.log(line(t));
  if (!Array.isArray(np)) console.log(np);
  const byLabel = new Map(rows.map((r) => [r.shape.label, r.wasm]));
  const base = byLabel.get('X@W1 (100×784)@(784×100)');
  for (const l of ['Xᵀ@dH (784×100)ᵀ@(100×100)', 'dH@W1ᵀ (100×100)@(784×100)ᵀ']) {
    const t = byLabel.get(l);
    if (base && t) console.log(`WASM time ${l} / X@W1: ${(t / base).toFixed(2)}`);
  }
  if (pool) await pool.close();
}

void main();
