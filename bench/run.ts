/**
 * tapegrad benchmark suite (`npm run bench [-- --quick]`): the same work for tapegrad,
 * TensorFlow.js (cpu and wasm backends) and a hand-written NumPy peer (OPENBLAS_NUM_THREADS=1),
 * side by side in one run.
 *
 * - A: float32 matrix products (square 64…1024 and the MNIST-MLP products), GFLOP/s; tapegrad on
 *   one thread and split across the default thread count (TAPEGRAD_THREADS, else the core count).
 * - B: MNIST-shaped MLP 784-100-10 (sigmoid, and ReLU), softmax cross-entropy, SGD lr 0.1,
 *   batch 100 on the 60000×784 float32 training set — seconds per epoch (600 steps). tapegrad
 *   and NumPy time whole epochs; the slower tfjs backends time fewer steps, scaled to 600.
 * - C: spiral 2-10-3 sigmoid, batch 30 — µs per step (3,000 steps a run).
 * - D: tapegrad only, in a child process: RSS after 1,000 and after 100,000 steps of C, after a
 *   warm-up (and from a cold start; see bench/memory.ts).
 * - E: the book's SimpleConvNet on MNIST (conv 30×5×5, ReLU, max-pool 2, Linear 4320-100, ReLU,
 *   Linear 100-10; Adam lr 0.001, batch 100) — seconds per epoch (600 steps), against NumPy (the
 *   book's im2col layers), TF.js cpu and wasm, and PyTorch on one thread (bench/torch_peer.py,
 *   Debian's python3 with torch; skipped with a note where it cannot import torch), with
 *   tapegrad's per-layer breakdown of a step. `--only E` runs E alone.
 * - F: one epoch of the addition seq2seq (bench/figure-f.ts), with NumPy written the book's way
 *   and PyTorch on one thread (the same PyTorch peer) — s/epoch. `--only F` runs F alone.
 * Every implementation runs in a process of its own that stays up (bench/peer.ts), and the
 * implementations of a figure take turns, one run each per round (bench/rounds.ts), so a ratio
 * compares runs made at the same time and no framework's garbage lands in another's runs.
 * Every figure: a warm-up, then the median (and min/max) of ≥ 5 runs. Prints tables and the
 * issue's targets, and writes bench/results/<stamp>.json (bench/report.ts). `--base <checkout>`
 * adds another checkout's tapegrad to B, C, A and F (bench/base-peer.ts); `--tapegrad-only` leaves
 * TensorFlow.js and NumPy out; `--skip E,F` leaves out those training figures; `--cpu` times CPU
 * seconds instead of wall-clock ones.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { baseCheckout, startBasePeer } from './base-peer';
import { coreCheck, describeCores } from './machine';
import { Peer } from './peer';
import { type ESettings, type Figures, report, reportE } from './report';
import { reportF } from './report-f';
import { type Contender, type Stat, takeTurns } from './rounds';
import { GEMM_SHAPES } from './sgemm';
import { type Activation, mnistData, spiralData } from './trainers';
import { fContender, fSteps, writeFigureF } from './figure-f';

const quick = process.argv.includes('--quick');
/**
 * `--cpu`: every peer reports its process's CPU seconds instead of wall-clock ones (all of its
 * threads: compare one-thread configurations), which other jobs on a shared machine disturb far
 * less than the wall clock.
 */
const cpuClock = process.argv.includes('--cpu');
if (cpuClock) process.env.TAPEGRAD_BENCH_CLOCK = 'cpu';
/** `--tapegrad-only`: no TensorFlow.js or NumPy peers (for comparing checkouts with --base). */
const tapegradOnly = process.argv.includes('--tapegrad-only');
/** `--only E` or `--only F`: that figure alone (the others are skipped). */
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
if (process.argv.includes('--only') && only !== 'E' && only !== 'F') {
  throw new Error(`--only takes E or F, got ${only ?? 'nothing'}`);
}
/** `--skip E,F`: leave out the long training figures (say, to compare B, C and A with `--base`). */
const skipArg = process.argv.includes('--skip') ? process.argv[process.argv.indexOf('--skip') + 1] : '';
if (process.argv.includes('--skip') && !/^[EF](,[EF])*$/.test(skipArg ?? '')) {
  throw new Error(`--skip takes E, F or E,F, got ${skipArg ?? 'nothing'}`);
}
const skip = new Set(skipArg ? skipArg.split(',') : []);
/** The python with PyTorch (Debian's; the python3 first on PATH may lack it). */
const TORCH_PYTHON = process.env.TAPEGRAD_PYTHON ?? '/usr/bin/python3';
/** `--base <checkout>`: that checkout's tapegrad takes turns with this one's (bench/base-peer.ts). */
const baseDir = baseCheckout(process.argv, process.env);
/** Timed runs of each implementation: A's samples, and B's and C's runs. */
const RUNS = 5;
const RUNS_BC = 7;
/** F's rounds: PyTorch's best of at least three is the target's reference. */
const RUNS_F = quick ? 3 : 5;
const EPOCH_STEPS = 600;
/** Steps timed per B run: whole epochs for tapegrad and NumPy; tfjs-wasm and tfjs-cpu fewer. */
const B_STEPS = quick ? 60 : EPOCH_STEPS;
const B_STEPS_WASM = quick ? 20 : 100;
const B_STEPS_CPU = quick ? 2 : 20;
const C_STEPS = quick ? 300 : 3000;
const C_STEPS_SLOW = quick ? 100 : 3000;
const D_STEPS = quick ? 10_000 : 100_000;
/** A: the minimum time of a sample (tfjs-cpu: one call, which takes longer). */
const A_SAMPLE_MS = quick ? 5 : 100;
/**
 * A: the warm-up of each implementation and shape, in ms of calls: a product of a size not seen
 * before runs slower for its first several calls (1024³ split across threads: 15 GFLOP/s on the
 * first call, ~50 on the next five, ~67 from then on — fresh pages of the operands, the
 * output's allocation), which one call of warm-up would leave in the samples.
 */
const A_WARM_MS = quick ? 20 : 300;
/** A: the largest m·n·k tfjs-cpu is asked to run (its 1024³ takes seconds a call). */
const A_CPU_MAX = quick ? 128 ** 3 : 512 ** 3;
const ACTIVATIONS: Activation[] = ['sigmoid', 'relu'];
/** tapegrad's process-wide warm-up before B (JIT), in training steps. */
const WARMUP_STEPS = quick ? 300 : 2000;
/** E: rounds (PyTorch's best of these is the reference), and the steps each run times. */
const RUNS_E = 3;
const E_STEPS = quick ? 30 : EPOCH_STEPS;
const E_STEPS_NUMPY = quick ? 5 : 60;
const E_STEPS_TFJS = quick ? 1 : 2;
const E_PROFILE_STEPS = quick ? 10 : 50;

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
  const notes: string[] = [];
  const started = <T>(
    r: { peer: Peer; info: Record<string, unknown> } | string,
    then: (p: Peer, info: Record<string, unknown>) => T,
  ): T | null => {
    if (typeof r === 'string') {
      notes.push(r);
      return null;
    }
    return then(r.peer, r.info);
  };

  log('checking what the two cores give right now…');
  const coresBefore = await coreCheck();

  // The processes: tapegrad and each TensorFlow.js backend in Node, NumPy in python3 (it is given
  // the same data and batch order through a temporary file and the init command).
  log('starting tapegrad, TensorFlow.js (wasm, cpu) and NumPy, each in a process of its own…');
  const tg = await Peer.node('tapegrad', 'peer-tapegrad.ts', [], { warmup: WARMUP_STEPS });
  const tgPeer = started(tg, (p, info) => ({ peer: p, info }));
  if (!tgPeer) throw new Error(notes.join('\n'));
  const THREADS = Number(tgPeer.info.threads);
  const tgn = `tapegrad×${THREADS}`;
  const tg1 = tgPeer.info.oneThread ? 'tapegrad×1' : null;
  // The WASM kernels alone (the fallback where the native gemm does not build), in B and A.
  const tgw = tgPeer.info.wasm ? `tapegrad-wasm×${THREADS}` : null;
  const base = baseDir
    ? started(await startBasePeer(baseDir, WARMUP_STEPS), (peer, info) => ({ key: `${tgn}@base`, peer, info }))
    : null;
  const tfPeers: { name: string; peer: Peer; threads: number }[] = [];
  for (const backend of tapegradOnly ? [] : ['wasm', 'cpu']) {
    // The peer loads its data with tapegrad's loaders; V8 keeps its defaults there (platform/v8-settings.ts).
    const r = await Peer.node(`tfjs-${backend}`, 'peer-tfjs.ts', [backend], {}, { TAPEGRAD_CONCURRENT_SWEEP: '1' });
    started(r, (peer, info) => tfPeers.push({ name: `tfjs-${backend}`, peer, threads: Number(info.threads) }));
  }
  const mnist = mnistData();
  const sp = spiralData();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-bench-'));
  const xPath = path.join(tmp, 'x.f32');
  const labelsPath = path.join(tmp, 'labels.i32');
  const bytes = (a: Float32Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  fs.writeFileSync(xPath, bytes(mnist.x.data as Float32Array));
  fs.writeFileSync(labelsPath, bytes(mnist.labels.data as Int32Array));
  const flat = (bs: Int32Array[]): number[] => bs.flatMap((b) => Array.from(b));
  const fData = writeFigureF(tmp);
  const npStart = tapegradOnly
    ? 'NumPy left out (--tapegrad-only)'
    : await Peer.start(
        'NumPy peer',
        'python3',
        [path.join(__dirname, 'numpy_peer.py')],
        { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
        {
          B: {
            xPath,
            labelsPath,
            n: mnist.x.shape[0],
            d: mnist.x.shape[1],
            perm: flat(mnist.batches),
            activations: ACTIVATIONS,
          },
          C: {
            x: Array.from(sp.x.data as Float32Array),
            labels: Array.from(sp.labels.data as Int32Array),
            perm: flat(sp.batches),
          },
          F: fData,
        },
      );
  const torchStart = tapegradOnly
    ? 'PyTorch left out (--tapegrad-only)'
    : await Peer.start(
        'PyTorch peer',
        TORCH_PYTHON,
        [path.join(__dirname, 'torch_peer.py')],
        { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
        { E: { xPath, labelsPath, n: mnist.x.shape[0], perm: flat(mnist.batches) }, F: fData },
      );
  fs.rmSync(tmp, { recursive: true, force: true });
  const np = started(npStart, (peer, info) => ({ peer, version: String(info.numpy) }));
  const pt = started(torchStart, (peer, info) => ({ peer, info }));
  log(
    `tapegrad bench${quick ? ' (--quick: reduced counts)' : ''}${cpuClock ? ' (--cpu: CPU seconds of each process, all its threads)' : ''}: ${cores} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, ` +
      `tapegrad kernels ${String(tgPeer.info.kernels)} (threads ${THREADS}; TAPEGRAD_THREADS=${process.env.TAPEGRAD_THREADS ?? 'unset'})` +
      (base ? `; base ${baseDir}: ${String(base.info.kernels)}` : '') +
      (np ? `, NumPy ${np.version}` : '') +
      (pt
        ? `, PyTorch ${String(pt.info.torch)} (threads ${String(pt.info.threads)}; BLAS ${String(pt.info.blas)})`
        : ''),
  );

  // [name, configuration, process]: this checkout's configurations, and the base's default.
  const tgImpls: [string, string, Peer][] = [
    [tgn, 'n', tgPeer.peer],
    ...(tg1 ? ([[tg1, '1', tgPeer.peer]] as [string, string, Peer][]) : []),
    ...(tgw ? ([[tgw, 'w', tgPeer.peer]] as [string, string, Peer][]) : []),
    ...(base ? ([[base.key, 'n', base.peer]] as [string, string, Peer][]) : []),
  ];
  const perEpoch = (s: number, steps: number): number => (s / steps) * EPOCH_STEPS;
  const perStepUs = (s: number, steps: number): number => (s / steps) * 1e6;
  const slow = (name: string): boolean => name === 'tfjs-cpu';
  const fs_ = fSteps(quick);
  const fTapegrad = tgImpls.filter(([, impl, peer]) => impl !== 'w' && (peer === tgPeer.peer || peer === base?.peer));
  const fKeys = { tapegrad: fTapegrad.map(([key]) => key), numpy: 'numpy', torch: 'pytorch×1', base: base?.key };
  const runF = (): Promise<Record<string, Stat>> => {
    log('running F (the addition seq2seq; the implementations take turns)…');
    return takeTurns(
      [
        ...fTapegrad.map(([key, impl, peer]) => fContender(key, peer, fs_.full, fs_.warm, { impl })),
        ...(np ? [fContender(fKeys.numpy, np.peer, fs_.numpy, fs_.warm)] : []),
        ...(pt ? [fContender(fKeys.torch, pt.peer, fs_.full, fs_.warm)] : []),
      ],
      RUNS_F,
    );
  };

  const closeAll = (): void => {
    for (const p of [tgPeer.peer, base?.peer, ...tfPeers.map((t) => t.peer), np?.peer, pt?.peer]) p?.close();
  };
  if (only === 'F') {
    const F = await runF();
    closeAll();
    for (const line of reportF(F, fKeys, { F: fs_.full, F_NUMPY: fs_.numpy })) log(line);
    return;
  }

  let e: Figures['E'];
  if (!skip.has('E')) {
    log('running E (the implementations take turns)…');
    const stats = await runE(tgn, tgPeer.peer, tfPeers, np?.peer ?? null, pt?.peer ?? null, notes);
    log('profiling one tapegrad E step…');
    const profile = (await tgPeer.peer.call({ cmd: 'Eprofile', steps: E_PROFILE_STEPS })).ms as Record<string, number>;
    e = { stats, profile, settings: eSettings(tgn, pt?.info ?? null) };
    if (only === 'E') {
      closeAll();
      reportE(e.settings, stats, profile, log);
      return;
    }
  }

  log('running B (the implementations take turns)…');
  // One activation at a time, so a round (5 runs of ~0.3–0.8 s) is short and its runs are close
  // in time: the ratios are taken round by round (pairedRatio).
  const B: Record<string, Stat> = {};
  for (const activation of ACTIVATIONS) {
    const contenders: Contender[] = [
      ...tgImpls.map(([key, impl, peer]) => ({
        key: `${key} ${activation}`,
        run: async () => perEpoch(await peer.seconds({ cmd: 'B', impl, activation, steps: B_STEPS }), B_STEPS),
      })),
      ...tfPeers.map(({ name, peer }) => {
        const steps = slow(name) ? B_STEPS_CPU : B_STEPS_WASM;
        return {
          key: `${name} ${activation}`,
          run: async () => perEpoch(await peer.seconds({ cmd: 'B', activation, steps }), steps),
        };
      }),
    ];
    if (np) {
      contenders.push({
        key: `numpy ${activation}`,
        run: async () => perEpoch(await np.peer.seconds({ cmd: 'B', activation, steps: B_STEPS }), B_STEPS),
      });
    }
    Object.assign(B, await takeTurns(contenders, RUNS_BC));
  }

  log('running C…');
  const cPeers = [
    { name: tgn, peer: tgPeer.peer },
    ...(base ? [{ name: base.key, peer: base.peer }] : []),
    ...tfPeers,
    ...(np ? [{ name: 'numpy', peer: np.peer }] : []),
  ];
  const C = await takeTurns(
    cPeers.map(({ name, peer }) => {
      const steps = slow(name) ? C_STEPS_SLOW : C_STEPS;
      return { key: name, run: async () => perStepUs(await peer.seconds({ cmd: 'C', steps }), steps) };
    }),
    RUNS_BC,
  );

  const F = skip.has('F') ? undefined : await runF();

  log('running A (shape by shape)…');
  const A: Record<string, (Stat | null)[]> = {};
  for (const [i, s] of GEMM_SHAPES.entries()) {
    const sampler = (key: string, peer: Peer, cmd: object, sampleMs = A_SAMPLE_MS): Contender => ({
      key,
      run: () => peer.seconds({ cmd: 'A', ...cmd, sampleMs }),
      warm: () => peer.seconds({ cmd: 'A', ...cmd, sampleMs: Math.max(sampleMs, A_WARM_MS) }),
    });
    const contenders = tgImpls.map(([key, impl, peer]) => sampler(key, peer, { impl, shape: i }));
    for (const { name, peer } of tfPeers) {
      if (slow(name) && s.m * s.n * s.k > A_CPU_MAX) continue;
      contenders.push(sampler(name, peer, { shape: i }, slow(name) ? 1 : A_SAMPLE_MS));
    }
    if (np) contenders.push(sampler('numpy', np.peer, { shape: [s.m, s.n, s.k, s.transA, s.transB] }));
    const stats = await takeTurns(contenders, RUNS);
    for (const impl of [...tgImpls.map(([key]) => key), ...tfPeers.map((p) => p.name), 'numpy'])
      (A[impl] ??= [])[i] = stats[impl] ?? null;
  }
  closeAll();

  // D: memory of C over many steps, tapegrad only, in a fresh process
  log(`running tapegrad D (${D_STEPS} steps of C, child process)…`);
  const D = runMemory(D_STEPS);
  const coresAfter = await coreCheck();

  report(
    {
      quick,
      runs: { A: RUNS, BC: RUNS_BC, F: RUNS_F },
      cores,
      threads: {
        tapegrad: THREADS,
        ...Object.fromEntries(tfPeers.map((p) => [p.name, p.threads])),
        numpy: np ? 1 : null,
      },
      tapegradKernels: String(tgPeer.info.kernels) + (tgw ? `; ${tgw}: ${String(tgPeer.info.wasm)}` : ''),
      numpy: np?.version ?? null,
      torch: pt ? String(pt.info.torch) : null,
      steps: {
        B: B_STEPS,
        B_WASM: B_STEPS_WASM,
        B_CPU: B_STEPS_CPU,
        C: C_STEPS,
        C_SLOW: C_STEPS_SLOW,
        epoch: EPOCH_STEPS,
        warmup: WARMUP_STEPS,
        F: fs_.full,
        F_NUMPY: fs_.numpy,
      },
      impls: {
        tgn,
        tg1,
        tgw,
        base: base?.key ?? null,
        peers: tapegradOnly ? [] : ['tfjs-wasm', 'tfjs-cpu', 'numpy'],
      },
      activations: ACTIVATIONS,
      notes,
      coreCheck: {
        before: coresBefore,
        after: coresAfter,
        text: [describeCores(coresBefore), describeCores(coresAfter)],
      },
    },
    { A, B, C, D, E: e, F },
    t0,
    log,
  );
}

function eSettings(tgn: string, torch: Record<string, unknown> | null): ESettings {
  return {
    tgn,
    runs: RUNS_E,
    steps: {
      tapegrad: E_STEPS,
      torch: E_STEPS,
      numpy: E_STEPS_NUMPY,
      tfjs: E_STEPS_TFJS,
      epoch: EPOCH_STEPS,
      profile: E_PROFILE_STEPS,
    },
    torch: torch ? { version: String(torch.torch), threads: Number(torch.threads), blas: String(torch.blas) } : null,
  };
}

/**
 * Figure E: tapegrad, PyTorch, NumPy and the TF.js backends take turns, RUNS_E rounds; every
 * time is scaled to an epoch. A TF.js backend that cannot train the network (wasm: no
 * Conv2DBackpropFilter kernel) is tried with one step first and recorded as "cannot train".
 */
async function runE(
  tgn: string,
  tg: Peer,
  tf: { name: string; peer: Peer }[],
  np: Peer | null,
  pt: Peer | null,
  notes: string[],
): Promise<Record<string, Stat | string>> {
  const epoch = (s: number, steps: number): number => (s / steps) * EPOCH_STEPS;
  const contender = (key: string, peer: Peer, steps: number): Contender => ({
    key,
    run: async () => epoch(await peer.seconds({ cmd: 'E', steps }), steps),
  });
  const out: Record<string, Stat | string> = {};
  const contenders = [contender(tgn, tg, E_STEPS)];
  if (pt) contenders.push(contender('pytorch', pt, E_STEPS));
  if (np) contenders.push(contender('numpy', np, E_STEPS_NUMPY));
  for (const { name, peer } of tf) {
    try {
      await peer.seconds({ cmd: 'E', steps: 1 });
      contenders.push(contender(name, peer, E_STEPS_TFJS));
    } catch (e) {
      out[name] = `cannot train: ${(e as Error).message}`;
      notes.push(`E: ${name} cannot train the network: ${(e as Error).message}`);
    }
  }
  return { ...out, ...(await takeTurns(contenders, RUNS_E)) };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
