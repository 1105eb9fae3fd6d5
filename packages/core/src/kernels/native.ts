/**
 * The native float32 gemm: packages/core/native (C, AVX-512 or AVX2+FMA chosen at run time),
 * built by node-gyp when the package is installed. WASM SIMD stops at 128-bit vectors — 16 flops
 * a cycle, ~45 GFLOP/s on one Zen 5 core — where AVX2 FMA does 32 and AVX-512 64; the native
 * kernel also reads the operands in place instead of copying them into WASM memory. It only
 * replaces `gemm`: every other kernel stays on the active WASM or JS backend. Where the addon did
 * not build (no compiler, not x86-64) or the CPU has neither instruction set, everything runs as
 * before on WASM; `nativeUnavailableReason` says why.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TypedArray } from '../dtype';
import * as matmul from './matmul';
import type { KernelBackend } from './index';
import { ThreadChoice } from './wasm/adaptive';

/** The addon's functions (packages/core/native/binding.c). */
export interface NativeAddon {
  /** 'avx512', 'avx2', or '' when the CPU has neither (the addon is then unusable). */
  isa(): string;
  /** C = op(A)·op(B) in place on Float32Arrays, on up to `threads` threads; throws on bad bounds. */
  sgemm(
    a: Float32Array,
    aOff: number,
    b: Float32Array,
    bOff: number,
    c: Float32Array,
    cOff: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    threads: number,
  ): void;
  /**
   * Switches to the 'avx512' or 'avx2' kernel if the CPU has it (false: unchanged); tests use it
   * to check each kernel this CPU can run. The default is the widest the CPU has.
   */
  useIsa(isa: 'avx512' | 'avx2'): boolean;
  /** Stops the addon's pool threads (the next split gemm starts them again). */
  shutdown(): void;
}

/** Where node-gyp puts the addon: packages/core/build/Release (from src/kernels or dist/kernels). */
export const nativePath = path.join(__dirname, '..', '..', 'build', 'Release', 'tapegrad_native.node');

/** Loads the addon: `addon`, or null and the reason (not built, failed to load, CPU lacks AVX2). */
export function loadNative(file = nativePath): { addon: NativeAddon | null; reason: string } {
  if (!fs.existsSync(file)) return { addon: null, reason: `not built (${file} is missing)` };
  try {
    const mod = { exports: {} as NativeAddon };
    process.dlopen(mod, file);
    const addon = mod.exports;
    if (addon.isa() === '') return { addon: null, reason: 'this CPU has neither AVX2+FMA nor AVX-512' };
    return { addon, reason: '' };
  } catch (e) {
    return { addon: null, reason: `failed to load: ${(e as Error).message}` };
  }
}

/** Size thresholds of the native gemm (m·n·k), measured on the 2-core Zen 5 of the README. */
export const nativeThresholds = {
  /**
   * Below this the JS kernel is faster than the addon call (~0.2 µs of N-API overhead): 4³ takes
   * 0.13 µs in JS and 0.23 natively, 6³ 0.40 and 0.27 (one process, 20,000 calls a sample).
   */
  gemm: 128,
  /**
   * From this size a gemm may be split across the addon's threads: 128³ (2²¹ multiply-adds,
   * ~25 µs on one AVX-512 core) ran 1.4× faster on two threads in `npm run bench`, 64³ not at
   * all. Above it, ThreadChoice keeps whichever of one and all threads has been faster lately.
   */
  threaded: 1 << 21,
  /** Choose by measured time (false: split every gemm above `threaded`; for tests). */
  adaptive: true as boolean,
};

/**
 * `base` with its float32 gemm replaced by the addon's, on up to `threads` threads; float64 and
 * int32 products, and products below nativeThresholds.gemm, stay on the JS kernel. Above
 * nativeThresholds.threaded a product is split when that has been faster lately (ThreadChoice),
 * or always with `adaptive: false`.
 *
 * @example
 * const { addon } = loadNative(); if (addon) setBackend(withNativeGemm(kernels(), addon, 2));
 */
export function withNativeGemm(
  base: KernelBackend,
  addon: NativeAddon,
  threads: number,
  options: { adaptive?: boolean } = {},
): KernelBackend {
  const adaptive = options.adaptive ?? true;
  const choice = new ThreadChoice();
  function gemm(
    a: TypedArray,
    aOff: number,
    b: TypedArray,
    bOff: number,
    c: TypedArray,
    cOff: number,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
  ): void {
    const macs = m * n * k;
    if (
      !(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) ||
      macs < nativeThresholds.gemm
    ) {
      matmul.gemm(a, aOff, b, bOff, c, cOff, m, n, k, transA, transB);
      return;
    }
    if (threads < 2 || macs < nativeThresholds.threaded) {
      addon.sgemm(a, aOff, b, bOff, c, cOff, m, n, k, transA ? 1 : 0, transB ? 1 : 0, 1);
      return;
    }
    if (!adaptive || !nativeThresholds.adaptive) {
      addon.sgemm(a, aOff, b, bOff, c, cOff, m, n, k, transA ? 1 : 0, transB ? 1 : 0, threads);
      return;
    }
    const split = choice.split(macs);
    const t0 = performance.now();
    addon.sgemm(a, aOff, b, bOff, c, cOff, m, n, k, transA ? 1 : 0, transB ? 1 : 0, split ? threads : 1);
    choice.record(macs, split, performance.now() - t0);
  }
  const isa = addon.isa();
  return { ...base, name: `native-${isa}${threads > 1 ? `+${threads}threads` : ''}/${base.name}`, gemm };
}
