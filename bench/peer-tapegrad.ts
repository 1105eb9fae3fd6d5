/**
 * tapegrad's process in `npm run bench` (see bench/peer.ts): answers A, B, C and E commands with
 * seconds (and Eprofile with E's per-layer breakdown), on its default backend (threads: TAPEGRAD_THREADS, else the core count), on one
 * thread, and — when the default is the native gemm — on the WASM kernels alone, the fallback
 * where the addon does not build. A's multi-thread figures are the split kernel itself, not the
 * adaptive choice, whose rare one-thread calls would land in the samples.
 */
import {
  type KernelBackend,
  kernels,
  makeNativeBackend,
  makeWasmBackend,
  setBackend,
  threadCount,
} from '@tapegrad/core';
import { serve } from './peer';
import { seconds } from './rounds';
import { tapegradConvTrainer } from './convnet';
import { GEMM_SHAPES, tapegradGemm } from './sgemm';
import { type Activation, type FigureData, mnistData, spiralData, tapegradTrainer } from './trainers';

const THREADS = threadCount();
const defaults = kernels();
const native = defaults.name.startsWith('native');
const make = (threads: number, options?: { adaptive: boolean }): KernelBackend | null =>
  native ? makeNativeBackend(threads, options) : makeWasmBackend(threads, options);
const one = THREADS > 1 ? make(1) : null;
const split = THREADS > 1 ? make(THREADS, { adaptive: false }) : null;
const wasm = native ? makeWasmBackend(THREADS) : null;
const wasmSplit = native && THREADS > 1 ? makeWasmBackend(THREADS, { adaptive: false }) : null;
/**
 * The configurations, by the name the bench gives them: "n" the default, "1" one thread, "w" the
 * WASM kernels on the default threads. For A: the split kernels of "n" and "w".
 */
const backends: Record<string, KernelBackend | null> = { n: defaults, 1: one, w: wasm };
const forA: Record<string, KernelBackend | null> = { n: split ?? defaults, 1: one, w: wasmSplit ?? wasm };

/** Runs `fn` with `backend` as tapegrad's kernel backend. */
function withBackend<T>(backend: KernelBackend, fn: () => T): T {
  const prev = setBackend(backend);
  try {
    return fn();
  } finally {
    setBackend(prev);
  }
}

function backendOf(impl: unknown): KernelBackend {
  const b = backends[String(impl)];
  if (!b) throw new Error(`no tapegrad configuration ${String(impl)}`);
  return b;
}

let B: FigureData;
const trainers = new Map<string, (steps: number) => void>();
let E: ReturnType<typeof tapegradConvTrainer> | null = null;
const samplers = new Map<string, () => number>();

serve((cmd) => {
  switch (cmd.cmd) {
    case 'init': {
      B = mnistData();
      trainers.set('C', tapegradTrainer(spiralData(), [2, 10, 3], 1));
      // V8 keeps optimising the training path for ~1,800 steps (on this VM an MLP step takes
      // ~1.3 ms at first, ~0.8 ms from then on): one process-wide warm-up first.
      withBackend(defaults, () => tapegradTrainer(B, [784, 100, 10], 0.1)(Number(cmd.warmup)));
      return { kernels: defaults.name, threads: THREADS, oneThread: one !== null, wasm: wasm?.name ?? null };
    }
    case 'B': {
      const key = `${String(cmd.impl)} ${String(cmd.activation)}`;
      if (!trainers.has(key)) trainers.set(key, tapegradTrainer(B, [784, 100, 10], 0.1, cmd.activation as Activation));
      const train = trainers.get(key)!;
      return { seconds: withBackend(backendOf(cmd.impl), () => seconds(() => train(Number(cmd.steps)))) };
    }
    case 'C': {
      const train = trainers.get('C')!;
      return { seconds: withBackend(defaults, () => seconds(() => train(Number(cmd.steps)))) };
    }
    case 'E': {
      E ??= tapegradConvTrainer(B);
      const train = E;
      return { seconds: withBackend(defaults, () => seconds(() => train.run(Number(cmd.steps)))) };
    }
    case 'Eprofile': {
      E ??= tapegradConvTrainer(B);
      const train = E;
      return { ms: withBackend(defaults, () => train.profile(Number(cmd.steps))) };
    }
    case 'A': {
      const key = `${String(cmd.impl)} ${String(cmd.shape)}`;
      if (!samplers.has(key)) {
        const shape = GEMM_SHAPES[Number(cmd.shape)];
        const backend = forA[String(cmd.impl)];
        if (!backend) throw new Error(`no tapegrad configuration ${String(cmd.impl)}`);
        samplers.set(key, tapegradGemm(backend, shape, Number(cmd.sampleMs)));
      }
      return { seconds: samplers.get(key)!() };
    }
    default:
      throw new Error(`unknown command ${String(cmd.cmd)}`);
  }
});
