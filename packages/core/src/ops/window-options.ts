/**
 * The arguments the windowed ops share (convolution, im2col/col2im, pooling): checking them,
 * resolving PyTorch's defaults and padding modes, and the output extents. Everything is 2-D
 * inside: a 1-D op is a 2-D one over a single row (h = kh = 1).
 */
import { checkIntTuple, checkOneOf } from '../check';
import { ShapeError, ValueError, fmtShape } from '../errors';
import type { WindowGeometry } from '../kernels';

/** A 2-D window: kernel, stride, dilation and padding (before and after, per axis). */
export interface Window2d {
  /** [kh, kw] */
  readonly kernel: readonly [number, number];
  /** [sh, sw] */
  readonly stride: readonly [number, number];
  /** [dh, dw] */
  readonly dilation: readonly [number, number];
  /** [top, bottom, left, right] (ONNX's `pads` order is [top, left, bottom, right]). */
  readonly pads: readonly [number, number, number, number];
}

/** Padding as the conv ops take it: per axis (or one for all), or PyTorch's 'same' / 'valid'. */
export type Padding = number | readonly number[] | 'same' | 'valid';

/** Spatial axes of an op: 1 (conv1d) or 2. */
export type SpatialDims = 1 | 2;

/** A per-axis argument of `dims` axes, as 2-D: [1, v] for a 1-D op. */
export function tupleArg(fn: string, name: string, v: unknown, dims: SpatialDims, min: number): [number, number] {
  const t = checkIntTuple(fn, name, v, dims, { min });
  return dims === 1 ? [name === 'padding' ? 0 : 1, t[0]] : [t[0], t[1]];
}

/**
 * Resolves `padding` for a kernel of (2-D) extent `kernel` with `dilation`: 'valid' is none,
 * 'same' pads so the output has the input's extent (the odd pixel after, as PyTorch), which
 * needs stride 1 (a ValueError otherwise, as PyTorch).
 */
export function resolvePadding(
  fn: string,
  padding: unknown,
  dims: SpatialDims,
  kernel: readonly [number, number],
  dilation: readonly [number, number],
  stride: readonly [number, number],
): [number, number, number, number] {
  if (typeof padding === 'string') {
    const mode = checkOneOf(fn, 'padding', padding, ['same', 'valid'] as const);
    if (mode === 'valid') return [0, 0, 0, 0];
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new ValueError(`${fn}: padding 'same' needs stride 1, got stride ${fmtStride(stride, dims)}`);
    }
    const total = [0, 1].map((a) => dilation[a] * (kernel[a] - 1));
    return [total[0] >> 1, total[0] - (total[0] >> 1), total[1] >> 1, total[1] - (total[1] >> 1)];
  }
  const [ph, pw] = tupleArg(fn, 'padding', padding, dims, 0);
  return [ph, ph, pw, pw];
}

function fmtStride(stride: readonly [number, number], dims: SpatialDims): string {
  return dims === 1 ? String(stride[1]) : `[${stride.join(', ')}]`;
}

/**
 * The number of window positions along an axis of extent `size`, or a ShapeError naming `fn`
 * when the (dilated) kernel does not fit the padded input. With `ceilMode` a last, partial
 * window counts too, provided it starts inside the input or its leading padding (PyTorch's rule).
 */
export function windowCount(
  fn: string,
  shapes: () => string,
  size: number,
  kernel: number,
  stride: number,
  before: number,
  after: number,
  dilation: number,
  ceilMode = false,
): number {
  const span = dilation * (kernel - 1) + 1;
  const room = size + before + after - span;
  if (room < 0) {
    throw new ShapeError(
      `${fn}: kernel of extent ${span}${dilation > 1 ? ` (dilated)` : ''} is larger than the padded input ` +
        `(${size} + ${before + after} padding): ${shapes()}`,
    );
  }
  let count = Math.floor(room / stride) + 1;
  if (ceilMode && room % stride !== 0) {
    count += 1;
    if ((count - 1) * stride >= size + before) count -= 1;
  }
  return count;
}

/** The kernel geometry of `win` over an [n, c, h, w] input with oh×ow window positions. */
export function geometryOf(win: Window2d, input: readonly number[], oh: number, ow: number): WindowGeometry {
  const [n, c, h, w] = input;
  return {
    n,
    c,
    h,
    w,
    kh: win.kernel[0],
    kw: win.kernel[1],
    sh: win.stride[0],
    sw: win.stride[1],
    pt: win.pads[0],
    pl: win.pads[2],
    dh: win.dilation[0],
    dw: win.dilation[1],
    oh,
    ow,
  };
}

/** The window positions of `win` over an input of spatial extent h×w (a ShapeError if none fit). */
export function outputExtent(fn: string, shapes: () => string, win: Window2d, h: number, w: number): [number, number] {
  const { kernel: k, stride: s, pads: p, dilation: d } = win;
  return [
    windowCount(fn, shapes, h, k[0], s[0], p[0], p[1], d[0]),
    windowCount(fn, shapes, w, k[1], s[1], p[2], p[3], d[1]),
  ];
}

/** [n, c, h, w] of an input of rank dims + 2 ([n, c, l] is [n, c, 1, l]). */
export function as4d(shape: readonly number[]): [number, number, number, number] {
  return shape.length === 3 ? [shape[0], shape[1], 1, shape[2]] : [shape[0], shape[1], shape[2], shape[3]];
}

/** "x is [1,3,8,8], weight is [4,3,3,3]" for error messages. */
export function describeShapes(parts: readonly (readonly [string, { shape: readonly number[] } | null])[]): string {
  return parts
    .filter(([, t]) => t !== null)
    .map(([name, t]) => `${name} is ${fmtShape(t!.shape)}`)
    .join(', ');
}
