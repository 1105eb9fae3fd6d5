/**
 * The float64 reference of the windowed ops (convolutions, pooling, padding, im2col/col2im,
 * batch norm) for the bad-input suite, written the slow, obvious way: loops over every output
 * element and every tap, straight from PyTorch's definitions.
 */
import type { Nd } from './reference';

/** Geometry of a 2-d window: per axis [H, W]. */
export interface Win {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
}

const at4 = (x: Nd, n: number, c: number, i: number, j: number): number => {
  const [, C, H, W] = x.shape;
  return i < 0 || j < 0 || i >= H || j >= W ? NaN : x.data[((n * C + c) * H + i) * W + j];
};

const extent = (size: number, a: 0 | 1, w: Win): number =>
  Math.floor((size + 2 * w.padding[a] - w.dilation[a] * (w.kernel[a] - 1) - 1) / w.stride[a]) + 1;

/** conv2d: x [N, C, H, W], weight [O, C/groups, kh, kw], bias [O] or null. */
export function conv2dRef(x: Nd, weight: Nd, bias: Nd | null, w: Win, groups: number): Nd {
  const [n, c, h, wd] = x.shape;
  const [o, cg] = weight.shape;
  const [oh, ow] = [extent(h, 0, w), extent(wd, 1, w)];
  const data: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          let s = bias === null ? 0 : bias.data[oc];
          const g = Math.floor(oc / (o / groups));
          for (let k = 0; k < cg; k++)
            for (let p = 0; p < w.kernel[0]; p++)
              for (let q = 0; q < w.kernel[1]; q++) {
                const v = at4(
                  x,
                  b,
                  g * cg + k,
                  i * w.stride[0] - w.padding[0] + p * w.dilation[0],
                  j * w.stride[1] - w.padding[1] + q * w.dilation[1],
                );
                if (!Number.isNaN(v)) s += v * weight.data[((oc * cg + k) * w.kernel[0] + p) * w.kernel[1] + q];
              }
          data.push(s);
        }
  void c;
  return { shape: [n, o, oh, ow], data };
}

/** convTranspose2d: x [N, in, H, W], weight [in, out/groups, kh, kw]; every input scatters. */
export function convTranspose2dRef(
  x: Nd,
  weight: Nd,
  bias: Nd | null,
  w: Win,
  groups: number,
  outputPadding: [number, number],
): Nd {
  const [n, cin, h, wd] = x.shape;
  const og = weight.shape[1];
  const out = og * groups;
  const size = (s: number, a: 0 | 1): number =>
    (s - 1) * w.stride[a] - 2 * w.padding[a] + w.dilation[a] * (w.kernel[a] - 1) + outputPadding[a] + 1;
  const [oh, ow] = [size(h, 0), size(wd, 1)];
  const data = new Array<number>(n * out * oh * ow).fill(0);
  for (let b = 0; b < n; b++)
    for (let ic = 0; ic < cin; ic++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < wd; j++)
          for (let k = 0; k < og; k++)
            for (let p = 0; p < w.kernel[0]; p++)
              for (let q = 0; q < w.kernel[1]; q++) {
                const y = i * w.stride[0] - w.padding[0] + p * w.dilation[0];
                const z = j * w.stride[1] - w.padding[1] + q * w.dilation[1];
                if (y < 0 || z < 0 || y >= oh || z >= ow) continue;
                const oc = Math.floor(ic / (cin / groups)) * og + k;
                data[((b * out + oc) * oh + y) * ow + z] +=
                  at4(x, b, ic, i, j) * weight.data[((ic * og + k) * w.kernel[0] + p) * w.kernel[1] + q];
              }
  if (bias !== null) data.forEach((_, k) => (data[k] += bias.data[Math.floor(k / (oh * ow)) % out]));
  return { shape: [n, out, oh, ow], data };
}

/** Windows along one axis under ceil mode (the last one must start inside the input or left padding). */
function windowCount(size: number, a: 0 | 1, w: Win, ceil: boolean): number {
  const span = w.dilation[a] * (w.kernel[a] - 1) + 1;
  const room = size + 2 * w.padding[a] - span;
  let count = (ceil ? Math.ceil(room / w.stride[a]) : Math.floor(room / w.stride[a])) + 1;
  if (ceil && (count - 1) * w.stride[a] >= size + w.padding[a]) count--;
  return count;
}

/** maxPool2d (padding −∞) or avgPool2d (padding 0, the divisor as PyTorch's). */
export function poolRef(x: Nd, w: Win, ceil: boolean, kind: 'max' | 'avg', countIncludePad = true): Nd {
  const [n, c, h, wd] = x.shape;
  const [oh, ow] = [windowCount(h, 0, w, ceil), windowCount(wd, 1, w, ceil)];
  const data: number[] = [];
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          const [i0, j0] = [i * w.stride[0] - w.padding[0], j * w.stride[1] - w.padding[1]];
          const vs: number[] = [];
          for (let p = 0; p < w.kernel[0]; p++)
            for (let q = 0; q < w.kernel[1]; q++) {
              const v = at4(x, b, ch, i0 + p * w.dilation[0], j0 + q * w.dilation[1]);
              if (!Number.isNaN(v)) vs.push(v);
            }
          if (kind === 'max') data.push(Math.max(...vs));
          else {
            const [i1, j1] = [
              Math.min(i0 + w.kernel[0], h + w.padding[0]),
              Math.min(j0 + w.kernel[1], wd + w.padding[1]),
            ];
            const div = countIncludePad ? (i1 - i0) * (j1 - j0) : vs.length;
            data.push(vs.reduce((s, v) => s + v, 0) / div);
          }
        }
  return { shape: [n, c, oh, ow], data };
}

/** adaptiveAvgPool2d: rows ⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉. */
export function adaptiveRef(x: Nd, oh: number, ow: number): Nd {
  const [n, c, h, wd] = x.shape;
  const data: number[] = [];
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          const [r0, r1] = [Math.floor((i * h) / oh), Math.ceil(((i + 1) * h) / oh)];
          const [c0, c1] = [Math.floor((j * wd) / ow), Math.ceil(((j + 1) * wd) / ow)];
          let s = 0;
          for (let r = r0; r < r1; r++) for (let q = c0; q < c1; q++) s += at4(x, b, ch, r, q);
          data.push(s / ((r1 - r0) * (c1 - c0)));
        }
  return { shape: [n, c, oh, ow], data };
}

/** im2col: [N, C·kh·kw, L]. */
export function im2colRef(x: Nd, w: Win): Nd {
  const [n, c, h, wd] = x.shape;
  const [oh, ow] = [extent(h, 0, w), extent(wd, 1, w)];
  const rows = c * w.kernel[0] * w.kernel[1];
  const data: number[] = [];
  for (let b = 0; b < n; b++)
    for (let r = 0; r < rows; r++) {
      const [ch, p, q] = [
        Math.floor(r / (w.kernel[0] * w.kernel[1])),
        Math.floor(r / w.kernel[1]) % w.kernel[0],
        r % w.kernel[1],
      ];
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++) {
          const v = at4(
            x,
            b,
            ch,
            i * w.stride[0] - w.padding[0] + p * w.dilation[0],
            j * w.stride[1] - w.padding[1] + q * w.dilation[1],
          );
          data.push(Number.isNaN(v) ? 0 : v);
        }
    }
  return { shape: [n, rows, oh * ow], data };
}

/** col2im: the adjoint of im2col for an image [N, C, H, W]. */
export function col2imRef(cols: Nd, h: number, wd: number, w: Win): Nd {
  const [n, rows] = cols.shape;
  const c = rows / (w.kernel[0] * w.kernel[1]);
  const [oh, ow] = [extent(h, 0, w), extent(wd, 1, w)];
  const data = new Array<number>(n * c * h * wd).fill(0);
  let k = 0;
  for (let b = 0; b < n; b++)
    for (let r = 0; r < rows; r++) {
      const [ch, p, q] = [
        Math.floor(r / (w.kernel[0] * w.kernel[1])),
        Math.floor(r / w.kernel[1]) % w.kernel[0],
        r % w.kernel[1],
      ];
      for (let i = 0; i < oh; i++)
        for (let j = 0; j < ow; j++, k++) {
          const [y, z] = [
            i * w.stride[0] - w.padding[0] + p * w.dilation[0],
            j * w.stride[1] - w.padding[1] + q * w.dilation[1],
          ];
          if (y >= 0 && z >= 0 && y < h && z < wd) data[((b * c + ch) * h + y) * wd + z] += cols.data[k];
        }
    }
  return { shape: [n, c, h, wd], data };
}

/** pad with [before, after] per axis: constant, reflect or replicate. */
export function padRef(x: Nd, widths: [number, number][], mode: string, value: number): Nd {
  const shape = x.shape.map((d, a) => d + widths[a][0] + widths[a][1]);
  const total = shape.reduce((p, d) => p * d, 1);
  const data: number[] = [];
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let offset = 0;
    let outside = false;
    for (let a = shape.length - 1, stride = 1; a >= 0; a--) {
      const i = rest % shape[a];
      rest = Math.floor(rest / shape[a]);
      const n = x.shape[a];
      let s = i - widths[a][0];
      if (s < 0 || s >= n) {
        if (mode === 'constant') outside = true;
        else if (mode === 'replicate') s = Math.min(Math.max(s, 0), n - 1);
        else s = s < 0 ? -s : 2 * (n - 1) - s;
      }
      offset += s * stride;
      stride *= n;
    }
    data.push(outside ? value : x.data[offset]);
  }
  return { shape, data };
}
