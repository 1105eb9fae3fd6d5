/**
 * Fetching and compiling the kernel modules ahead of time, where the platform has no bytes to
 * read synchronously but URLs to fetch (a browser): `ready()` calls {@link preloadWasm}, after
 * which the synchronous loaders of module.ts find the modules in `precompiled`.
 */
import { platform } from '../../platform';
import type { Platform } from '../../platform/types';
import { kernelImports, kernelModule, precompiled, setUseFma, type WasmApi, wasmApi } from './module';

// The smallest modules using a SIMD instruction (i8x16.splat, i8x16.popcnt) and a relaxed-SIMD
// one (i32x4.relaxed_trunc_f32x4_s): WebAssembly.validate says whether the engine has them
// without fetching anything.
const SIMD_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
];
const RELAXED_PROBE = [
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15,
  253, 128, 2, 11,
];

/**
 * Whether the engine validates WASM SIMD and relaxed SIMD (the `-fma` builds).
 *
 * @example
 * wasmFeatures(); // { simd: true, relaxedSimd: true } in Chromium 114+
 */
export function wasmFeatures(wasm: WasmApi | undefined = wasmApi()): { simd: boolean; relaxedSimd: boolean } {
  if (wasm === undefined) return { simd: false, relaxedSimd: false };
  const simd = wasm.validate(Uint8Array.from(SIMD_PROBE));
  const relaxedSimd = simd && wasm.validate(Uint8Array.from(RELAXED_PROBE));
  return { simd, relaxedSimd };
}

type FetchFn = (url: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

function fetcher(): FetchFn {
  const f = (globalThis as unknown as { fetch?: FetchFn }).fetch;
  if (f === undefined) throw new Error('fetch is not available');
  return f;
}

async function fetchBytes(url: string): Promise<ArrayBuffer> {
  const res = await fetcher()(url);
  if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
  return res.arrayBuffer();
}

// instantiateStreaming compiles while the bytes arrive, but needs the server to send
// application/wasm; from any other server the bytes are fetched whole and instantiated.
async function instantiate(wasm: WasmApi, url: string) {
  if (wasm.instantiateStreaming !== undefined) {
    try {
      return await wasm.instantiateStreaming(fetcher()(url), kernelImports);
    } catch {
      // fall through: a wrong MIME type, or the engine refused streaming
    }
  }
  return wasm.instantiate(await fetchBytes(url), kernelImports);
}

async function compile(wasm: WasmApi, url: string): Promise<object> {
  if (wasm.compileStreaming !== undefined) {
    try {
      return await wasm.compileStreaming(fetcher()(url));
    } catch {
      // as in instantiate
    }
  }
  return wasm.compile(await fetchBytes(url));
}

/**
 * Fetches, compiles and instantiates the kernel module (its `-fma` build where the engine has
 * relaxed SIMD and TAPEGRAD_WASM_FMA is not 0) and, when `threads`, compiles the shared-memory
 * module for the worker pool. Resolves to '' or the reason the WASM kernels are unavailable (no
 * WebAssembly, no SIMD, the fetch failed); a failure of the shared-memory module only leaves
 * the pool out. Does nothing where the platform reads bytes (Node.js).
 *
 * @example
 * const reason = await preloadWasm(false); // '' once kernels.wasm is compiled
 */
export async function preloadWasm(threads: boolean, p: Platform = platform): Promise<string> {
  const wasm = wasmApi();
  if (wasm === undefined) return 'WebAssembly is not available';
  const features = wasmFeatures(wasm);
  if (!features.simd) return 'this engine lacks WASM SIMD';
  const fma = features.relaxedSimd && p.env('TAPEGRAD_WASM_FMA') !== '0';
  const name = kernelModule('kernels', fma);
  const url = p.wasmUrl(name);
  if (url === null) return '';
  try {
    if (!precompiled.has(name)) precompiled.set(name, await instantiate(wasm, url));
  } catch (e) {
    return `could not load ${url}: ${(e as Error).message}`;
  }
  setUseFma(fma);
  const mt = kernelModule('kernels-mt', fma);
  const mtUrl = p.wasmUrl(mt);
  if (threads && mtUrl !== null && !precompiled.has(mt)) {
    try {
      precompiled.set(mt, { module: await compile(wasm, mtUrl), instance: null });
    } catch {
      // no pool: GemmPool.create finds no module and the products run on one thread
    }
  }
  return '';
}
