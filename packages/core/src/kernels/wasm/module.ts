/**
 * The WASM kernel modules (compiled from packages/core/assembly by `npm run build:wasm`):
 * `kernels` with its own memory, `kernels-mt` over an imported shared memory for the thread
 * pool, each also as a `-fma` build. Their bytes come from the platform (kernels/../platform);
 * compiling and instantiating them happens here, synchronously, on first use — or, where the
 * platform fetches them (a browser), ahead of time by `ready()` (preload.ts), which leaves the
 * compiled modules in {@link precompiled}.
 */
import { platform } from '../../platform';
import type { Platform } from '../../platform/types';

/** The slice of a WebAssembly.Memory used here. */
export interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}

/**
 * The slice of the WebAssembly JS API used here (the ES2022 lib this project compiles against
 * does not declare the WebAssembly namespace).
 */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (desc: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  instantiate(bytes: ArrayBuffer, imports: object): Promise<{ module: object; instance: { exports: unknown } }>;
  compile(bytes: ArrayBuffer): Promise<object>;
  /** Absent in Node.js 18 and some engines; preload.ts falls back to `instantiate`. */
  instantiateStreaming?(
    source: Promise<unknown>,
    imports: object,
  ): Promise<{ module: object; instance: { exports: unknown } }>;
  compileStreaming?(source: Promise<unknown>): Promise<object>;
}

/** The engine's WebAssembly, or undefined where there is none. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}

/** sgemm's arguments: byte addresses of A, B, C, the sizes, the flags (0/1) and the scratch. */
export type SgemmArgs = [
  a: number,
  b: number,
  c: number,
  m: number,
  n: number,
  k: number,
  tA: number,
  tB: number,
  s: number,
];

/** The raw exports of a kernel module. */
export interface WasmExports {
  memory: WasmMemory;
  heapBase(): number;
  gemmScratchBytes(m: number, n: number, k: number): number;
  sgemm(...args: SgemmArgs): void;
  /** sgemm restricted to rows [i0, i1) of C. */
  sgemmRows(...args: [...SgemmArgs, i0: number, i1: number]): void;
  binaryF32(op: number, a: number, b: number, out: number, n: number): void;
  binaryScalarF32(op: number, a: number, s: number, out: number, n: number): void;
  unaryF32(op: number, a: number, out: number, n: number): void;
  axpbyF32(alpha: number, x: number, beta: number, y: number, n: number): void;
  sigmoidGradF32(gy: number, y: number, out: number, n: number): void;
  addRowsF32(y: number, b: number, rows: number, cols: number): void;
  sumAxisF32(x: number, outer: number, len: number, inner: number, out: number): void;
  softmaxRowsF32(x: number, rows: number, cols: number, out: number, sums: number): void;
}

/**
 * The bytes of module `name`, as its `-fma` build when `fma`.
 *
 * @example
 * kernelModule('kernels-mt', useFma()); // 'kernels-mt' or 'kernels-mt-fma'
 */
export function kernelModule(name: 'kernels' | 'kernels-mt', fma: boolean): string {
  return fma ? `${name}-fma` : name;
}

let fmaChecked: boolean | null = null;

/**
 * Modules compiled ahead of time by `ready()` where the platform fetches them (preload.ts), by
 * name; `instance`, when there, was made with {@link kernelImports} and is handed out once.
 */
export const precompiled = new Map<string, { module: object; instance: { exports: unknown } | null }>();

/**
 * Decides {@link useFma} ahead of time (preload.ts, from a feature probe, before fetching).
 *
 * @example
 * setUseFma(false); // the plain builds
 */
export function setUseFma(fma: boolean): void {
  fmaChecked = fma;
}

/** The imports of the kernel module with its own memory. */
export const kernelImports = {
  env: {
    abort: (): never => {
      throw new Error('tapegrad wasm kernel aborted');
    },
  },
};

/**
 * Whether to use the `-fma` builds, whose matmul uses relaxed SIMD's fused multiply-add (~25%
 * faster; one rounding instead of two, so results differ from the plain build in the last bits).
 * TAPEGRAD_WASM_FMA: unset = when the engine supports relaxed SIMD as shipped (Node 22+); `1` =
 * also on Node 20, by turning on V8's --experimental-wasm-relaxed-simd before the module is
 * compiled (opt-in: it is an experimental V8 flag there); `0` = never.
 *
 * @example
 * useFma(); // false on Node 20 unless TAPEGRAD_WASM_FMA=1
 */
export function useFma(): boolean {
  if (fmaChecked === null) {
    const wasm = wasmApi();
    const mode = platform.env('TAPEGRAD_WASM_FMA');
    const bytes = mode === '0' || wasm === undefined ? null : platform.wasmBytes(kernelModule('kernels', true));
    fmaChecked = bytes !== null && wasm!.validate(bytes);
    if (bytes !== null && !fmaChecked && mode === '1') {
      platform.setV8Flags('--experimental-wasm-relaxed-simd');
      fmaChecked = wasm!.validate(bytes);
    }
  }
  return fmaChecked;
}

/**
 * Compiles module `name` from the platform's bytes: the module, or null and why (no
 * WebAssembly, the file missing, or the engine lacks WASM SIMD so compilation fails).
 *
 * @example
 * compileModule('kernels').module !== null; // after `npm run build`
 */
export function compileModule(name: string, p: Platform = platform): { module: object | null; reason: string } {
  const wasm = wasmApi();
  if (wasm === undefined) return { module: null, reason: 'WebAssembly is not available' };
  const ready = precompiled.get(name);
  if (ready !== undefined) return { module: ready.module, reason: '' };
  const bytes = p.wasmBytes(name);
  if (bytes === null && p.wasmUrl(name) !== null) {
    return { module: null, reason: `${p.wasmLocation(name)} is fetched by \`await ready()\`, not called yet` };
  }
  if (bytes === null) return { module: null, reason: `${p.wasmLocation(name)} not found (run npm run build)` };
  try {
    return { module: new wasm.Module(bytes), reason: '' };
  } catch (e) {
    return { module: null, reason: `could not load ${p.wasmLocation(name)}: ${(e as Error).message}` };
  }
}

/**
 * Compiles and instantiates the kernel module with its own memory: its exports, or null and why.
 *
 * @example
 * const r = loadWasm(); if (r.exports) r.exports.heapBase();
 */
export function loadWasm(
  name = kernelModule('kernels', useFma()),
  p: Platform = platform,
): { exports: WasmExports | null; reason: string } {
  const made = precompiled.get(name);
  if (made?.instance) {
    const exports = made.instance.exports as WasmExports;
    made.instance = null;
    return { exports, reason: '' };
  }
  const { module, reason } = compileModule(name, p);
  if (module === null) return { exports: null, reason };
  try {
    return { exports: new (wasmApi()!.Instance)(module, kernelImports).exports as WasmExports, reason: '' };
  } catch (e) {
    return { exports: null, reason: `could not instantiate ${p.wasmLocation(name)}: ${(e as Error).message}` };
  }
}

/** The most memory a 32-bit WASM module can have: 65,536 pages of 64 KiB (4 GiB). */
export const WASM32_MAX_BYTES = 2 ** 32;
