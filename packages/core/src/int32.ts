/**
 * Storing numbers as int32: truncation toward zero (as `torch.tensor(…, dtype=torch.int32)` and
 * NumPy's `astype`), but never the silent 0 of NaN or the wrap-around of 3e9 that a plain
 * `Int32Array` store gives: a value int32 cannot hold is a ValueError naming where it was.
 */
import { ValueError } from './errors';

/** The smallest int32. */
export const INT32_MIN = -2147483648;
/** The largest int32. */
export const INT32_MAX = 2147483647;

/**
 * True when `v` truncated toward zero is an int32 (false for NaN and ±Infinity).
 *
 * @example
 * fitsInt32(2147483647.5); // true
 * fitsInt32(3e9); // false
 */
export function fitsInt32(v: number): boolean {
  return v > INT32_MIN - 1 && v < INT32_MAX + 1;
}

function refuse(fn: string, what: string, v: number): never {
  throw new ValueError(
    `${fn}: ${what} is ${v}, which int32 cannot hold (integers in [${INT32_MIN}, ${INT32_MAX}]); ` +
      `keep it as float32 or float64`,
  );
}

/**
 * `v` truncated toward zero, or a ValueError naming `fn` and `what` when int32 cannot hold it.
 *
 * @example
 * toInt32('fill_', 'value', 2.7); // 2
 * toInt32('fill_', 'value', NaN); // ValueError: fill_: value is NaN, which int32 cannot hold …
 */
export function toInt32(fn: string, what: string, v: number): number {
  if (!fitsInt32(v)) refuse(fn, what, v);
  return Math.trunc(v);
}

/**
 * Copies `src` into `out` as int32 (truncating toward zero), refusing NaN, ±Infinity and values
 * beyond the int32 range with a ValueError that names `fn`, the argument and the index.
 *
 * @example
 * int32Into('tensor', 'values', [1.5, -2], new Int32Array(2)); // [1, -2]
 * int32Into('astype', 'x', new Float32Array([3e9]), new Int32Array(1)); // ValueError: astype: x[0] is 3000000000 …
 */
export function int32Into(fn: string, name: string, src: ArrayLike<number>, out: Int32Array): Int32Array {
  for (let i = 0; i < out.length; i++) {
    const v = src[i];
    if (!fitsInt32(v)) refuse(fn, `${name}[${i}]`, v);
    out[i] = v;
  }
  return out;
}
