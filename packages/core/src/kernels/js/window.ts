import type { AvgWindows, KernelBackend, WindowGeometry } from '../backend';

/**
 * Sliding-window kernels: im2col and its adjoint col2im (convolution as a matrix product), max
 * and average pooling. Each walks the windows row by row; the columns of one kernel tap that fall
 * inside the image form one run [j0, j1), found once per tap, so the inner loops have no bounds
 * tests.
 */

/** The window positions j whose tap at offset `off` (= b·dw − pl) lands in [0, w): [j0, j1). */
function validRange(off: number, stride: number, w: number, ow: number): [number, number] {
  const j0 = off >= 0 ? 0 : Math.min(ow, Math.ceil(-off / stride));
  const j1 = Math.max(j0, Math.min(ow, Math.floor((w - 1 - off) / stride) + 1));
  return [j0, j1];
}

/**
 * Calls `row(xBase, colBase, j0, j1, off)` for every (image, channel, tap, output row) whose
 * input row is inside the image, and `empty(colBase)` for the others; x index of position j is
 * `xBase + j·sw + off`, cols index `colBase + j`.
 */
function walk(
  g: WindowGeometry,
  row: (xBase: number, colBase: number, j0: number, j1: number, off: number) => void,
  empty: (colBase: number) => void,
): void {
  const { n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow } = g;
  const l = oh * ow;
  for (let m = 0; m < n * c; m++) {
    const plane = m * h * w;
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const off = b * dw - pl;
        const [j0, j1] = validRange(off, sw, w, ow);
        const rowBase = (m * kh * kw + a * kw + b) * l;
        for (let i = 0; i < oh; i++) {
          const y = i * sh - pt + a * dh;
          if (y < 0 || y >= h) empty(rowBase + i * ow);
          else row(plane + y * w, rowBase + i * ow, j0, j1, off);
        }
      }
    }
  }
}

export const im2col: KernelBackend['im2col'] = (g, x, cols) => {
  const { ow, sw } = g;
  walk(
    g,
    (xb, cb, j0, j1, off) => {
      for (let j = 0; j < j0; j++) cols[cb + j] = 0;
      if (sw === 1) {
        const s = xb + off;
        for (let j = j0; j < j1; j++) cols[cb + j] = x[s + j];
      } else for (let j = j0, p = xb + j0 * sw + off; j < j1; j++, p += sw) cols[cb + j] = x[p];
      for (let j = j1; j < ow; j++) cols[cb + j] = 0;
    },
    (cb) => cols.fill(0, cb, cb + ow),
  );
};

export const col2im: KernelBackend['col2im'] = (g, cols, x) => {
  const { sw } = g;
  walk(
    g,
    (xb, cb, j0, j1, off) => {
      for (let j = j0, p = xb + j0 * sw + off; j < j1; j++, p += sw) x[p] += cols[cb + j];
    },
    () => {},
  );
};

export const maxPool2d: KernelBackend['maxPool2d'] = (g, x, out, idx) => {
  const { n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow } = g;
  for (let m = 0; m < n * c; m++) {
    const plane = m * h * w;
    for (let i = 0; i < oh; i++) {
      // The taps of window row i inside the image: y0, y0 + dh, … below y1.
      let y0 = i * sh - pt;
      const y1 = Math.min(y0 + (kh - 1) * dh + 1, h);
      while (y0 < 0) y0 += dh;
      for (let j = 0; j < ow; j++) {
        let x0 = j * sw - pl;
        const x1 = Math.min(x0 + (kw - 1) * dw + 1, w);
        while (x0 < 0) x0 += dw;
        let best = -Infinity;
        let at = plane + y0 * w + x0;
        for (let y = y0; y < y1; y += dh) {
          for (let p = plane + y * w + x0, end = plane + y * w + x1; p < end; p += dw) {
            const v = x[p];
            // A NaN wins wherever it is (PyTorch: val > max || isnan(val)); ties keep the first.
            if (v > best || v !== v) {
              best = v;
              at = p;
            }
          }
        }
        const o = (m * oh + i) * ow + j;
        out[o] = best;
        idx[o] = at;
      }
    }
  }
};

export const maxPool2dBackward: KernelBackend['maxPool2dBackward'] = (g, gy, idx, dx) => {
  const { n, c, h, w, oh, ow } = g;
  const hw = h * w;
  const l = oh * ow;
  // Plane by plane: the zeros and the plane's gradients meet in cache, so dx is written once.
  for (let m = 0; m < n * c; m++) {
    dx.fill(0, m * hw, (m + 1) * hw);
    for (let o = m * l; o < (m + 1) * l; o++) dx[idx[o]] += gy[o];
  }
};

export const addBias: KernelBackend['addBias'] = (y, b, outer, channels, inner) => {
  for (let o = 0, p = 0; o < outer; o++) {
    for (let ch = 0; ch < channels; ch++) {
      const v = b[ch];
      for (const end = p + inner; p < end; p++) y[p] += v;
    }
  }
};

function eachWindow(
  win: AvgWindows,
  fn: (plane: number, o: number, y0: number, y1: number, x0: number, x1: number, div: number) => void,
): void {
  const { planes, h, w, oh, ow, rowStart, rowEnd, rowDiv, colStart, colEnd, colDiv } = win;
  for (let m = 0; m < planes; m++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        fn(m * h * w, (m * oh + i) * ow + j, rowStart[i], rowEnd[i], colStart[j], colEnd[j], rowDiv[i] * colDiv[j]);
      }
    }
  }
}

export const avgPool2d: KernelBackend['avgPool2d'] = (win, x, out) => {
  const { w } = win;
  eachWindow(win, (plane, o, y0, y1, x0, x1, div) => {
    let s = 0;
    for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) s += x[plane + y * w + xx];
    out[o] = s / div;
  });
};

export const avgPool2dBackward: KernelBackend['avgPool2dBackward'] = (win, gy, gx) => {
  const { w } = win;
  eachWindow(win, (plane, o, y0, y1, x0, x1, div) => {
    const v = gy[o] / div;
    for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) gx[plane + y * w + xx] += v;
  });
};
