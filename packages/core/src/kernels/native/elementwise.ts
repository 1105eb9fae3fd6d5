/**
 * The native elementwise kernels (packages/core/native/elementwise.c) for large float32 tensors:
 * add, sub, mul, relu and its step and backward, and the Adam step, in place on the typed arrays'
 * memory. Below thresholds.native.elementwise the backend underneath (WASM, JS) keeps them: its
 * copies only cost at sizes such as a conv layer's 7 MB activations.
 */
import type { TypedArray } from '../../dtype';
import type { BinaryKernel, UnaryKernel } from '../backend';
import { type Accelerations, allFloat32 } from '../dispatch';
import { thresholds } from '../thresholds';
import type { NativeAddon } from './addon';
import type { KernelSplit } from './split';

const BINARY: Partial<Record<BinaryKernel, number>> = { add: 0, sub: 1, mul: 2 };
const UNARY: Partial<Record<UnaryKernel, number>> = { relu: 0, step: 1 };
const big = (n: number): boolean => n >= thresholds.native.elementwise;
const f32 = (a: TypedArray): Float32Array => a as Float32Array;
const scalars = new Float64Array(7);

/**
 * The elementwise accelerations for `addon` (large calls split over its threads when `split` says so).
 *
 * @example
 * layer('native', base, { ...nativeElementwiseKernels(addon, new KernelSplit(2, true)) });
 */
export function nativeElementwiseKernels(addon: NativeAddon, split: KernelSplit): Accelerations {
  return {
    binary: {
      gate: (kind, a, b, out) => BINARY[kind] !== undefined && allFloat32(a, b, out) && big(out.length),
      run: (kind, a, b, out) =>
        split.run(kind, out.length, (t) => addon.binary(BINARY[kind]!, f32(a), f32(b), f32(out), t)),
    },
    unary: {
      gate: (kind, a, out) => UNARY[kind] !== undefined && allFloat32(a, out) && big(out.length),
      run: (kind, a, out) => split.run(kind, out.length, (t) => addon.unary(UNARY[kind]!, f32(a), f32(out), t)),
    },
    reluGrad: {
      gate: (gy, x, out) => allFloat32(gy, x, out) && big(out.length),
      run: (gy, x, out) => split.run('reluGrad', out.length, (t) => addon.reluGrad(f32(gy), f32(x), f32(out), t)),
    },
    adamStep: {
      gate: (s) => allFloat32(s.w, s.g, s.m) && s.v instanceof Float32Array && big(s.w.length),
      run: (s) => {
        scalars[0] = s.stepSize;
        scalars[1] = s.b1;
        scalars[2] = s.b2;
        scalars[3] = s.eps;
        scalars[4] = s.rootBc2;
        scalars[5] = s.l2;
        scalars[6] = s.shrink;
        return split.run('adam', s.w.length, (t) => addon.adam(f32(s.w), f32(s.g), f32(s.m), f32(s.v), scalars, t));
      },
    },
  };
}
