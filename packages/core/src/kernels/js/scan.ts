import type { KernelBackend } from '../backend';

/**
 * Kernels that walk an axis in order (running sums) or a matrix by position (triangles), on the
 * (outer, len, inner) layout of the reductions.
 */

/** Running sum along the axis, forwards or (`reverse`) backwards; accumulates in float64. */
export const cumsumAxis: KernelBackend['cumsumAxis'] = (x, outer, len, inner, reverse, out) => {
  const first = reverse ? len - 1 : 0;
  const step = reverse ? -inner : inner;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let s = 0;
      for (let l = 0, p = (o * len + first) * inner + i; l < len; l++, p += step) {
        s += x[p];
        out[p] = s;
      }
    }
  }
};

/** Upper (j − i ≥ diagonal) or lower (j − i ≤ diagonal) triangles of a batch of matrices. */
export const triangle: KernelBackend['triangle'] = (x, batch, rows, cols, diagonal, upper, out) => {
  for (let b = 0, p = 0; b < batch; b++) {
    for (let i = 0; i < rows; i++, p += cols) {
      // Columns kept in row i: [i + diagonal, cols) for the upper triangle, [0, i + diagonal] lower.
      const from = upper ? Math.min(Math.max(i + diagonal, 0), cols) : 0;
      const to = upper ? cols : Math.min(Math.max(i + diagonal + 1, 0), cols);
      for (let j = 0; j < from; j++) out[p + j] = 0;
      for (let j = from; j < to; j++) out[p + j] = x[p + j];
      for (let j = to; j < cols; j++) out[p + j] = 0;
    }
  }
};
