// What the native window-kernel tests (kernels-native-window, kernels-max-pool-backward) share:
// reproducible float32 values with special ones mixed in, and bit-for-bit comparison.

const SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5];

/** float32 values from `seed` in [−2, 2), a seventh of them special (NaN, ±∞, ±0, …) when `special`. */
export function values(n: number, seed: number, special = false): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = special && s % 7 === 0 ? SPECIAL[s % SPECIAL.length] : (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

/** Equal as float32 bit patterns, NaN equal to NaN. */
export const same = (a: Float32Array | Int32Array, b: Float32Array | Int32Array): boolean =>
  a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i])));
