import { loadNative } from '../src/kernels/native';

// What the native recurrent-kernel tests (kernels-native-cells, kernels-native-lstm-sequence)
// share: the addon, the instruction sets this CPU runs, random arrays and the error measure.

export const { addon, reason } = loadNative();
export const describeNative = addon ? describe : describe.skip;
export const defaultIsa = (addon?.isa() ?? '') as 'avx512' | 'avx2';
/** The instruction sets this CPU runs (each switched to once to find out; the default is restored). */
export const isas = (['avx512', 'avx2'] as const).filter((isa) => addon?.useIsa(isa));
if (addon) addon.useIsa(defaultIsa);

/** n float32 values drawn by `draw`. */
export const f32 = (n: number, draw: () => number) => Float32Array.from({ length: n }, draw);

/** The largest |a − b| over the arrays, relative to b's largest magnitude (at least 1). */
export function worst(a: Float32Array, b: Float32Array): number {
  let scale = 1;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / scale);
  return w;
}
