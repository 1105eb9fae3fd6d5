/**
 * The kernel layer: typed-array loops that know nothing of Tensors or autograd, behind one
 * interface (backend.ts). Ops reach every kernel through `kernels()`.
 *
 * Nothing starts when this module loads. The first `kernels()` call picks the default backend
 * (TAPEGRAD_BACKEND, see backendChoice): it loads the native addon, or compiles the WASM module
 * (and makes the thread pool), or neither — and applies tapegrad's V8 setting
 * (platform/v8-settings.ts). In a browser the WASM modules are fetched, which cannot happen
 * synchronously: `await ready()` fetches and compiles them first (until then ops run on the JS
 * kernels).
 */
import { platform } from '../platform';
import { applyV8Settings } from '../platform/v8-settings';
import type { KernelBackend, KernelName } from './backend';
import { jsBackend } from './js';
import { nativeCode, wasmCode } from '#kernel-code';
import type * as Native from './native';
import { threadCount } from './threads';
import type { NativeAddon } from './native';
import type * as Wasm from './wasm';
import type { WasmExports } from './wasm';

export type {
  AdamArgs,
  AvgWindows,
  BinaryKernel,
  ConvForwardArgs,
  ConvWeightGradArgs,
  GemmArgs,
  KernelBackend,
  KernelName,
  ScalarKernel,
  UnaryKernel,
  WindowGeometry,
} from './backend';
export type {
  GruCellArgs,
  GruCellGradArgs,
  LstmCellArgs,
  LstmCellGradArgs,
  LstmSequenceArgs,
  LstmSequenceGradArgs,
} from './recurrent';
export { jsBackend } from './js';
export { threadCount };
export { thresholds } from './thresholds';

/**
 * `TAPEGRAD_BACKEND`: unset (or '') for the fastest available — the native gemm over the WASM
 * kernels, else WASM, else JS; `native` the same but an error when the native gemm is missing;
 * `wasm` WASM without the native gemm; `js` the reference JS kernels only.
 *
 * @example
 * backendChoice('wasm'); // 'wasm'
 */
export function backendChoice(env = platform.env('TAPEGRAD_BACKEND')): '' | 'js' | 'wasm' | 'native' {
  if (env === undefined || env === '' || env === 'js' || env === 'wasm' || env === 'native') return env ?? '';
  throw new Error(`TAPEGRAD_BACKEND must be 'js', 'wasm', 'native' or unset (the fastest available), got '${env}'`);
}

// The code of the WASM and native backends (a dozen modules, their thread choice and dispatch
// included) loads with the first backend that needs it, not with the package (#kernel-code:
// code/node.ts; in a browser it is part of the bundle, code/browser.ts).
let wasmLoadedCode: typeof Wasm | null = null;
let nativeLoadedCode: typeof Native | null | undefined;
const wasmModule = (): typeof Wasm => (wasmLoadedCode ??= wasmCode());
const nativeModule = (): typeof Native | null =>
  nativeLoadedCode === undefined ? (nativeLoadedCode = nativeCode()) : nativeLoadedCode;

let wasmLoaded: { exports: WasmExports | null; reason: string } | null = null;
let nativeLoaded: { addon: NativeAddon | null; reason: string } | null = null;

// The module and the addon are loaded once, on first need; TAPEGRAD_BACKEND=js leaves both out,
// =wasm the addon.
function wasm(): { exports: WasmExports | null; reason: string } {
  if (backendChoice() === 'js') return { exports: null, reason: 'TAPEGRAD_BACKEND=js' };
  return (wasmLoaded ??= wasmModule().loadWasm());
}

function native(): { addon: NativeAddon | null; reason: string } {
  const mode = backendChoice();
  if (mode === 'js' || mode === 'wasm') return { addon: null, reason: `TAPEGRAD_BACKEND=${mode}` };
  return (nativeLoaded ??= nativeModule()?.loadNative() ?? { addon: null, reason: platform.loadAddon().reason });
}

/**
 * Why the WASM backend is unavailable ('' when it loads); loads it to find out.
 *
 * @example
 * wasmUnavailableReason(); // '' after `npm run build`
 */
export function wasmUnavailableReason(): string {
  return wasm().reason;
}

/**
 * Why the native gemm is unavailable ('' when it loads); loads the addon to find out.
 *
 * @example
 * nativeUnavailableReason(); // '' where node-gyp built it on an AVX2 or AVX-512 CPU
 */
export function nativeUnavailableReason(): string {
  return native().reason;
}

/**
 * A fresh WASM backend on `threads` threads (1 = no worker pool), or null when WASM is
 * unavailable; for benchmarks and tests that compare thread counts in one process. Each call with
 * threads ≥ 2 has its own pool, made (and its workers started) by its first large gemm. `adaptive: false`
 * splits every large gemm instead of choosing by measured time.
 *
 * @example
 * const one = makeWasmBackend(1); if (one) setBackend(one);
 */
export function makeWasmBackend(threads: number, options: { adaptive?: boolean } = {}): KernelBackend | null {
  const { createWasmBackend, GemmPool, loadWasm } = wasmModule();
  const ex = wasm().exports ?? loadWasm().exports;
  const pool = threads >= 2 ? { threads, make: () => GemmPool.create(threads) } : null;
  return ex ? createWasmBackend(ex, pool, options) : null;
}

/**
 * A backend whose float32 gemm is the native addon's (kernels/native) on `threads` threads,
 * over the WASM kernels (single-threaded: the addon splits gemms itself) or JS ones; null when
 * the addon is unavailable (see `nativeUnavailableReason`) or TAPEGRAD_BACKEND is js or wasm.
 * `adaptive: false` splits every large gemm instead of choosing by measured time.
 *
 * @example
 * const one = makeNativeBackend(1); if (one) setBackend(one);
 */
export function makeNativeBackend(threads: number, options: { adaptive?: boolean } = {}): KernelBackend | null {
  const { addon } = native();
  if (!addon) return null;
  const ex = wasm().exports;
  const base = ex ? wasmModule().createWasmBackend(ex, null) : jsBackend;
  return nativeModule()!.withNativeKernels(base, addon, threads, options);
}

// The fastest available (see backendChoice).
function defaultBackend(): KernelBackend {
  const mode = backendChoice();
  if (mode === 'js') return jsBackend;
  const threads = threadCount();
  const nat = mode === 'wasm' ? null : makeNativeBackend(threads);
  if (nat) return nat;
  if (mode === 'native') {
    throw new Error(`TAPEGRAD_BACKEND=native, but the native gemm is unavailable: ${native().reason}`);
  }
  return makeWasmBackend(threads) ?? jsBackend;
}

let started: KernelBackend | null = null;
let current: KernelBackend | null = null;

function startDefault(): KernelBackend {
  applyV8Settings();
  return (started ??= defaultBackend());
}

/**
 * The default backend before it has started (what `setBackend` returns then): its first use
 * starts it, so `setBackend(prev)` can restore the default without starting it.
 */
const notStarted: KernelBackend = Object.freeze({
  get name() {
    return startDefault().name;
  },
  ...(Object.fromEntries(
    Object.keys(jsBackend)
      .filter((k) => k !== 'name')
      .map((k) => [k, (...args: never[]) => (startDefault()[k as KernelName] as (...a: never[]) => void)(...args)]),
  ) as Omit<KernelBackend, 'name'>),
});

/**
 * The active kernel backend; the first call starts the default one (see the module comment).
 *
 * @example
 * kernels().name; // 'native-avx512+2threads/wasm', 'wasm+2threads' or 'js'
 */
export function kernels(): KernelBackend {
  return current ?? (current = startDefault());
}

let preloading: Promise<void> | null = null;

// Where the platform fetches WASM (a browser): fetch and compile it, then forget a default that
// started without it (an op run before ready()), so the next op starts the fastest one.
async function preload(): Promise<void> {
  if (backendChoice() === 'js' || platform.wasmUrl('kernels') === null) return;
  const reason = await wasmModule().preloadWasm(threadCount() >= 2);
  wasmLoaded = reason === '' ? null : { exports: null, reason };
  if (started !== null && reason === '') {
    if (current === started) current = null;
    started = null;
  }
}

/**
 * Starts the fastest kernels this runtime has and resolves to them (as `tf.ready()`). In a
 * browser it first fetches and compiles the WASM modules (`WebAssembly.instantiateStreaming`
 * from the URLs the bundler resolved; the JS kernels where the engine lacks WASM SIMD, with the
 * reason in `wasmUnavailableReason()`); call it once before training there, or ops run on the JS
 * kernels. In Node.js it is `kernels()`, already settled.
 *
 * @example
 * const k = await ready();
 * k.name; // 'wasm' in a browser page; 'wasm+8threads' in a cross-origin isolated one
 */
export async function ready(): Promise<KernelBackend> {
  await (preloading ??= preload());
  return kernels();
}

/**
 * Replaces the active kernel backend; returns the previous one.
 *
 * @example
 * const prev = setBackend(jsBackend); try { run(); } finally { setBackend(prev); }
 */
export function setBackend(backend: KernelBackend): KernelBackend {
  applyV8Settings();
  const prev = current ?? notStarted;
  current = backend === notStarted ? null : backend;
  return prev;
}
