import { empty } from '../creation';
import { ValueError, fmtShape } from '../errors';
import { INT32_MAX, INT32_MIN } from '../int32';
import { Tensor } from '../tensor';

/**
 * Exact int32 sums, or a ValueError when a result does not fit int32. NumPy and PyTorch widen
 * integer sums to int64; tapegrad has no int64, and keeps a result's dtype a function of its
 * inputs' dtypes alone (an int32 sum that came back as float64 for large inputs would change the
 * program's types), so it refuses the overflow instead of wrapping it:
 * `x.astype('float64').sum()` is exact up to 2⁵³.
 *
 * How: each value v = hi·2¹⁶ + lo (hi = v >> 16, 0 ≤ lo < 2¹⁶); the two parts are summed in
 * float64 separately (exact for up to 2³⁷ elements), and hi·2¹⁶ + lo is then exact whenever the
 * true sum fits int32, and far outside int32 when it does not.
 *
 * @example
 * const [hi, lo] = splitInt32(x);
 * joinInt32(x, sumOf(hi), sumOf(lo)); // x's sums, checked
 */
export function splitInt32(x: Tensor): [Tensor, Tensor] {
  const hi = new Float64Array(x.size);
  const lo = new Float64Array(x.size);
  const d = x.data;
  for (let i = 0; i < d.length; i++) {
    hi[i] = d[i] >> 16;
    lo[i] = d[i] & 0xffff;
  }
  return [new Tensor(hi, x.shape), new Tensor(lo, x.shape)];
}

/** The int32 sums from the sums of {@link splitInt32}'s parts, or a ValueError on overflow. */
export function joinInt32(x: Tensor, hi: Tensor, lo: Tensor): Tensor {
  const out = empty(hi.shape, 'int32');
  for (let i = 0; i < hi.size; i++) {
    const v = hi.data[i] * 65536 + lo.data[i];
    if (v < INT32_MIN || v > INT32_MAX) {
      throw new ValueError(
        `sum: the sum of the int32 tensor of shape ${fmtShape(x.shape)} is ${v}, beyond int32's range ` +
          `[${INT32_MIN}, ${INT32_MAX}]; sum x.astype('float64') instead (exact up to 2^53)`,
      );
    }
    out.data[i] = v;
  }
  return out;
}
