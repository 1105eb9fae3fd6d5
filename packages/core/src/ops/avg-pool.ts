import { type Op, defineOp, runOp } from '../autograd/op';
import { checkBoolean, checkIntTuple, describe } from '../check';
import { empty, zeros } from '../creation';
import { ValueError } from '../errors';
import { type AvgWindows, kernels } from '../kernels';
import { Tensor } from '../tensor';
import { type PoolOptions, poolAttrs, poolOptionsOf, pooled } from './max-pool';

/** An averaging op's attributes: its windows, and the call's options (for exporters). */
export interface AvgPoolAttrs {
  windows: AvgWindows;
  /** avgPool2d: its resolved options; adaptiveAvgPool2d: `{ outputSize }`. */
  options: Readonly<Record<string, unknown>>;
}

/**
 * An averaging op (`avgPool2d`, `adaptiveAvgPool2d`) and its adjoint, each the other's backward;
 * both are linear, so the second derivative through them is exact.
 */
function averaging(name: string): Op<AvgPoolAttrs> {
  const grad: Op<AvgPoolAttrs> = defineOp<AvgPoolAttrs>({
    name: `${name}Backward`,
    forward: ([gy], { windows: win }) => {
      const gx = zeros([...gy.shape.slice(0, 2), win.h, win.w], { dtype: gy.dtype });
      kernels().avgPool2dBackward(win, gy.data, gx.data);
      return gx;
    },
    backward: (gg, node) => [runOp(op, [gg], node.attrs)],
  });
  const op: Op<AvgPoolAttrs> = defineOp<AvgPoolAttrs>({
    name,
    forward: ([x], { windows: win }) => {
      const out = empty([...x.shape.slice(0, 2), win.oh, win.ow], x.dtype);
      kernels().avgPool2d(win, x.data, out.data);
      return out;
    },
    backward: (gy, node) => [runOp(grad, [gy], node.attrs)],
  });
  return op;
}

const avgPool2dOp = averaging('avgPool2d');
const adaptiveAvgPool2dOp = averaging('adaptiveAvgPool2d');

/** Per-axis windows: starts, ends and divisors of `count` outputs. */
interface AxisWindows {
  start: Int32Array;
  end: Int32Array;
  div: Int32Array;
}

function axisWindows(count: number, window: (i: number) => [number, number, number]): AxisWindows {
  const out = { start: new Int32Array(count), end: new Int32Array(count), div: new Int32Array(count) };
  for (let i = 0; i < count; i++) [out.start[i], out.end[i], out.div[i]] = window(i);
  return out;
}

function windowsOf(x: Tensor, rows: AxisWindows, cols: AxisWindows): AvgWindows {
  const [n, c, h, w] = x.shape;
  return {
    planes: n * c,
    h,
    w,
    oh: rows.start.length,
    ow: cols.start.length,
    rowStart: rows.start,
    rowEnd: rows.end,
    rowDiv: rows.div,
    colStart: cols.start,
    colEnd: cols.end,
    colDiv: cols.div,
  };
}

/** Options of {@link avgPool2d}. */
export interface AvgPoolOptions extends PoolOptions {
  /** Count the zero padding in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
}

/**
 * 2-D average pooling (`torch.nn.functional.avg_pool2d`) of x `[N, C, H, W]` (or `[C, H, W]`):
 * the mean of each window. The stride defaults to the kernel size; padding counts as 0, and
 * in the divisor unless `countIncludePad` is false (a window that runs past the padding under
 * `ceilMode` divides by what it covers, as PyTorch).
 *
 * @example
 * avgPool2d(tensor([[[[1, 2], [3, 4]]]]), 2).toArray(); // [[[[2.5]]]]
 * avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false });
 */
export function avgPool2d(x: Tensor, options: AvgPoolOptions | number | readonly number[]): Tensor {
  const fn = 'avgPool2d';
  const o = poolOptionsOf<AvgPoolOptions>(options);
  return pooled(fn, x, (x4) => {
    const known = ['kernelSize', 'stride', 'padding', 'ceilMode', 'countIncludePad'];
    const { win, oh, ow, ceilMode } = poolAttrs(fn, x4, o, known);
    const countIncludePad =
      o.countIncludePad === undefined ? true : checkBoolean(fn, 'countIncludePad', o.countIncludePad);
    const axis = (a: 0 | 1, count: number, size: number): AxisWindows =>
      axisWindows(count, (i) => {
        const start = i * win.stride[a] - win.pads[2 * a];
        const end = Math.min(start + win.kernel[a], size + win.pads[2 * a]);
        const [s, e] = [Math.max(start, 0), Math.min(end, size)];
        return [s, e, countIncludePad ? end - start : e - s];
      });
    const windows = windowsOf(x4, axis(0, oh, x4.shape[2]), axis(1, ow, x4.shape[3]));
    const resolved = {
      kernelSize: win.kernel,
      stride: win.stride,
      padding: [win.pads[0], win.pads[2]],
      ceilMode,
      countIncludePad,
    };
    return runOp(avgPool2dOp, [x4], { windows, options: resolved });
  });
}

/**
 * Adaptive 2-D average pooling (`torch.nn.functional.adaptive_avg_pool2d`): x `[N, C, H, W]` (or
 * `[C, H, W]`) → `[N, C, oh, ow]` for `outputSize` [oh, ow] (one number for both; null keeps the
 * input's extent), output (i, j) averaging rows ⌊i·H/oh⌋ … ⌈(i+1)·H/oh⌉ and likewise columns.
 * `adaptiveAvgPool2d(x, 1)` is global average pooling.
 *
 * @example
 * adaptiveAvgPool2d(tensor([[[[1, 2], [3, 4]]]]), 1).toArray(); // [[[[2.5]]]]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly (number | null)[]): Tensor {
  const fn = 'adaptiveAvgPool2d';
  return pooled(fn, x, (x4) => {
    const [, , h, w] = x4.shape;
    const given = Array.isArray(outputSize) ? outputSize.map((v, a) => (v === null ? [h, w][a] : v)) : outputSize;
    const [oh, ow] = checkIntTuple(fn, 'outputSize', given, 2, { min: 1 });
    if (h === 0 || w === 0) throw new ValueError(`${fn}: x must not be empty, got ${describe(x)}`);
    const axis = (count: number, size: number): AxisWindows =>
      axisWindows(count, (i) => {
        const s = Math.floor((i * size) / count);
        const e = Math.ceil(((i + 1) * size) / count);
        return [s, e, e - s];
      });
    const windows = windowsOf(x4, axis(oh, h), axis(ow, w));
    return runOp(adaptiveAvgPool2dOp, [x4], { windows, options: { outputSize: [oh, ow] } });
  });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * 2-D average pooling of this `[N, C, H, W]` tensor: {@link avgPool2d}.
     *
     * @example
     * randn([1, 3, 8, 8]).avgPool2d(2).shape; // [1, 3, 4, 4]
     */
    avgPool2d(options: AvgPoolOptions | number | readonly number[]): Tensor;
    /**
     * Adaptive 2-D average pooling to `outputSize`: {@link adaptiveAvgPool2d}.
     *
     * @example
     * randn([1, 64, 7, 7]).adaptiveAvgPool2d(1).shape; // [1, 64, 1, 1]
     */
    adaptiveAvgPool2d(outputSize: number | readonly (number | null)[]): Tensor;
  }
}

Tensor.prototype.avgPool2d = function (options) {
  return avgPool2d(this, options);
};
Tensor.prototype.adaptiveAvgPool2d = function (outputSize) {
  return adaptiveAvgPool2d(this, outputSize);
};
