/**
 * The native window kernels (packages/core/native/window.c): im2col, col2im, max pooling and its
 * backward (max_pool_backward.c), the per-channel bias, a flat scatter-add and row sums, in C on
 * the typed arrays' own memory. In JS these loops ran 5–15 ms a SimpleConvNet step (figure E); the WASM
 * backend would copy 7 MB of activations in and out for each. Calls of 2¹⁶ elements or more are
 * split across the addon's thread pool (native/window.c).
 */
import type { TypedArray } from '../../dtype';
import type { WindowGeometry } from '../backend';
import { type Accelerations, allFloat32 } from '../dispatch';
import { thresholds } from '../thresholds';
import type { NativeAddon } from './addon';
import { KernelSplit } from './split';

// One geometry record for every call: the addon reads it only during the call.
const fields = new Int32Array(14);
function pack(g: WindowGeometry): Int32Array {
  fields[0] = g.n;
  fields[1] = g.c;
  fields[2] = g.h;
  fields[3] = g.w;
  fields[4] = g.kh;
  fields[5] = g.kw;
  fields[6] = g.sh;
  fields[7] = g.sw;
  fields[8] = g.pt;
  fields[9] = g.pl;
  fields[10] = g.dh;
  fields[11] = g.dw;
  fields[12] = g.oh;
  fields[13] = g.ow;
  return fields;
}

const big = (n: number): boolean => n >= thresholds.native.window;
const f32 = (a: TypedArray): Float32Array => a as Float32Array;

/**
 * The accelerations of the window kernels for `addon`: float32 operands of at least
 * thresholds.native.window elements (large ones split over up to `threads` threads when
 * `split` says so); the rest stays on the base backend.
 *
 * @example
 * layer('native', base, { ...nativeWindowKernels(addon, new KernelSplit(2, true)) });
 */
export function nativeWindowKernels(addon: NativeAddon, split: KernelSplit): Accelerations {
  return {
    im2col: {
      gate: (g, x, cols) => allFloat32(x, cols) && big(cols.length),
      run: (g, x, cols) => split.run('im2col', cols.length, (t) => addon.im2col(pack(g), f32(x), f32(cols), t)),
    },
    col2im: {
      gate: (g, cols, x) => allFloat32(x, cols) && big(cols.length),
      run: (g, cols, x) => split.run('col2im', cols.length, (t) => addon.col2im(pack(g), f32(cols), f32(x), t)),
    },
    maxPool2d: {
      gate: (g, x, out) => allFloat32(x, out) && big(x.length) && x.length < 2 ** 31,
      run: (g, x, out, idx) =>
        split.run('maxPool2d', x.length, (t) => addon.maxPool2d(pack(g), f32(x), f32(out), idx, t)),
    },
    maxPool2dBackward: {
      gate: (g, gy, _idx, dx) => allFloat32(gy, dx) && big(dx.length) && dx.length < 2 ** 31,
      run: (g, gy, idx, dx) =>
        split.run('maxPool2dBackward', dx.length, (t) => addon.maxPool2dBackward(pack(g), f32(gy), idx, f32(dx), t)),
    },
    // A convolution, one image's columns at a time in cache with register tiles over them
    // (native/conv.c): for figure E the gemm packed panels for 100 products of k = 25, the
    // bias was another pass, and the batch's columns 5.8 MB written and read twice a step.
    convForward: {
      gate: (a) => allFloat32(a.x, a.w, a.out) && (a.bias === null || a.bias instanceof Float32Array),
      run: (a) => {
        const bias = a.bias as Float32Array | null;
        return split.run('convForward', a.out.length, (t) =>
          addon.convForward(pack(a.g), f32(a.x), f32(a.w), bias, f32(a.out), a.groups, a.channels, t),
        );
      },
    },
    // Its sums are cut by the configured threads, split or not: the same bits either way.
    convWeightGrad: {
      gate: (a) => allFloat32(a.x, a.gy, a.gw) && (a.gb === null || a.gb instanceof Float32Array),
      run: (a) => {
        const gb = a.gb as Float32Array | null;
        return split.run('convWeightGrad', a.gy.length, (t) =>
          addon.convWeightGrad(pack(a.g), f32(a.x), f32(a.gy), f32(a.gw), gb, a.groups, a.channels, t, split.threads),
        );
      },
    },
    addBias: {
      gate: (y, b, outer, channels, inner) => allFloat32(y, b) && big(outer * channels * inner),
      run: (y, b, outer, channels, inner) =>
        split.run('addBias', y.length, (t) => addon.addBias(f32(y), f32(b), outer, channels, inner, t)),
    },
    // A flat scatter (one axis, no outer or inner extent: gather's backward on a flattened tensor).
    scatterAddAxis: {
      gate: (g, outer, _len, inner, idx, out) => outer === 1 && inner === 1 && allFloat32(g, out) && big(idx.length),
      run: (g, _outer, len, _inner, idx, out) => (addon.scatterAdd(f32(g), idx, f32(out), len), true),
    },
    // Row sums (inner = 1: a bias gradient's sums over positions), accumulated in double as the
    // JS kernel's; column sums (inner > 1: a bias gradient's sums over rows) in float, as its.
    sumAxis: {
      gate: (x, outer, len, inner, out) => allFloat32(x, out) && big(outer * len * inner),
      run: (x, outer, len, inner, out) =>
        inner === 1
          ? split.run('rowSums', outer * len, (t) => addon.rowSums(f32(x), outer, len, f32(out), t))
          : split.run('colSums', outer * len * inner, (t) => addon.colSums(f32(x), outer, len, inner, f32(out), t)),
    },
  };
}
