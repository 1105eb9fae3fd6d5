import { type Op, defineOp, runOp } from '../autograd/op';
import { checkOptions, checkTensor, checkIntTuple } from '../check';
import { empty, zeros } from '../creation';
import { ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { checkFloat } from './util';
import { type Window2d, geometryOf, outputExtent, tupleArg } from './window-options';

/** A window and its number of positions; `shape` is the image's [n, c, h, w]. */
interface ColsAttrs {
  win: Window2d;
  oh: number;
  ow: number;
  shape: readonly number[];
}

/** x [n, c, h, w] → [n, c·kh·kw, oh·ow]; its adjoint (and backward) is col2im. */
const im2colOp: Op<ColsAttrs> = defineOp<ColsAttrs>({
  name: 'im2col',
  forward: ([x], { win, oh, ow }) => {
    const [n, c] = x.shape;
    const out = empty([n, c * win.kernel[0] * win.kernel[1], oh * ow], x.dtype);
    kernels().im2col(geometryOf(win, x.shape, oh, ow), x.data, out.data);
    return out;
  },
  backward: (gy, node) => [runOp(col2imOp, [gy], node.attrs)],
});

/** cols [n, c·kh·kw, oh·ow] → the image `shape`, overlaps summed; its adjoint (and backward) is im2col. */
const col2imOp: Op<ColsAttrs> = defineOp<ColsAttrs>({
  name: 'col2im',
  forward: ([cols], { win, oh, ow, shape }) => {
    const out = zeros(shape, { dtype: cols.dtype });
    kernels().col2im(geometryOf(win, shape, oh, ow), cols.data, out.data);
    return out;
  },
  backward: (gg, node) => [runOp(im2colOp, [gg], node.attrs)],
});

/**
 * @internal im2col as a tape node, on checked arguments: x [n, c, h, w] with oh×ow positions of `win`.
 */
export function unfoldWindows(x: Tensor, win: Window2d, oh: number, ow: number): Tensor {
  return runOp(im2colOp, [x], { win, oh, ow, shape: x.shape });
}

/** @internal col2im as a tape node, on checked arguments: cols of `shape`'s oh×ow positions of `win`. */
export function foldWindows(cols: Tensor, win: Window2d, oh: number, ow: number, shape: readonly number[]): Tensor {
  return runOp(col2imOp, [cols], { win, oh, ow, shape });
}

/** Options of {@link im2col} and {@link col2im} (PyTorch's `unfold` / `fold`). */
export interface FoldOptions {
  /** Window step, per axis or one for both (default 1). */
  stride?: number | readonly number[];
  /** Zeros around the image, per axis or one for both (default 0). */
  padding?: number | readonly number[];
  /** Spacing of the kernel taps (default 1). */
  dilation?: number | readonly number[];
}

function windowOf(fn: string, kernelSize: unknown, options: FoldOptions | undefined): Window2d {
  const o = checkOptions(fn, options, ['stride', 'padding', 'dilation']);
  const [ph, pw] = tupleArg(fn, 'padding', o.padding ?? 0, 2, 0);
  return {
    kernel: tupleArg(fn, 'kernelSize', kernelSize, 2, 1),
    stride: tupleArg(fn, 'stride', o.stride ?? 1, 2, 1),
    dilation: tupleArg(fn, 'dilation', o.dilation ?? 1, 2, 1),
    pads: [ph, ph, pw, pw],
  };
}

/**
 * The sliding windows of a batch of images as columns (PyTorch's `F.unfold`): x `[N, C, H, W]` →
 * `[N, C·kh·kw, L]`, L the number of window positions; column l holds window l's pixels, channel
 * by channel, row-major. Convolution is a matrix product with this; its gradient is {@link col2im}.
 *
 * @example
 * im2col(arange(9).reshape(1, 1, 3, 3), 2).toArray(); // [[[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]]]
 */
export function im2col(x: Tensor, kernelSize: number | readonly number[], options?: FoldOptions): Tensor {
  checkTensor('im2col', 'x', x, { ndim: 4 });
  checkFloat('im2col', 'x', x);
  const win = windowOf('im2col', kernelSize, options);
  const [oh, ow] = outputExtent('im2col', () => `x is ${fmtShape(x.shape)}`, win, x.shape[2], x.shape[3]);
  return unfoldWindows(x, win, oh, ow);
}

/**
 * Sums columns back into images (PyTorch's `F.fold`), the adjoint of {@link im2col}: cols
 * `[N, C·kh·kw, L]` → `[N, C, H, W]` for `outputSize` [H, W], overlapping windows added up.
 *
 * @example
 * col2im(ones([1, 4, 4]), [3, 3], 2).toArray(); // [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]
 */
export function col2im(
  cols: Tensor,
  outputSize: number | readonly number[],
  kernelSize: number | readonly number[],
  options?: FoldOptions,
): Tensor {
  checkTensor('col2im', 'cols', cols, { ndim: 3 });
  checkFloat('col2im', 'cols', cols);
  const [h, w] = checkIntTuple('col2im', 'outputSize', outputSize, 2, { min: 1 });
  const win = windowOf('col2im', kernelSize, options);
  const shapes = (): string => `cols is ${fmtShape(cols.shape)}, outputSize is [${h}, ${w}]`;
  const [oh, ow] = outputExtent('col2im', shapes, win, h, w);
  const kk = win.kernel[0] * win.kernel[1];
  if (cols.shape[1] % kk !== 0 || cols.shape[2] !== oh * ow) {
    throw new ShapeError(
      `col2im: cols must be [N, C·${kk}, ${oh * ow}] for a ${win.kernel.join('×')} kernel over ${h}×${w} ` +
        `(${oh}×${ow} positions): ${shapes()}`,
    );
  }
  return foldWindows(cols, win, oh, ow, [cols.shape[0], cols.shape[1] / kk, h, w]);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The sliding windows as columns, `[N, C·kh·kw, L]`: {@link im2col}.
     *
     * @example
     * zeros([2, 3, 8, 8]).im2col(3, { padding: 1 }).shape; // [2, 27, 64]
     */
    im2col(kernelSize: number | readonly number[], options?: FoldOptions): Tensor;
    /**
     * Columns summed back into `[N, C, H, W]` images: {@link col2im}.
     *
     * @example
     * zeros([2, 27, 64]).col2im([8, 8], 3, { padding: 1 }).shape; // [2, 3, 8, 8]
     */
    col2im(
      outputSize: number | readonly number[],
      kernelSize: number | readonly number[],
      options?: FoldOptions,
    ): Tensor;
  }
}

Tensor.prototype.im2col = function (kernelSize, options) {
  return im2col(this, kernelSize, options);
};
Tensor.prototype.col2im = function (outputSize, kernelSize, options) {
  return col2im(this, outputSize, kernelSize, options);
};
