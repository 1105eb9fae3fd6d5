import { platform } from '../../platform';
import type { Platform } from '../../platform/types';

/** The addon's functions (packages/core/native/binding.c). */
export interface NativeAddon {
  /** 'avx512', 'avx2', or '' when the CPU has neither (the addon is then unusable). */
  isa(): string;
  /**
   * C = op(A)·op(B) in place on Float32Arrays (arguments as GemmArgs, the flags as 0/1), on up
   * to `threads` threads; throws on bad bounds.
   */
  sgemm(
    ...args: [
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
    ]
  ): void;
  /**
   * Switches to the 'avx512' or 'avx2' kernel if the CPU has it (false: unchanged); tests use it
   * to check each kernel this CPU can run. The default is the widest the CPU has.
   */
  useIsa(isa: 'avx512' | 'avx2'): boolean;
  /** Stops the addon's pool threads (the next split gemm starts them again). */
  shutdown(): void;
}

/**
 * Loads the addon through the platform: `addon`, or null and the reason (not built, failed to
 * load, CPU lacks AVX2).
 *
 * @example
 * const { addon, reason } = loadNative(); if (!addon) console.warn(reason);
 */
export function loadNative(p: Platform = platform): { addon: NativeAddon | null; reason: string } {
  const { exports, reason } = p.loadAddon();
  if (exports === null) return { addon: null, reason };
  const addon = exports as NativeAddon;
  if (addon.isa() === '') return { addon: null, reason: 'this CPU has neither AVX2+FMA nor AVX-512' };
  return { addon, reason: '' };
}
