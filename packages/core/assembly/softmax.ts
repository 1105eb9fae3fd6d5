// Row-wise softmax of a row-major float32 matrix, the layout of logits [N, C]: the softmax op
// along the last axis and the fused softmax-cross-entropy both run it.
import { expV } from './math';

/**
 * out[r, :] = exp(x[r, :] − shift) / Σ exp(x[r, :] − shift), shift = the row's max (0 when the
 * max is −∞, as the JS kernel; a NaN anywhere in the row makes the row NaN), and sums[r] = that
 * Σ (before normalising). Rows are `cols` floats apart, unaligned.
 */
export function softmaxRowsF32(x: usize, rows: i32, cols: i32, out: usize, sums: usize): void {
  const rowBytes = <usize>cols << 2;
  const vecEnd = <usize>(cols & ~3) << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const orow = out + <usize>r * rowBytes;
    // Max, NaN-propagating (f32.max / f32x4.max propagate NaN, as Math.max).
    let mv = f32x4.splat(-Infinity);
    let j: usize = 0;
    for (; j < vecEnd; j += 16) mv = f32x4.max(mv, v128.load(xr + j));
    let m = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; j < rowBytes; j += 4) m = max(m, load<f32>(xr + j));
    if (m == -Infinity) m = 0;
    const shift = f32x4.splat(m);
    // Exponentials into out, and their sum.
    let sv = f32x4.splat(0);
    j = 0;
    for (; j < vecEnd; j += 16) {
      const e = expV(f32x4.sub(v128.load(xr + j), shift));
      v128.store(orow + j, e);
      sv = f32x4.add(sv, e);
    }
    let s = (f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1)) + (f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3));
    for (; j < rowBytes; j += 4) {
      const e = f32x4.extract_lane(expV(f32x4.splat(load<f32>(xr + j) - m)), 0);
      store<f32>(orow + j, e);
      s += e;
    }
    store<f32>(sums + (<usize>r << 2), s);
    const sd = f32x4.splat(s);
    j = 0;
    for (; j < vecEnd; j += 16) v128.store(orow + j, f32x4.div(v128.load(orow + j), sd));
    for (; j < rowBytes; j += 4) store<f32>(orow + j, load<f32>(orow + j) / s);
  }
}
