/**
 * The native float32 gemm: packages/core/native (C, AVX-512 or AVX2+FMA chosen at run time),
 * built by node-gyp when the package is installed. WASM SIMD stops at 128-bit vectors — 16 flops
 * a cycle, ~45 GFLOP/s on one Zen 5 core — where AVX2 FMA does 32 and AVX-512 64; the native
 * kernel also reads the operands in place instead of copying them into WASM memory. It only
 * replaces `gemm`: every other kernel stays on the backend below (WASM or JS). Where the addon
 * did not build (no compiler, not x86-64) or the CPU has neither instruction set, everything runs
 * as before on WASM; `nativeUnavailableReason()` says why.
 */
import type { TypedArray } from '../../dtype';
import type { KernelBackend } from '../backend';
import { type Float32GemmArgs, float32Gemm, layer } from '../dispatch';
import { Threads } from '../threads';
import { thresholds } from '../thresholds';
import type { NativeAddon } from './addon';

/**
 * `base` with its float32 gemm replaced by the addon's, on up to `threads` threads; float64 and
 * int32 products, and products below thresholds.native.gemm, stay on `base`. Above
 * thresholds.native.threaded a product is split when that has been faster lately (Threads), or
 * always with `adaptive: false`. The float32 recurrent-cell kernels (lstmCell, gruCell and their
 * backwards) run in the addon too, in place, from thresholds.native.cells elements (batch·hidden).
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
  const choice = new Threads(options.adaptive ?? true);
  const sgemm = ({ a, aOff, b, bOff, c, cOff, m, n, k, transA, transB }: Float32GemmArgs, split: boolean): boolean => {
    addon.sgemm(a, aOff, b, bOff, c, cOff, m, n, k, +transA, +transB, split ? threads : 1);
    return true;
  };
  const name = `native-${addon.isa()}${threads > 1 ? `+${threads}threads` : ''}/${base.name}`;
  const cells = (batch: number, hidden: number, ...arrays: (TypedArray | null)[]): boolean =>
    batch * hidden >= thresholds.native.cells && arrays.every((a) => a === null || a instanceof Float32Array);
  const f32 = (a: TypedArray | null) => a as Float32Array;
  return layer(name, base, {
    gemm: {
      gate: (g) => float32Gemm(g, thresholds.native.gemm),
      run: (g) => choice.run(g.m * g.n * g.k, thresholds.native.threaded, threads > 1, sgemm, g as Float32GemmArgs),
    },
    lstmCell: {
      gate: (a) => cells(a.batch, a.hidden, a.xw, a.hw, a.bIh, a.bHh, a.c, a.hOut, a.cOut, a.acts),
      run: (a) => {
        addon.lstmCell(
          f32(a.xw),
          a.xwOff,
          f32(a.hw),
          f32(a.bIh),
          f32(a.bHh),
          f32(a.c),
          a.cOff,
          a.batch,
          a.hidden,
          f32(a.hOut),
          a.hOutOff,
          f32(a.cOut),
          a.cOutOff,
          f32(a.acts),
          a.actsOff,
        );
        return true;
      },
    },
    lstmCellBackward: {
      gate: (a) => cells(a.batch, a.hidden, a.gh, a.gc, a.acts, a.c, a.gGates, a.gcPrev),
      run: (a) => {
        addon.lstmCellBackward(
          f32(a.gh),
          a.ghOff,
          f32(a.gc),
          a.gcOff,
          f32(a.acts),
          a.actsOff,
          f32(a.c),
          a.cOff,
          a.batch,
          a.hidden,
          f32(a.gGates),
          a.gGatesOff,
          f32(a.gcPrev),
          a.gcPrevOff,
        );
        return true;
      },
    },
    gruCell: {
      gate: (a) => cells(a.batch, a.hidden, a.xw, a.hw, a.bIh, a.bHh, a.h, a.out, a.acts),
      run: (a) => {
        addon.gruCell(
          f32(a.xw),
          f32(a.hw),
          f32(a.bIh),
          f32(a.bHh),
          f32(a.h),
          a.batch,
          a.hidden,
          f32(a.out),
          f32(a.acts),
        );
        return true;
      },
    },
    gruCellBackward: {
      gate: (a) => cells(a.batch, a.hidden, a.gOut, a.acts, a.h, a.gXw, a.gHw, a.gH),
      run: (a) => {
        addon.gruCellBackward(f32(a.gOut), f32(a.acts), f32(a.h), a.batch, a.hidden, f32(a.gXw), f32(a.gHw), f32(a.gH));
        return true;
      },
    },
  });
}
