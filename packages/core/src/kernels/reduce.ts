import type { TypedArray } from '../dtype';

/**
 * Single-axis reductions over the (outer, len, inner) layout: element (o, l, i) of the input is at
 * `(o·len + l)·inner + i`, the result (o, i) at `o·inner + i`. `out` must be zero-filled for sum.
 */

export function sumAxis(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void {
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
}

/** Max (`sign` = 1) or min (`sign` = -1) along the axis; NaN propagates, as NumPy. */
export function extremumAxis(
  x: TypedArray,
  outer: number,
  len: number,
  inner: number,
  sign: 1 | -1,
  out: TypedArray,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = x[o * len * inner + i];
      for (let l = 1; l < len; l++) {
        const v = x[(o * len + l) * inner + i];
        if (v !== v || (sign === 1 ? v > best : v < best)) best = v;
        if (best !== best) break;
      }
      out[o * inner + i] = best;
    }
  }
}

/** Index of the first max (`sign` = 1) or min (`sign` = -1) along the axis. */
export function argExtremumAxis(
  x: TypedArray,
  outer: number,
  len: number,
  inner: number,
  sign: 1 | -1,
  out: Int32Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = x[o * len * inner + i];
      let arg = 0;
      for (let l = 1; l < len; l++) {
        const v = x[(o * len + l) * inner + i];
        if (best !== best) break;
        if (v !== v || (sign === 1 ? v > best : v < best)) {
          best = v;
          arg = l;
        }
      }
      out[o * inner + i] = arg;
    }
  }
}

/** Softmax along the axis, max-shifted so no exponent is positive. */
export function softmaxAxis(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const b = o * len * inner + i;
      let m = -Infinity;
      for (let l = 0; l < len; l++) m = Math.max(m, x[b + l * inner]);
      if (m === -Infinity) m = 0;
      let s = 0;
      for (let l = 0; l < len; l++) {
        const e = Math.exp(x[b + l * inner] - m);
        out[b + l * inner] = e;
        s += e;
      }
      for (let l = 0; l < len; l++) out[b + l * inner] /= s;
    }
  }
}

/**
 * Row-wise softmax of a rows×cols matrix (softmaxAxis with inner = 1, the same arithmetic), also
 * writing each row's Σ exp(x − shift) to `sums` — with the shift (the row max when finite) that
 * gives log Σ exp, as the fused softmax-cross-entropy needs.
 */
export function softmaxRows(x: TypedArray, rows: number, cols: number, out: TypedArray, sums: TypedArray): void {
  for (let r = 0; r < rows; r++) {
    const b = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[b + j]);
    if (m === -Infinity) m = 0;
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const e = Math.exp(x[b + j] - m);
      out[b + j] = e;
      s += e;
    }
    sums[r] = s;
    for (let j = 0; j < cols; j++) out[b + j] /= s;
  }
}

/** log Σ exp along the axis, max-shifted; `out` has the reduced (outer, inner) layout. */
export function logSumExpAxis(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const b = o * len * inner + i;
      let m = -Infinity;
      for (let l = 0; l < len; l++) m = Math.max(m, x[b + l * inner]);
      if (m === -Infinity || m === Infinity) {
        out[o * inner + i] = m;
        continue;
      }
      let s = 0;
      for (let l = 0; l < len; l++) s += Math.exp(x[b + l * inner] - m);
      out[o * inner + i] = m + Math.log(s);
    }
  }
}

/** `np.repeat` along the axis: each slice l is written `repeats` times in a row. */
export function repeatAxis(
  x: TypedArray,
  outer: number,
  len: number,
  inner: number,
  repeats: number,
  out: TypedArray,
): void {
  let d = 0;
  for (let o = 0; o < outer; o++) {
    for (let l = 0; l < len; l++) {
      const s = (o * len + l) * inner;
      for (let r = 0; r < repeats; r++) {
        for (let i = 0; i < inner; i++) out[d++] = x[s + i];
      }
    }
  }
}

/** Picks `idx.length` slices along the axis: out (o, j, i) = x (o, idx[j], i). */
export function gatherAxis(
  x: TypedArray,
  outer: number,
  len: number,
  inner: number,
  idx: Int32Array,
  out: TypedArray,
): void {
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
}

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
export function scatterAddAxis(
  g: TypedArray,
  outer: number,
  len: number,
  inner: number,
  idx: Int32Array,
  out: TypedArray,
): void {
  const k = idx.length;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      const d = (o * len + idx[j]) * inner;
      const s = (o * k + j) * inner;
      for (let i = 0; i < inner; i++) out[d + i] += g[s + i];
    }
  }
}
