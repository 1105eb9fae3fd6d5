import type { TypedArray } from '../../dtype';
import type { KernelBackend } from '../backend';

/**
 * Single-axis reductions over the (outer, len, inner) layout: element (o, l, i) of the input is at
 * `(o·len + l)·inner + i`, the result (o, i) at `o·inner + i`. `out` must be zero-filled for sum.
 */

export const sumAxis: KernelBackend['sumAxis'] = (x, outer, len, inner, out) => {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let s = 0;
      const base = o * len;
      for (let l = 0; l < len; l++) s += x[base + l];
      out[o] = s;
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const ob = o * inner;
    for (let l = 0; l < len; l++) {
      const xb = (o * len + l) * inner;
      for (let i = 0; i < inner; i++) out[ob + i] += x[xb + i];
    }
  }
};

/**
 * The position (0 … len−1) of the first max (`sign` 1) or min (−1) of a line of `len` values of
 * `x` from `b`, `step` apart; a NaN wins (it propagates, as NumPy).
 */
function extremumAt(x: TypedArray, b: number, step: number, len: number, sign: 1 | -1): number {
  let best = x[b];
  let at = 0;
  for (let l = 1, p = b + step; l < len && best === best; l++, p += step) {
    const v = x[p];
    if (v !== v || (sign === 1 ? v > best : v < best)) {
      best = v;
      at = l;
    }
  }
  return at;
}

/** Max (`sign` = 1) or min (`sign` = -1) along the axis; NaN propagates, as NumPy. */
export const extremumAxis: KernelBackend['extremumAxis'] = (x, outer, len, inner, sign, out) => {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const b = o * len * inner + i;
      out[o * inner + i] = x[b + extremumAt(x, b, inner, len, sign) * inner];
    }
  }
};

/** Index of the first max (`sign` = 1) or min (`sign` = -1) along the axis. */
export const argExtremumAxis: KernelBackend['argExtremumAxis'] = (x, outer, len, inner, sign, out) => {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) out[o * inner + i] = extremumAt(x, o * len * inner + i, inner, len, sign);
  }
};

/** The largest of `len` values of `x` from `b`, `step` apart (NaN if any is NaN). */
function lineMax(x: TypedArray, b: number, step: number, len: number): number {
  let m = -Infinity;
  for (let l = 0, p = b; l < len; l++, p += step) m = Math.max(m, x[p]);
  return m;
}

/**
 * Softmax of one line (`len` values from `b`, `step` apart) into the same positions of `out`,
 * shifted by the line's max (0 when that is −∞) so no exponent is positive; returns
 * Σ exp(x − shift).
 */
function softmaxLine(x: TypedArray, out: TypedArray, b: number, step: number, len: number): number {
  let m = lineMax(x, b, step, len);
  if (m === -Infinity) m = 0;
  let s = 0;
  for (let l = 0, p = b; l < len; l++, p += step) {
    const e = Math.exp(x[p] - m);
    out[p] = e;
    s += e;
  }
  for (let l = 0, p = b; l < len; l++, p += step) out[p] /= s;
  return s;
}

/** Softmax along the axis, max-shifted so no exponent is positive. */
export const softmaxAxis: KernelBackend['softmaxAxis'] = (x, outer, len, inner, out) => {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) softmaxLine(x, out, o * len * inner + i, inner, len);
  }
};

/**
 * Row-wise softmax of a rows×cols matrix (softmaxAxis with inner = 1, the same arithmetic), also
 * writing each row's Σ exp(x − shift) to `sums` — with the shift (the row max when finite) that
 * gives log Σ exp, as the fused softmax-cross-entropy needs.
 */
export const softmaxRows: KernelBackend['softmaxRows'] = (x, rows, cols, out, sums) => {
  for (let r = 0; r < rows; r++) sums[r] = softmaxLine(x, out, r * cols, 1, cols);
};

/** log Σ exp along the axis, max-shifted; `out` has the reduced (outer, inner) layout. */
export const logSumExpAxis: KernelBackend['logSumExpAxis'] = (x, outer, len, inner, out) => {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const b = o * len * inner + i;
      const m = lineMax(x, b, inner, len);
      if (m === -Infinity || m === Infinity) {
        out[o * inner + i] = m;
        continue;
      }
      let s = 0;
      for (let l = 0, p = b; l < len; l++, p += inner) s += Math.exp(x[p] - m);
      out[o * inner + i] = m + Math.log(s);
    }
  }
};

/** `np.repeat` along the axis: each slice l is written `repeats` times in a row. */
export const repeatAxis: KernelBackend['repeatAxis'] = (x, outer, len, inner, repeats, out) => {
  let d = 0;
  for (let o = 0; o < outer; o++) {
    for (let l = 0; l < len; l++) {
      const s = (o * len + l) * inner;
      for (let r = 0; r < repeats; r++) {
        for (let i = 0; i < inner; i++) out[d++] = x[s + i];
      }
    }
  }
};

/** Picks `idx.length` slices along the axis: out (o, j, i) = x (o, idx[j], i). */
export const gatherAxis: KernelBackend['gatherAxis'] = (x, outer, len, inner, idx, out) => {
  const k = idx.length;
  // Long rows (a batch of images) are block copies; short ones a plain loop.
  const block = inner >= 16 && x.constructor === out.constructor;
  for (let o = 0; o < outer; o++) {
    if (block && inner >= 256) touchRows(x, o * len, inner, idx);
    for (let j = 0; j < k; j++) {
      const s = (o * len + idx[j]) * inner;
      const d = (o * k + j) * inner;
      if (block) out.set(x.subarray(s, s + inner), d);
      else for (let i = 0; i < inner; i++) out[d + i] = x[s + i];
    }
  }
};

/** What touchRows read, stored so the reads cannot be optimised away. */
const touched = new Float64Array(1);

// Reads one value in every 4 KB page of each picked row (and its last value) before the rows are
// copied: the reads are independent, so the cache and TLB misses of all rows overlap, where the
// copies would take them one row at a time (100 random MNIST rows out of 188 MB: 42 → 32 µs).
function touchRows(x: TypedArray, first: number, inner: number, idx: Int32Array): void {
  let t = 0;
  for (let j = 0; j < idx.length; j++) {
    const s = (first + idx[j]) * inner;
    for (let i = 0; i < inner; i += 1024) t += x[s + i];
    t += x[s + inner - 1];
  }
  touched[0] = t;
}

/** The adjoint of gatherAxis: out (o, idx[j], i) += g (o, j, i); `out` zero-filled. */
export const scatterAddAxis: KernelBackend['scatterAddAxis'] = (g, outer, len, inner, idx, out) => {
  const k = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const d = (o * len + idx[j]) * inner;
      const s = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) out[d + i] += g[s + i];
    }
  }
};
