/**
 * The native float32 gemm: packages/core/native (C, AVX-512 or AVX2+FMA chosen at run time),
 * built by node-gyp when the package is installed. WASM SIMD stops at 128-bit vectors — 16 flops
 * a cycle, ~45 GFLOP/s on one Zen 5 core — where AVX2 FMA does 32 and AVX-512 64; the native
 * kernel also reads the operands in place instead of copying them into WASM memory. It replaces
 * `gemm`, the window kernels and the large elementwise ones; every other kernel stays on the
 * backend below (WASM or JS). Where the addon
 * did not build (no compiler, not x86-64) or the CPU has neither instruction set, everything runs
 * as before on WASM; `nativeUnavailableReason()` says why.
 */
import type { KernelBackend } from '../backend';
import { type Float32GemmArgs, float32Gemm, layer } from '../dispatch';
import { Threads } from '../threads';
import { thresholds } from '../thresholds';
import type { NativeAddon } from './addon';
import { nativeElementwiseKernels } from './elementwise';
import { nativeWindowKernels } from './window';

/**
 * `base` with its float32 gemm replaced by the addon's, on up to `threads` threads, its float32
 * window kernels (im2col, col2im, max pooling, bias, scatter-add, row sums) and large
 * elementwise ones (add, sub, mul, relu, reluGrad, Adam) by the addon's (kernels/native/window.ts,
 * elementwise.ts); float64 and int32, and sizes below thresholds.native,
 * stay on `base`. Above thresholds.native.threaded a product is split when that has been faster
 * lately (Threads), or always with `adaptive: false`.
 *
 * @example
 * const { addon } = loadNative(); if (addon) setBackend(withNativeKernels(kernels(), addon, 2));
 */
export function withNativeKernels(
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
  return layer(name, base, {
    ...nativeWindowKernels(addon, threads),
    ...nativeElementwiseKernels(addon, threads),
    gemm: {
      gate: (g) => float32Gemm(g, thresholds.native.gemm),
      run: (g) => choice.run(g.m * g.n * g.k, thresholds.native.threaded, threads > 1, sgemm, g as Float32GemmArgs),
    },
  });
}
