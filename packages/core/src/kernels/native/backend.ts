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
import type { TypedArray } from '../../dtype';
import type { KernelBackend } from '../backend';
import { type Float32GemmArgs, float32Gemm, layer } from '../dispatch';
import type { LstmCellArgs, LstmCellGradArgs, LstmSequenceArgs, LstmSequenceGradArgs } from '../recurrent';
import { Threads } from '../threads';
import { thresholds } from '../thresholds';
import type { NativeAddon } from './addon';
import { nativeElementwiseKernels } from './elementwise';
import { KernelSplit } from './split';
import { nativeWindowKernels } from './window';

/**
 * `base` with its float32 gemm replaced by the addon's, on up to `threads` threads, its float32
 * window kernels (im2col, col2im, max pooling, bias, scatter-add, row sums) and large
 * elementwise ones (add, sub, mul, relu, reluGrad, Adam) by the addon's (kernels/native/window.ts,
 * elementwise.ts), and the float32 recurrent-cell kernels (lstmCell, gruCell and their
 * backwards, in place, from thresholds.native.cells = batch·hidden; an LSTM step's batch split
 * across the threads from thresholds.native.cellsThreaded when that has been faster) and the
 * whole-sequence LSTM kernels (lstmSequence and its backward, native/lstm_sequence.c, whose
 * batch is split likewise, once for all steps); float64 and int32, and sizes
 * below thresholds.native, stay on `base`. Above thresholds.native.threaded a product is split
 * when that has been faster lately (Threads), or always with `adaptive: false`.
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
  const f32 = (a: TypedArray | null) => a as Float32Array;
  const sgemm = ({ a, aOff, b, bOff, c, cOff, m, n, k, transA, transB }: Float32GemmArgs, split: boolean): boolean => {
    addon.sgemm(a, aOff, b, bOff, c, cOff, m, n, k, +transA, +transB, split ? threads : 1);
    return true;
  };
  // The LSTM step's kernels, told whether to split the batch across the pool: Threads decides, one
  // for each kernel, as their costs at one size differ.
  const [forwardChoice, backwardChoice] = [
    new Threads(options.adaptive ?? true),
    new Threads(options.adaptive ?? true),
  ];
  const lstmCell = (a: LstmCellArgs, split: boolean): boolean => {
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
      split ? threads : 1,
    );
    return true;
  };
  const lstmCellBackward = (a: LstmCellGradArgs, split: boolean): boolean => {
    addon.lstmCellBackward(
      f32(a.gh),
      a.ghOff,
      f32(a.gc),
      a.gcOff,
      f32(a.ghIn),
      a.ghInOff,
      f32(a.gcIn),
      a.gcInOff,
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
      split ? threads : 1,
    );
    return true;
  };
  // A whole sequence, its batch split across the pool once for all steps (lstm_sequence.c).
  const [sequenceChoice, sequenceBackwardChoice] = [
    new Threads(options.adaptive ?? true),
    new Threads(options.adaptive ?? true),
  ];
  const lstmSequence = (a: LstmSequenceArgs, split: boolean): boolean =>
    addon.lstmSequence(
      f32(a.x),
      f32(a.wIh),
      f32(a.wHh),
      f32(a.bIh),
      f32(a.bHh),
      f32(a.out),
      f32(a.acts),
      f32(a.xh),
      a.steps,
      a.batch,
      a.inSize,
      a.hidden,
      split ? threads : 1,
    );
  const lstmSequenceBackward = (a: LstmSequenceGradArgs, split: boolean): boolean =>
    addon.lstmSequenceBackward(
      f32(a.gy),
      f32(a.acts),
      f32(a.out),
      f32(a.wIh),
      f32(a.wHh),
      f32(a.gGates),
      f32(a.gX),
      f32(a.gState0),
      a.steps,
      a.batch,
      a.inSize,
      a.hidden,
      split ? threads : 1,
    );
  const stepWork = (a: { steps: number; batch: number; hidden: number }): number => a.steps * a.batch * a.hidden;
  const name = `native-${addon.isa()}${threads > 1 ? `+${threads}threads` : ''}/${base.name}`;
  const cells = (batch: number, hidden: number, ...arrays: (TypedArray | null)[]): boolean =>
    batch * hidden >= thresholds.native.cells && arrays.every((a) => a === null || a instanceof Float32Array);
  const split = new KernelSplit(threads, options.adaptive ?? true);
  return layer(name, base, {
    ...nativeWindowKernels(addon, split),
    ...nativeElementwiseKernels(addon, split),
    gemm: {
      gate: (g) => float32Gemm(g, thresholds.native.gemm),
      run: (g) => choice.run(g.m * g.n * g.k, thresholds.native.threaded, threads > 1, sgemm, g as Float32GemmArgs),
    },
    lstmCell: {
      gate: (a) => cells(a.batch, a.hidden, a.xw, a.hw, a.bIh, a.bHh, a.c, a.hOut, a.cOut, a.acts),
      run: (a) => forwardChoice.run(a.batch * a.hidden, thresholds.native.cellsThreaded, threads > 1, lstmCell, a),
    },
    lstmCellBackward: {
      gate: (a) => cells(a.batch, a.hidden, a.gh, a.gc, a.ghIn, a.gcIn, a.acts, a.c, a.gGates, a.gcPrev),
      run: (a) =>
        backwardChoice.run(a.batch * a.hidden, thresholds.native.cellsThreaded, threads > 1, lstmCellBackward, a),
    },
    lstmSequence: {
      gate: (a) => cells(a.batch, a.hidden, a.x, a.wIh, a.wHh, a.bIh, a.bHh, a.out, a.acts, a.xh),
      run: (a) => sequenceChoice.run(stepWork(a), thresholds.native.cellsThreaded, threads > 1, lstmSequence, a),
    },
    lstmSequenceBackward: {
      gate: (a) => cells(a.batch, a.hidden, a.gy, a.acts, a.out, a.wIh, a.wHh, a.gGates, a.gX, a.gState0),
      run: (a) =>
        sequenceBackwardChoice.run(stepWork(a), thresholds.native.cellsThreaded, threads > 1, lstmSequenceBackward, a),
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
