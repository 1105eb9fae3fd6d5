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
  /**
   * im2col on float32 (`g`: the 14 WindowGeometry fields in order); throws on bad bounds. The
   * window and elementwise kernels split a large call over up to `threads` threads.
   */
  im2col(g: Int32Array, x: Float32Array, cols: Float32Array, threads: number): void;
  /** col2im on float32, adding into `x`. */
  col2im(g: Int32Array, cols: Float32Array, x: Float32Array, threads: number): void;
  /** Max pooling on float32 with the winners' indices into x. */
  maxPool2d(g: Int32Array, x: Float32Array, out: Float32Array, idx: Int32Array, threads: number): void;
  /** Max pooling's backward on float32: every element of dx written; throws on an index outside its plane. */
  maxPool2dBackward(g: Int32Array, gy: Float32Array, idx: Int32Array, dx: Float32Array, threads: number): void;
  /** KernelBackend.convForward (`g` as for im2col; bias may be null). */
  convForward(
    ...args: [
      g: Int32Array,
      x: Float32Array,
      w: Float32Array,
      bias: Float32Array | null,
      out: Float32Array,
      groups: number,
      channels: number,
      threads: number,
    ]
  ): void;
  /**
   * KernelBackend.convWeightGrad (gb may be null), its images cut into `ranges` ranges (the
   * configured threads; one for a small call) summed apart and added in order, on up to `threads`
   * threads: the same bits for any `threads`.
   */
  convWeightGrad(
    ...args: [
      g: Int32Array,
      x: Float32Array,
      gy: Float32Array,
      gw: Float32Array,
      gb: Float32Array | null,
      groups: number,
      channels: number,
      threads: number,
      ranges: number,
    ]
  ): void;
  /** y[o, ch, i] += b[ch]. */
  addBias(y: Float32Array, b: Float32Array, outer: number, channels: number, inner: number, threads: number): void;
  /** out[idx[i]] += g[i] for every i < idx.length; throws (writing nothing) on an index outside [0, len). */
  scatterAdd(g: Float32Array, idx: Int32Array, out: Float32Array, len: number): void;
  /** out[r] = Σ x[r, :] over rows×cols, accumulated in double. */
  rowSums(x: Float32Array, rows: number, cols: number, out: Float32Array, threads: number): void;
  /** out[o, i] += Σ_l x[o, l, i] over outer×len×inner (inner > 1), in float, l in order. */
  colSums(x: Float32Array, outer: number, len: number, inner: number, out: Float32Array, threads: number): void;
  /** out = a (op) b over out's length: op 0 add, 1 sub, 2 mul. */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, threads: number): void;
  /** out = relu(x) (op 0) or step(x) (op 1) over out's length. */
  unary(op: number, x: Float32Array, out: Float32Array, threads: number): void;
  /** out = x > 0 ? gy : 0. */
  reluGrad(gy: Float32Array, x: Float32Array, out: Float32Array, threads: number): void;
  /** One Adam step; scalars: stepSize, b1, b2, eps, rootBc2, l2, shrink. */
  adam(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    scalars: Float64Array,
    threads: number,
  ): void;
  /**
   * KernelBackend.lstmCell on Float32Arrays (the record's fields in order; biases may be null),
   * the batch split over up to `threads` threads.
   */
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
      threads: number,
    ]
  ): void;
  /** KernelBackend.lstmCellBackward on Float32Arrays, the batch split over up to `threads` threads. */
  lstmCellBackward(
    ...args: [
      gh: Float32Array,
      ghOff: number,
      gc: Float32Array,
      gcOff: number,
      ghIn: Float32Array | null,
      ghInOff: number,
      gcIn: Float32Array | null,
      gcInOff: number,
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
      threads: number,
    ]
  ): void;
  /**
   * KernelBackend.lstmSequence on Float32Arrays (the record's fields in order; biases may be
   * null), the batch split over up to `threads` threads; false when it could not run (no memory).
   */
  lstmSequence(
    ...args: [
      x: Float32Array,
      wIh: Float32Array,
      wHh: Float32Array,
      bIh: Float32Array | null,
      bHh: Float32Array | null,
      out: Float32Array,
      acts: Float32Array,
      xh: Float32Array | null,
      steps: number,
      batch: number,
      inSize: number,
      hidden: number,
      threads: number,
    ]
  ): boolean;
  /** KernelBackend.lstmSequenceBackward likewise (gX and gState0 may be null). */
  lstmSequenceBackward(
    ...args: [
      gy: Float32Array,
      acts: Float32Array,
      out: Float32Array,
      wIh: Float32Array,
      wHh: Float32Array,
      gGates: Float32Array,
      gX: Float32Array | null,
      gState0: Float32Array | null,
      steps: number,
      batch: number,
      inSize: number,
      hidden: number,
      threads: number,
    ]
  ): boolean;
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
