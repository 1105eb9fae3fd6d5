/**
 * tapegrad benchmark suite (`npm run bench [-- --quick]`): the same training work for tapegrad,
 * TensorFlow.js (cpu and wasm backends) and a hand-written NumPy peer (python3 child process,
 * OPENBLAS_NUM_THREADS=1), side by side in one process run.
 *
 * - B: MNIST-shaped MLP 784-100-10 sigmoid, softmax cross-entropy, SGD lr 0.1, batch 100 on the
 *   60000×784 float32 training set — seconds per epoch. A run times a fixed number of steps
 *   (batches taken in a fixed shuffled order) and is scaled to the 600 steps of an epoch.
 * - C: spiral 2-10-3 sigmoid, batch 30 — µs per step (3,000 steps a run).
 * - D: tapegrad only, RSS after 1,000 and after 100,000 steps of C.
 * Every figure: one warm-up run, then the median (and min/max) of ≥ 5 runs.
 * Prints a table and writes bench/results/<stamp>.json.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kernels, Rng, Tensor } from '@tapegrad/core';
import { loadMnist, spiral } from '@tapegrad/datasets';
import { mlp, SGD, softmaxCrossEntropy } from '@tapegrad/nn';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const quick = process.argv.includes('--quick');
const RUNS = 5;
const EPOCH_STEPS = 600;
/** Steps timed per B run (scaled to 600); tfjs-cpu is ~100× slower, so it gets fewer. */
const B_STEPS = quick ? 10 : 100;
const B_STEPS_SLOW = quick ? 2 : 20;
const C_STEPS = quick ? 300 : 3000;
const C_STEPS_SLOW = quick ? 100 : 3000;
const D_STEPS = quick ? 10_000 : 100_000;
const THREADS = Number(process.env.TAPEGRAD_THREADS ?? 1);

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

/** Runs `fn(steps)` once to warm up, then RUNS times; returns seconds per run. */
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

function permutation(n: number, rng: Rng): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.random() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** Index batches of `size` rows in the permutation's order. */
function batches(perm: Int32Array, size: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let i = 0; i + size <= perm.length; i += size) out.push(perm.slice(i, i + size));
  return out;
}

// ---------------------------------------------------------------------------------------------
// tapegrad, through the public API

function tapegradTrainer(x: Tensor, labels: Tensor, sizes: number[], batchIdx: Int32Array[], lr: number) {
  const net = mlp(sizes, { activation: 'sigmoid', rng: new Rng(0) });
  const opt = new SGD(net.parameters(), { lr });
  const idx = batchIdx.map((b) => new Tensor(b, [b.length]));
  let pos = 0;
  return (steps: number): void => {
    for (let s = 0; s < steps; s++) {
      const i = idx[pos++ % idx.length];
      const loss = softmaxCrossEntropy(net.forward(x.take(i)), labels.take(i));
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
  };
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js: variables, tf.losses.softmaxCrossEntropy, tf.train.sgd(lr).minimize

function tfTrainer(xData: Float32Array, labels: Int32Array, sizes: number[], batchIdx: Int32Array[], lr: number) {
  const [d, h, c] = sizes;
  const n = labels.length;
  const x = tf.tensor2d(xData, [n, d]);
  const t = tf.oneHot(tf.tensor1d(labels, 'int32'), c).toFloat();
  const u = (fanIn: number, shape: number[]) =>
    tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
  const vars = [u(d, [d, h]), u(d, [h]), u(h, [h, c]), u(h, [c])];
  const [w1, b1, w2, b2] = vars;
  const idx = batchIdx.map((b) => tf.tensor1d(b, 'int32'));
  const opt = tf.train.sgd(lr);
  let pos = 0;
  const run = (steps: number): void => {
    for (let s = 0; s < steps; s++) {
      const i = idx[pos++ % idx.length];
      tf.tidy(() => {
        const xb = tf.gather(x, i);
        const tb = tf.gather(t, i);
        opt.minimize(
          () => tf.losses.softmaxCrossEntropy(tb, tf.add(tf.matMul(tf.sigmoid(tf.add(tf.matMul(xb, w1), b1)), w2), b2)),
          false,
          vars,
        );
      });
    }
    w1.dataSync(); // make sure the work is done
  };
  const dispose = (): void => {
    tf.dispose([x, t, ...vars, ...idx]);
    opt.dispose();
  };
  return { run, dispose };
}

// ---------------------------------------------------------------------------------------------
// NumPy peer

interface NumpyResult {
  numpy: string;
  B: number[];
  C: number[];
}

function runNumpy(cfg: unknown): NumpyResult | string {
  try {
    const stdout = execFileSync('python3', [path.join(__dirname, 'numpy_peer.py')], {
      input: JSON.stringify(cfg),
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
      encoding: 'utf8',
      maxBuffer: 1 << 20,
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

async function main(): Promise<void> {
  const t0 = Date.now();
  const cores = os.cpus().length;
  const log = (s: string): void => console.log(s);
  log(
    `tapegrad bench${quick ? ' (--quick: reduced counts)' : ''}: ${cores} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ` +
      `tapegrad kernels ${kernels().name}, TAPEGRAD_THREADS=${THREADS}`,
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

  const B: Record<string, Stat> = {};
  const C: Record<string, Stat> = {};
  const perEpoch = (xs: number[], steps: number): number[] => xs.map((s) => (s / steps) * EPOCH_STEPS);
  const perStepUs = (xs: number[], steps: number): number[] => xs.map((s) => (s / steps) * 1e6);

  // tapegrad
  log('running tapegrad B, C…');
  const tgB = tapegradTrainer(mx, mlabels, [784, 100, 10], bIdx, 0.1);
  B.tapegrad = stat(perEpoch(timeRuns(tgB, B_STEPS, B_STEPS), B_STEPS), B_STEPS);
  const tgC = tapegradTrainer(sx, sl, [2, 10, 3], cIdx, 1);
  C.tapegrad = stat(perStepUs(timeRuns(tgC, C_STEPS, C_STEPS), C_STEPS), C_STEPS);

  // TensorFlow.js
  setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  const tfThreads: Record<string, number> = {};
  for (const backend of ['wasm', 'cpu']) {
    const name = `tfjs-${backend}`;
    try {
      await tf.setBackend(backend);
      await tf.ready();
      tfThreads[name] = backend === 'wasm' ? getThreadsCount() : 1;
      const bSteps = backend === 'cpu' ? B_STEPS_SLOW : B_STEPS;
      const cSteps = backend === 'cpu' ? C_STEPS_SLOW : C_STEPS;
      log(`running ${name} B, C…`);
      const b = tfTrainer(mxData, mlData, [784, 100, 10], bIdx, 0.1);
      B[name] = stat(perEpoch(timeRuns(b.run, bSteps, Math.max(2, bSteps >> 1)), bSteps), bSteps);
      b.dispose();
      const c = tfTrainer(sxData, slData, [2, 10, 3], cIdx, 1);
      C[name] = stat(perStepUs(timeRuns(c.run, cSteps, cSteps), cSteps), cSteps);
      c.dispose();
    } catch (e) {
      log(`${name} skipped: ${(e as Error).message}`);
    }
  }

  // NumPy
  log('running NumPy B, C…');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-bench-'));
  const xPath = path.join(tmp, 'x.f32');
  const labelsPath = path.join(tmp, 'labels.i32');
  fs.writeFileSync(xPath, new Uint8Array(mxData.buffer, mxData.byteOffset, mxData.byteLength));
  fs.writeFileSync(labelsPath, new Uint8Array(mlData.buffer, mlData.byteOffset, mlData.byteLength));
  const np = runNumpy({
    B: { xPath, labelsPath, n, d, perm: bIdx.flatMap((b) => Array.from(b)), steps: B_STEPS, warm: B_STEPS, runs: RUNS },
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
    B.numpy = stat(perEpoch(np.B, B_STEPS), B_STEPS);
    C.numpy = stat(perStepUs(np.C, C_STEPS), C_STEPS);
  }

  // D: memory of C over many steps (tapegrad only)
  log(`running tapegrad D (${D_STEPS} steps of C)…`);
  const tgD = tapegradTrainer(sx, sl, [2, 10, 3], cIdx, 1);
  tgD(1000);
  const rss1k = process.memoryUsage().rss;
  tgD(D_STEPS - 1000);
  const rssEnd = process.memoryUsage().rss;
  const D = {
    stepsFirst: 1000,
    stepsEnd: D_STEPS,
    rssFirstMB: rss1k / 2 ** 20,
    rssEndMB: rssEnd / 2 ** 20,
    ratio: rssEnd / rss1k,
  };

  // Report
  const peers = ['tfjs-wasm', 'tfjs-cpu', 'numpy'];
  const fmt = (s: Stat | undefined, digits: number): string =>
    s ? `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]` : 'skipped';
  const ratio = (a: Stat | undefined, b: Stat | undefined): string => (a && b ? (a.median / b.median).toFixed(3) : '—');
  const head = ['figure', 'tapegrad', ...peers, ...peers.map((p) => `tg/${p}`)];
  const rows = [
    [
      'B s/epoch (median [min–max])',
      fmt(B.tapegrad, 3),
      ...peers.map((p) => fmt(B[p], 3)),
      ...peers.map((p) => ratio(B.tapegrad, B[p])),
    ],
    [
      'C µs/step (median [min–max])',
      fmt(C.tapegrad, 1),
      ...peers.map((p) => fmt(C[p], 1)),
      ...peers.map((p) => ratio(C.tapegrad, C[p])),
    ],
  ];
  log('');
  log(table(head, rows));
  log('(tg/peer < 1: tapegrad faster; e.g. 0.1 = 10× faster)');
  log(
    `B: ${B_STEPS} steps timed per run (tfjs-cpu ${B_STEPS_SLOW}), scaled to ${EPOCH_STEPS} steps = one epoch; C: ${C_STEPS} steps per run (tfjs-cpu ${C_STEPS_SLOW}); ` +
      `1 warm-up + ${RUNS} runs each.`,
  );
  log(
    `D: tapegrad RSS after ${D.stepsFirst} steps of C ${D.rssFirstMB.toFixed(1)} MB, after ${D.stepsEnd} ${D.rssEndMB.toFixed(1)} MB, ratio ${D.ratio.toFixed(3)}`,
  );
  log(
    `threads: tapegrad ${THREADS} (TAPEGRAD_THREADS), tfjs-wasm ${tfThreads['tfjs-wasm'] ?? '—'}, tfjs-cpu 1, NumPy 1 (OPENBLAS_NUM_THREADS=1); ${cores} cores`,
  );
  log(
    'A (SGEMM GFLOP/s): not in this suite; run `npx ts-node --transpile-only packages/core/bench/gemm.ts [--threads 2]`.',
  );
  if (note) log(note);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${stamp}.json`);
  const ratios = (fig: Record<string, Stat>): Record<string, number | null> =>
    Object.fromEntries(peers.map((p) => [p, fig.tapegrad && fig[p] ? fig.tapegrad.median / fig[p].median : null]));
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        stamp,
        quick,
        machine: { cores, cpu: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.arch()}` },
        threads: { tapegrad: THREADS, ...tfThreads, 'tfjs-cpu': 1, numpy: 1 },
        tapegradKernels: kernels().name,
        numpy: typeof np === 'string' ? null : np.numpy,
        notes: [note, 'A (SGEMM) not included: see packages/core/bench/gemm.ts'].filter(Boolean),
        B: { unit: 's/epoch (600 steps, scaled from the timed steps)', ...B, ratios: ratios(B) },
        C: { unit: 'µs/step', ...C, ratios: ratios(C) },
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
