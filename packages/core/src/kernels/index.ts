/**
 * The kernel layer: typed-array loops that know nothing of Tensors or autograd. Ops reach every
 * kernel through `kernels()`, so a faster backend (WASM SIMD) can replace any of them by
 * implementing {@link KernelBackend} and calling `setBackend`.
 */
import * as os from 'os';
import * as elementwise from './elementwise';
import * as matmul from './matmul';
import * as reduce from './reduce';
import * as strided from './strided';
import { createWasmBackend, GemmPool, loadWasm } from './wasm';
import { loadNative, withNativeGemm } from './native';

/** Everything a backend must provide; the JS backend is the reference implementation. */
export interface KernelBackend {
  readonly name: string;
  binary: typeof elementwise.binary;
  binaryScalar: typeof elementwise.binaryScalar;
  unary: typeof elementwise.unary;
  leakyRelu: typeof elementwise.leakyRelu;
  clip: typeof elementwise.clip;
  where: typeof elementwise.where;
  cast: typeof elementwise.cast;
  axpby: typeof elementwise.axpby;
  addRows: typeof elementwise.addRows;
  sigmoidGrad: typeof elementwise.sigmoidGrad;
  stridedCopy: typeof strided.stridedCopy;
  stridedScatter: typeof strided.stridedScatter;
  copyBlocks: typeof strided.copyBlocks;
  sumAxis: typeof reduce.sumAxis;
  extremumAxis: typeof reduce.extremumAxis;
  argExtremumAxis: typeof reduce.argExtremumAxis;
  softmaxAxis: typeof reduce.softmaxAxis;
  softmaxRows: typeof reduce.softmaxRows;
  logSumExpAxis: typeof reduce.logSumExpAxis;
  repeatAxis: typeof reduce.repeatAxis;
  gatherAxis: typeof reduce.gatherAxis;
  scatterAddAxis: typeof reduce.scatterAddAxis;
  gemm: typeof matmul.gemm;
}

/** The pure-JS backend: always available, and the reference the others are tested against. */
export const jsBackend: KernelBackend = { name: 'js', ...elementwise, ...strided, ...reduce, ...matmul };

/**
 * `TAPEGRAD_BACKEND`: unset (or '') for the fastest available — the native gemm over the WASM
 * kernels, else WASM, else JS; `native` the same but an error when the native gemm is missing;
 * `wasm` WASM without the native gemm; `js` the reference JS kernels only.
 */
export function backendChoice(env: string | undefined = process.env.TAPEGRAD_BACKEND): '' | 'js' | 'wasm' | 'native' {
  if (env === undefined || env === '' || env === 'js' || env === 'wasm' || env === 'native') return env ?? '';
  throw new Error(`TAPEGRAD_BACKEND must be 'js', 'wasm', 'native' or unset (the fastest available), got '${env}'`);
}

const mode = backendChoice();
const loaded = mode === 'js' ? null : loadWasm();
const native = mode === 'js' || mode === 'wasm' ? null : loadNative();
if (mode === 'native' && !native?.addon) {
  throw new Error(`TAPEGRAD_BACKEND=native, but the native gemm is unavailable: ${native?.reason}`);
}

/**
 * Threads for large float32 gemms: `TAPEGRAD_THREADS` (1 = no worker pool), by default the
 * machine's core count. A persistent worker pool on shared WASM memory; see GemmPool.
 */
export function threadCount(env: string | undefined = process.env.TAPEGRAD_THREADS): number {
  if (env === undefined || env === '') return os.availableParallelism?.() ?? os.cpus().length;
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`TAPEGRAD_THREADS must be a whole number ≥ 1 (1 = single-threaded), got '${env}'`);
  }
  return n;
}

function threadPool(threads: number): GemmPool | null {
  return threads >= 2 ? GemmPool.create(threads) : null;
}

/**
 * The WASM SIMD backend (float32 gemm and elementwise kernels in WASM, the rest in JS), or null
 * when `kernels.wasm` is missing or the engine lacks WASM SIMD (see `wasmUnavailableReason`), or
 * when `TAPEGRAD_BACKEND=js`.
 */
export const wasmBackend: KernelBackend | null = loaded?.exports
  ? createWasmBackend(loaded.exports, threadPool(threadCount()))
  : null;

/**
 * A fresh WASM backend on `threads` threads (1 = no worker pool), or null when WASM is
 * unavailable; for benchmarks and tests that compare thread counts in one process. Each call with
 * threads ≥ 2 makes its own pool (workers start with its first large gemm). `adaptive: false`
 * splits every large gemm instead of choosing by measured time.
 *
 * @example
 * const one = makeWasmBackend(1); if (one) setBackend(one);
 */
export function makeWasmBackend(threads: number, options: { adaptive?: boolean } = {}): KernelBackend | null {
  const ex = loaded?.exports ?? loadWasm().exports;
  return ex ? createWasmBackend(ex, threadPool(threads), options) : null;
}

/** Why `wasmBackend` is null ('' when it loaded). */
export const wasmUnavailableReason: string =
  loaded === null ? 'TAPEGRAD_BACKEND=js' : loaded.exports ? '' : loaded.reason;

/**
 * A backend whose float32 gemm is the native addon's (see kernels/native.ts) on `threads`
 * threads, over the WASM kernels (single-threaded: the addon splits gemms itself) or JS ones; null
 * when the addon is unavailable (see `nativeUnavailableReason`) or TAPEGRAD_BACKEND is js or wasm.
 * `adaptive: false` splits every large gemm instead of choosing by measured time.
 *
 * @example
 * const one = makeNativeBackend(1); if (one) setBackend(one);
 */
export function makeNativeBackend(threads: number, options: { adaptive?: boolean } = {}): KernelBackend | null {
  if (!native?.addon) return null;
  const ex = loaded?.exports;
  return withNativeGemm(ex ? createWasmBackend(ex, null) : jsBackend, native.addon, threads, options);
}

/** The native gemm over WASM on the default thread count, or null (see makeNativeBackend). */
export const nativeBackend: KernelBackend | null = makeNativeBackend(threadCount());

/** Why `nativeBackend` is null ('' when it loaded). */
export const nativeUnavailableReason: string =
  native === null ? `TAPEGRAD_BACKEND=${mode}` : native.addon ? '' : native.reason;

// The fastest available by default; `kernels().name` says which backend is active.
let current: KernelBackend = nativeBackend ?? wasmBackend ?? jsBackend;

/** The active kernel backend. */
export function kernels(): KernelBackend {
  return current;
}

/**
 * Replaces the active kernel backend; returns the previous one.
 *
 * @example
 * const prev = setBackend(jsBackend); try { run(); } finally { setBackend(prev); }
 */
export function setBackend(backend: KernelBackend): KernelBackend {
  const prev = current;
  current = backend;
  return prev;
}

export type { BinaryKernel, UnaryKernel } from './elementwise';
