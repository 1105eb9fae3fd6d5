import { markIntermediate } from '../autograd/intermediates';
import { defineOp, runOp } from '../autograd/op';
import { checkBoolean, checkOptions, checkTensor } from '../check';
import { emptyOverwritten } from '../creation';
import { ValueError, fmtShape } from '../errors';
import { type WindowGeometry, kernels } from '../kernels';
import { Tensor } from '../tensor';
import { gatherFlat } from './gather';
import { reshape } from './reshape';
import { checkFloat } from './util';
import { type Window2d, geometryOf, tupleArg, windowCount } from './window-options';

/** A pooling window and its output extent. */
export interface PoolAttrs {
  win: Window2d;
  oh: number;
  ow: number;
  ceilMode: boolean;
}

/**
 * Max pooling as one tape node: the kernel finds each window's maximum and where it is; backward
 * puts gy at those places, so the gradient goes to the first maximum of each window, as
 * PyTorch's. The kernels write every element of their outputs, so reused buffers are not zeroed.
 */
const maxPool2dOp = defineOp<PoolAttrs>({
  name: 'maxPool2d',
  forward: ([x], { win, oh, ow }, save) => {
    const [n, c] = x.shape;
    const out = emptyOverwritten([n, c, oh, ow], x.dtype);
    const idx = emptyOverwritten([n * c * oh * ow], 'int32');
    kernels().maxPool2d(geometryOf(win, x.shape, oh, ow), x.data, out.data, idx.data as Int32Array);
    // The argmax is the node's alone: reused once a backward that frees the graph (so not one
    // that records a maxPool2dBackward node holding it) has released the node.
    save(markIntermediate(idx));
    return out;
  },
  backward: (gy, node) => {
    const x = node.inputs[0];
    const { win, oh, ow } = node.attrs;
    const idx = node.saved![0].data as Int32Array;
    return [runOp(maxPool2dGradOp, [gy], { g: geometryOf(win, x.shape, oh, ow), idx })];
  },
});

/**
 * Max pooling's backward as a node of its own: dx is gy at the indices, zero elsewhere, written
 * in one pass (maxPool2dBackward kernel). It is linear in gy; its own backward gathers at the
 * same indices, so double backward works through max pooling.
 */
const maxPool2dGradOp = defineOp<{ g: WindowGeometry; idx: Int32Array }>({
  name: 'maxPool2dBackward',
  forward: ([gy], { g, idx }) => {
    const dx = emptyOverwritten([g.n, g.c, g.h, g.w], gy.dtype);
    kernels().maxPool2dBackward(g, gy.data, idx, dx.data);
    return dx;
  },
  backward: (gg, node) => [reshape(gatherFlat(reshape(gg, [-1]), node.attrs.idx), node.inputs[0].shape)],
});

/** Options of {@link maxPool2d} and {@link avgPool2d}: PyTorch's names and defaults. */
export interface PoolOptions {
  /** The window, per axis or one for both. */
  kernelSize: number | readonly number[];
  /** The step (default `kernelSize`). */
  stride?: number | readonly number[];
  /** Implicit padding on both sides, at most half the kernel (default 0): −∞ for max, 0 for average. */
  padding?: number | readonly number[];
  /** Count a last, partial window (default false). */
  ceilMode?: boolean;
}

/** Options of {@link maxPool2d}. */
export interface MaxPoolOptions extends PoolOptions {
  /** Spacing of the window's taps (default 1). */
  dilation?: number | readonly number[];
}

/** The options as an object: a bare kernel size is `{ kernelSize }`. */
function optionsOf<T extends PoolOptions>(options: T | number | readonly number[]): T {
  return typeof options === 'number' || Array.isArray(options) ? ({ kernelSize: options } as T) : (options as T);
}

/**
 * Checks a pooling call (`fn` names it) on a `[N, C, H, W]` x: the window, stride (default the
 * kernel), padding (at most half the kernel, as PyTorch), ceilMode; returns the window and its
 * output extent.
 */
export function poolAttrs(fn: string, x: Tensor, options: MaxPoolOptions, known: readonly string[]): PoolAttrs {
  const o = checkOptions(fn, options, known as (keyof MaxPoolOptions)[]);
  if (o.kernelSize === undefined) throw new ValueError(`${fn}: kernelSize is required`);
  const kernel = tupleArg(fn, 'kernelSize', o.kernelSize, 2, 1);
  const stride = o.stride === undefined || o.stride === null ? kernel : tupleArg(fn, 'stride', o.stride, 2, 1);
  const [ph, pw] = tupleArg(fn, 'padding', o.padding ?? 0, 2, 0);
  const dilation = tupleArg(fn, 'dilation', o.dilation ?? 1, 2, 1);
  const ceilMode = o.ceilMode === undefined ? false : checkBoolean(fn, 'ceilMode', o.ceilMode);
  if (ph > kernel[0] >> 1 || pw > kernel[1] >> 1) {
    throw new ValueError(`${fn}: padding (${ph}, ${pw}) must be at most half the kernel (${kernel.join(', ')})`);
  }
  const win: Window2d = { kernel, stride, dilation, pads: [ph, ph, pw, pw] };
  const shapes = (): string => `x is ${fmtShape(x.shape)}, kernelSize ${kernel.join('×')}`;
  const [, , h, w] = x.shape;
  const oh = windowCount(fn, shapes, h, kernel[0], stride[0], ph, ph, dilation[0], ceilMode);
  const ow = windowCount(fn, shapes, w, kernel[1], stride[1], pw, pw, dilation[1], ceilMode);
  for (const [a, count, size] of [
    [0, oh, h],
    [1, ow, w],
  ] as const) {
    const empty = emptyWindow(count, size, kernel[a], stride[a], a === 0 ? ph : pw, dilation[a]);
    if (empty >= 0) {
      throw new ValueError(
        `${fn}: window ${empty} along axis ${a + 2} falls between the dilated taps or in the padding, covering no element: ${shapes()}`,
      );
    }
  }
  return { win, oh, ow, ceilMode };
}

/** The first of `count` windows along an axis whose taps all miss [0, size), or −1. */
function emptyWindow(count: number, size: number, k: number, s: number, p: number, d: number): number {
  for (let i = 0; i < count; i++) {
    let hit = false;
    for (let a = 0; a < k && !hit; a++) hit = i * s - p + a * d >= 0 && i * s - p + a * d < size;
    if (!hit) return i;
  }
  return -1;
}

/**
 * Runs `pool` on a checked 4-D x, or on an unbatched 3-D one as a batch of one (as PyTorch).
 */
export function pooled(fn: string, x: Tensor, pool: (x4: Tensor) => Tensor): Tensor {
  checkTensor(fn, 'x', x, { ndim: [3, 4] });
  checkFloat(fn, 'x', x);
  if (x.ndim === 4) return pool(x);
  const y = pool(reshape(x, [1, ...x.shape]));
  return reshape(y, y.shape.slice(1));
}

/**
 * 2-D max pooling (`torch.nn.functional.max_pool2d`) of x `[N, C, H, W]` (or `[C, H, W]`): the
 * largest value of each window. The stride defaults to the kernel size; padding counts as −∞.
 * The gradient goes to the first maximum of each window (a NaN wins), as PyTorch's.
 *
 * @example
 * maxPool2d(tensor([[[[1, 2], [3, 4]]]]), 2).toArray(); // [[[[4]]]]
 * maxPool2d(x, { kernelSize: 3, stride: 2, padding: 1 });
 */
export function maxPool2d(x: Tensor, options: MaxPoolOptions | number | readonly number[]): Tensor {
  const known = ['kernelSize', 'stride', 'padding', 'dilation', 'ceilMode'];
  return pooled('maxPool2d', x, (x4) =>
    runOp(maxPool2dOp, [x4], poolAttrs('maxPool2d', x4, optionsOf(options), known)),
  );
}

export { optionsOf as poolOptionsOf };

declare module '../tensor' {
  interface Tensor {
    /**
     * 2-D max pooling of this `[N, C, H, W]` tensor: {@link maxPool2d}.
     *
     * @example
     * randn([1, 30, 24, 24]).maxPool2d(2).shape; // [1, 30, 12, 12]
     */
    maxPool2d(options: MaxPoolOptions | number | readonly number[]): Tensor;
  }
}

Tensor.prototype.maxPool2d = function (options) {
  return maxPool2d(this, options);
};
