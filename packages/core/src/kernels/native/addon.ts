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
  /** KernelBackend.lstmCell on Float32Arrays (the record's fields in order; biases may be null). */
  lstmCell(
    ...args: [
      xw: Float32Array,
      xwOff: number,
      hw: Float32Array,
      bIh: Float32Array | null,
      bHh: Float32Array | null,
      c: Float32Array,
      cOff: number,
      batch: number,
      hidden: number,
      hOut: Float32Array,
      hOutOff: number,
      cOut: Float32Array,
      cOutOff: number,
      acts: Float32Array,
      actsOff: number,
    ]
  ): void;
  /** KernelBackend.lstmCellBackward on Float32Arrays. */
  lstmCellBackward(
    ...args: [
      gh: Float32Array,
      ghOff: number,
      gc: Float32Array,
      gcOff: number,
      acts: Float32Array,
      actsOff: number,
      c: Float32Array,
      cOff: number,
      batch: number,
      hidden: number,
      gGates: Float32Array,
      gGatesOff: number,
      gcPrev: Float32Array,
      gcPrevOff: number,
    ]
  ): void;
  /** KernelBackend.gruCell on Float32Arrays (biases may be null). */
  gruCell(
    ...args: [
      xw: Float32Array,
      hw: Float32Array,
      bIh: Float32Array | null,
      bHh: Float32Array | null,
      h: Float32Array,
      batch: number,
      hidden: number,
      out: Float32Array,
      acts: Float32Array,
    ]
  ): void;
  /** KernelBackend.gruCellBackward on Float32Arrays. */
  gruCellBackward(
    ...args: [
      gOut: Float32Array,
      acts: Float32Array,
      h: Float32Array,
      batch: number,
      hidden: number,
      gXw: Float32Array,
      gHw: Float32Array,
      gH: Float32Array,
    ]
  ): void;
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
