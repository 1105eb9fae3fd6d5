/**
 * tapegrad benchmark suite (`npm run bench [-- --quick]`): the same work for tapegrad,
 * TensorFlow.js (cpu and wasm backends) and a hand-written NumPy peer (python3 child process,
 * OPENBLAS_NUM_THREADS=1), side by side in one process run.
 *
 * - A: float32 matrix products (square 64…1024 and the MNIST-MLP products), GFLOP/s; tapegrad on
 *   one thread and split across the default thread count (TAPEGRAD_THREADS, else the core count).
 * - B: MNIST-shaped MLP 784-100-10 (sigmoid, and ReLU), softmax cross-entropy, SGD lr 0.1,
 *   batch 100 on the 60000×784 float32 training set — seconds per epoch (600 steps). tapegrad
 *   and NumPy time whole epochs; the slower tfjs backends time fewer steps, scaled to 600.
 * - C: spiral 2-10-3 sigmoid, batch 30 — µs per step (3,000 steps a run).
 * - D: tapegrad only, in a child process: RSS after 1,000 and after 100,000 steps of C, after a
 *   warm-up (and from a cold start; see bench/memory.ts).
 * Every figure: a warm-up, then the median (and min/max) of ≥ 5 runs.
 * Prints tables and writes bench/results/<stamp>.json.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { type KernelBackend, kernels, makeWasmBackend, Rng, setBackend, Tensor, threadCount } from '@tapegrad/core';
import { loadMnist, spiral } from '@tapegrad/datasets';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { flops, GEMM_SHAPES, type GemmShape, tapegradGemm, tfGemm } from './sgemm';
import { type Activation, batches, permutation, tapegradTrainer, tfTrainer } from './trainers';

const quick = process.argv.includes('--quick');
const RUNS = 5;
const EPOCH_STEPS = 600;
/** Steps timed per B run: whole epochs for tapegrad and NumPy; tfjs-wasm and tfjs-cpu fewer. */
const B_STEPS = quick ? 60 : EPOCH_STEPS;
const B_STEPS_WASM = quick ? 20 : 100;
const B_STEPS_CPU = quick ? 2 : 20;
const C_STEPS = quick ? 300 : 3000;
const C_STEPS_SLOW = quick ? 100 : 3000;
const D_STEPS = quick ? 10_000 : 100_000;
/** A: samples per figure and the minimum time of a sample. */
const A_SAMPLES = RUNS;
const A_SAMPLE_MS = quick ? 5 : 30;
/** A: the largest m·n·k tfjs-cpu is asked to run (its 1024³ takes seconds a call). */
const A_CPU_MAX = quick ? 128 ** 3 : 512 ** 3;
const THREADS = threadCount();
const ACTIVATIONS: Activation[] = ['sigmoid', 'relu'];
/** tapegrad's process-wide warm-up before B (JIT), in training steps. */
const WARMUP_STEPS = quick ? 300 : 2000;

interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number[];
  steps: number;
}

function stat(xs: number[], steps: number): Stat {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[s.length >> 1], min: s[0], max: s[s.length - 1], runs: xs, steps };
}

/** Runs `fn(warm)` once, then `fn(steps)` RUNS times; returns seconds per run. */
function timeRuns(fn: (steps: number) => void, steps: number, warm: number): number[] {
  fn(warm);
  const out: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    fn(steps);
    out.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return out;
}

/** Runs `fn` with `backend` as tapegrad's kernel backend. */
function withBackend<T>(backend: KernelBackend, fn: () => T): T {
  const prev = setBackend(backend);
  try {
    return fn();
  } finally {
    setBackend(prev);
  }
}

// ---------------------------------------------------------------------------------------------
// NumPy peer

interface NumpyResult {
  numpy: string;
  A: number[][];
  B: Record<Activation, number[]>;
  C: number[];
}

function runNumpy(cfg: unknown): NumpyResult | string {
  try {
    const stdout = execFileSync('python3', [path.join(__dirname, 'numpy_peer.py')], {
      input: JSON.stringify(cfg),
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return JSON.parse(stdout) as NumpyResult;
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    const why = (err.stderr ?? '').trim().split('\n').pop() || err.message.split('\n')[0];
    return `NumPy peer skipped: ${why}`;
  }
}

// ---------------------------------------------------------------------------------------------

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** Figure D in a child process (see bench/memory.ts). */
function runMemory(steps: number): Record<string, number> | string {
  try {
    const stdout = execFileSync(
      process.execPath,
      ['-r', 'ts-node/register', path.join(__dirname, 'memory.ts'), String(steps)],
      {
        env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Record<string, number>;
  } catch (e) {
    return `D failed: ${(e as Error).message.split('\n')[0]}`;
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const cores = os.cpus().length;
  const log = (s: string): void => console.log(s);
  const one = makeWasmBackend(1);
  const tgN = kernels();
  log(
    `tapegrad bench${quick ? ' (--quick: reduced counts)' : ''}: ${cores} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ` +
      `tapegrad kernels ${tgN.name} (threads ${THREADS}; TAPEGRAD_THREADS=${process.env.TAPEGRAD_THREADS ?? 'unset'})`,
  );

  // Data
  const mnist = loadMnist({ split: 'train' });
  const mx = mnist.x;
  const mlabels = mnist.labels;
  const [n, d] = mx.shape;
  const mxData = mx.data as Float32Array;
  const mlData = mlabels.data as Int32Array;
  const bIdx = batches(permutation(n, new Rng(1)), 100);
  const sp = spiral();
  const sxData = Float32Array.from(sp.x.data as ArrayLike<number>);
  const sx = new Tensor(sxData, sp.x.shape);
  const slData = Int32Array.from(sp.labels.data as ArrayLike<number>);
  const sl = new Tensor(slData, [slData.length]);
  const cIdx = batches(permutation(slData.length, new Rng(2)), 30);

  /** A: seconds per call, by implementation, one entry per shape (null = not run). */
  const A: Record<string, (Stat | null)[]> = {};
  const B: Record<string, Stat> = {};
  const C: Record<string, Stat> = {};
  const perEpoch = (xs: number[], steps: number): number[] => xs.map((s) => (s / steps) * EPOCH_STEPS);
  const perStepUs = (xs: number[], steps: number): number[] => xs.map((s) => (s / steps) * 1e6);
  const tg1 = 'tapegrad×1';
  const tgn = `tapegrad×${THREADS}`;
  const tgImpls = one && THREADS > 1 ? [tgn, tg1] : [tgn];

  // tapegrad: B and C first, A after them — after A's large products, training in the same
  // process ran 5–10% slower here (see the README), which would not be a training run's state.
  log('running tapegrad B, C, A…');
  // One process-wide warm-up first: V8 keeps optimising the training path for ~1,800 steps (on
  // this VM an MLP step takes ~1.3 ms at first, ~0.8 ms from then on), so the first
  // configuration timed would otherwise carry the tail of it after its own one-epoch warm-up.
  tapegradTrainer(mx, mlabels, [784, 100, 10], bIdx, 0.1, 'sigmoid')(WARMUP_STEPS);
  // The configurations take turns, one run each per round, so a spell in which this shared VM
  // slows down (seconds long, now and then) lands in one run of several configurations, not in
  // all runs of one — the medians stay comparable.
  const tgB = ACTIVATIONS.flatMap((act) =>
    tgImpls.map((impl) => {
      const backend = impl === tg1 && one ? one : tgN;
      const train = tapegradTrainer(mx, mlabels, [784, 100, 10], bIdx, 0.1, act);
      withBackend(backend, () => train(B_STEPS)); // its own warm-up
      return { key: `${impl} ${act}`, backend, train, seconds: [] as number[] };
    }),
  );
  for (let r = 0; r < RUNS; r++) {
    for (const c of tgB) {
      withBackend(c.backend, () => {
        const t0 = process.hrtime.bigint();
        c.train(B_STEPS);
        c.seconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
      });
    }
  }
  for (const c of tgB) B[c.key] = stat(perEpoch(c.seconds, B_STEPS), B_STEPS);
  const tgC = tapegradTrainer(sx, sl, [2, 10, 3], cIdx, 1);
  C[tgn] = stat(perStepUs(timeRuns(tgC, C_STEPS, C_STEPS), C_STEPS), C_STEPS);
  // A's multi-thread column is the split kernel itself (not the adaptive choice, whose rare
  // one-thread calls would land in the samples).
  const split = THREADS > 1 ? makeWasmBackend(THREADS, { adaptive: false }) : null;
  A[tgn] = GEMM_SHAPES.map((s) => stat(tapegradGemm(split ?? tgN, s, A_SAMPLES, A_SAMPLE_MS), 1));
  if (one && THREADS > 1) A[tg1] = GEMM_SHAPES.map((s) => stat(tapegradGemm(one, s, A_SAMPLES, A_SAMPLE_MS), 1));

  // TensorFlow.js
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  const tfThreads: Record<string, number> = {};
  for (const backend of ['wasm', 'cpu']) {
    const name = `tfjs-${backend}`;
    try {
      await tf.setBackend(backend);
      await tf.ready();
      tfThreads[name] = backend === 'wasm' ? getThreadsCount() : 1;
      const cpu = backend === 'cpu';
      log(`running ${name} A, B, C…`);
      A[name] = GEMM_SHAPES.map((s) =>
        cpu && s.m * s.n * s.k > A_CPU_MAX ? null : stat(tfGemm(tf, s, A_SAMPLES, cpu ? 1 : A_SAMPLE_MS), 1),
      );
      const bSteps = cpu ? B_STEPS_CPU : B_STEPS_WASM;
      for (const act of ACTIVATIONS) {
        const b = tfTrainer(tf, mxData, mlData, [784, 100, 10], bIdx, 0.1, act);
        B[`${name} ${act}`] = stat(perEpoch(timeRuns(b.run, bSteps, Math.max(2, bSteps >> 1)), bSteps), bSteps);
        b.dispose();
      }
      const cSteps = cpu ? C_STEPS_SLOW : C_STEPS;
      const c = tfTrainer(tf, sxData, slData, [2, 10, 3], cIdx, 1);
      C[name] = stat(perStepUs(timeRuns(c.run, cSteps, cSteps), cSteps), cSteps);
      c.dispose();
    } catch (e) {
      log(`${name} skipped: ${(e as Error).message}`);
    }
  }

  // NumPy
  log('running NumPy A, B, C…');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-bench-'));
  const xPath = path.join(tmp, 'x.f32');
  const labelsPath = path.join(tmp, 'labels.i32');
  fs.writeFileSync(xPath, new Uint8Array(mxData.buffer, mxData.byteOffset, mxData.byteLength));
  fs.writeFileSync(labelsPath, new Uint8Array(mlData.buffer, mlData.byteOffset, mlData.byteLength));
  const np = runNumpy({
    A: {
      shapes: GEMM_SHAPES.map((s) => [s.m, s.n, s.k, s.transA, s.transB]),
      samples: A_SAMPLES,
      sampleMs: A_SAMPLE_MS,
    },
    B: {
      xPath,
      labelsPath,
      n,
      d,
      perm: bIdx.flatMap((b) => Array.from(b)),
      activations: ACTIVATIONS,
      steps: B_STEPS,
      warm: B_STEPS,
      runs: RUNS,
    },
    C: {
      x: Array.from(sxData),
      labels: Array.from(slData),
      perm: cIdx.flatMap((b) => Array.from(b)),
      steps: C_STEPS,
      warm: C_STEPS,
      runs: RUNS,
    },
  });
  fs.rmSync(tmp, { recursive: true, force: true });
  let note = '';
  if (typeof np === 'string') note = np;
  else {
    A.numpy = np.A.map((xs) => stat(xs, 1));
    for (const act of ACTIVATIONS) B[`numpy ${act}`] = stat(perEpoch(np.B[act], B_STEPS), B_STEPS);
    C.numpy = stat(perStepUs(np.C, C_STEPS), C_STEPS);
  }

  // D: memory of C over many steps, tapegrad only, in a fresh process
  log(`running tapegrad D (${D_STEPS} steps of C, child process)…`);
  const D = runMemory(D_STEPS);

  // Report
  const peers = ['tfjs-wasm', 'tfjs-cpu', 'numpy'];
  const gf = (s: GemmShape, st: Stat | null | undefined): number => (st ? flops(s) / st.median / 1e9 : NaN);
  const num = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '—');
  log('');
  log(
    `A: GFLOP/s (median of ${A_SAMPLES} samples); ratio columns are tapegrad's GFLOP/s ÷ the other's (> 1: tapegrad faster)`,
  );
  const aImpls = [...tgImpls, ...peers];
  const aHead = ['shape', ...aImpls, `${tg1}/numpy`, `${tgn}/numpy`, `${tgn}/${tg1}`, `${tgn}/tfjs-wasm`];
  const aRows = GEMM_SHAPES.map((s, i) => {
    const g = Object.fromEntries(aImpls.map((impl) => [impl, gf(s, A[impl]?.[i])]));
    const g1 = g[tg1] ?? g[tgn];
    return [
      s.label,
      ...aImpls.map((impl) => num(g[impl], 1)),
      num(g1 / g.numpy, 2),
      num(g[tgn] / g.numpy, 2),
      num(g[tgn] / g1, 2),
      num(g[tgn] / g['tfjs-wasm'], 2),
    ];
  });
  log(table(aHead, aRows));
  const timeOf = (label: string): number | undefined =>
    A[tg1 in A ? tg1 : tgn][GEMM_SHAPES.findIndex((s) => s.label.startsWith(label))]?.median;
  const base = timeOf('X@W1');
  const transposed = ['Xᵀ@dH', 'dH@W1ᵀ'].map((l) => [l, (timeOf(l) ?? NaN) / (base ?? NaN)] as const);
  log(
    `A: transposed MLP products on one thread, time ÷ X@W1's: ${transposed.map(([l, r]) => `${l} ${num(r, 2)}`).join(', ')}`,
  );

  const fmt = (s: Stat | undefined, digits: number): string =>
    s ? `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]` : 'skipped';
  const ratio = (a: Stat | undefined, b: Stat | undefined): string => (a && b ? (a.median / b.median).toFixed(3) : '—');
  log('');
  log('B: s/epoch, C: µs/step — median [min–max]; tg/peer is the time ratio (< 1: tapegrad faster; 0.1 = 10× faster)');
  const bcImpls = [...tgImpls, ...peers];
  const head = ['figure', ...bcImpls, ...peers.map((p) => `${tgn}/${p}`)];
  const rows = [
    ...ACTIVATIONS.map((act) => [
      `B ${act}`,
      ...bcImpls.map((impl) => fmt(B[`${impl} ${act}`], 3)),
      ...peers.map((p) => ratio(B[`${tgn} ${act}`], B[`${p} ${act}`])),
    ]),
    [
      'C sigmoid',
      ...bcImpls.map((impl) => (impl === tg1 ? '—' : fmt(C[impl], 1))),
      ...peers.map((p) => ratio(C[tgn], C[p])),
    ],
  ];
  log(table(head, rows));
  log(
    `B: tapegrad and NumPy time ${B_STEPS}-step runs${B_STEPS === EPOCH_STEPS ? ' (whole epochs)' : ''}, tfjs-wasm ${B_STEPS_WASM}, tfjs-cpu ${B_STEPS_CPU}, ` +
      `scaled to ${EPOCH_STEPS} steps; C: ${C_STEPS} steps per run (tfjs-cpu ${C_STEPS_SLOW}); 1 warm-up + ${RUNS} runs each ` +
      `(tapegrad also ${WARMUP_STEPS} steps of training once, before B).`,
  );
  if (typeof D === 'string') log(D);
  else {
    log(
      `D: tapegrad RSS after ${D.stepsFirst} steps of C ${D.rssFirstMB.toFixed(1)} MB, after ${D.stepsEnd} ${D.rssEndMB.toFixed(1)} MB, ratio ${D.ratio.toFixed(3)} ` +
        `(child process, steps counted after a ${D.warmup}-step warm-up; from a cold start, RSS after ${D.stepsFirst} steps ${D.rssColdMB.toFixed(1)} MB, ratio ${D.coldRatio.toFixed(3)}: V8 growing its young generation)`,
    );
  }
  log(
    `threads: tapegrad ${THREADS} (${tg1}: 1), tfjs-wasm ${tfThreads['tfjs-wasm'] ?? '—'}, tfjs-cpu 1, NumPy 1 (OPENBLAS_NUM_THREADS=1); ${cores} cores`,
  );
  if (note) log(note);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}.json`);
  const ratios = (fig: Record<string, Stat>, key: (impl: string) => string): Record<string, number | null> =>
    Object.fromEntries(
      peers.map((p) => [p, fig[key(tgn)] && fig[key(p)] ? fig[key(tgn)].median / fig[key(p)].median : null]),
    );
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        stamp,
        quick,
        machine: { cores, cpu: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.arch()}` },
        threads: { tapegrad: THREADS, ...tfThreads, 'tfjs-cpu': 1, numpy: 1 },
        tapegradKernels: tgN.name,
        numpy: typeof np === 'string' ? null : np.numpy,
        notes: [note].filter(Boolean),
        A: {
          unit: 's/call; gflops = 2mnk / s',
          shapes: GEMM_SHAPES,
          ...Object.fromEntries(
            Object.entries(A).map(([impl, stats]) => [
              impl,
              stats.map((s, i) => (s ? { ...s, gflops: gf(GEMM_SHAPES[i], s) } : null)),
            ]),
          ),
        },
        B: {
          unit: `s/epoch (${EPOCH_STEPS} steps)`,
          ...B,
          ratios: Object.fromEntries(ACTIVATIONS.map((act) => [act, ratios(B, (impl) => `${impl} ${act}`)])),
        },
        C: { unit: 'µs/step', ...C, ratios: ratios(C, (impl) => impl) },
        D,
        seconds: (Date.now() - t0) / 1000,
      },
      null,
      2,
    ) + '\n',
  );
  log(`wrote ${path.relative(process.cwd(), file)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
