import { defineOp, runOp } from '../autograd/op';
import { checkInteger, checkOptions, checkTensor } from '../check';
import { empty, zeros } from '../creation';
import { DTypeError, ShapeError, ValueError } from '../errors';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { broadcastTo } from './broadcast';
import { groupedGemm } from './grouped-gemm';
import { unfoldWindows } from './im2col';
import { product } from './matmul';
import { reshape } from './reshape';
import { sum } from './sum';
import { checkFloat } from './util';
import { type Window2d, describeShapes, geometryOf, tupleArg } from './window-options';

/** A transposed convolution's attributes: its window, groups and output padding. */
export interface ConvTransposeAttrs {
  win: Window2d;
  groups: number;
  outputPadding: readonly [number, number];
}

/**
 * The transposed convolution (the gradient of conv2d with respect to its input) as one tape
 * node: forward multiplies each image by the weight (transposed, group by group) into columns
 * and sums them into the output with the col2im kernel; backward uses the differentiable ops:
 * with G = im2col(gy), gx = W·G, gw = Σₙ x·Gᵀ, gb = Σ gy over batch and positions.
 */
const convTranspose2dOp = defineOp<ConvTransposeAttrs>({
  name: 'convTranspose2d',
  forward: ([x, w, b], { win, groups, outputPadding }) => {
    const [n, cin, h, wd] = x.shape;
    const shape = outShape(x.shape, w.shape, win, groups, outputPadding);
    const coutG = w.shape[1];
    const kk = win.kernel[0] * win.kernel[1];
    const cols = empty([n, groups * coutG * kk, h * wd], x.dtype);
    groupedGemm(w.data, x.data, cols.data, n, groups, coutG * kk, h * wd, cin / groups, true);
    return finish(cols, shape, win, h, wd, b);
  },
  backward: (gy, node) => {
    const [x, w] = node.inputs;
    const { win, groups } = node.attrs;
    const [n, cin, h, wd] = x.shape;
    const mg = w.shape[1] * win.kernel[0] * win.kernel[1];
    const gcols = reshape(unfoldWindows(gy, win, h, wd), [n, groups, mg, h * wd]);
    let gx: Tensor | null = null;
    if (node.needsGrad(0)) {
      const wg = broadcastTo(reshape(w, [1, groups, cin / groups, mg]), [n, groups, cin / groups, mg]);
      gx = reshape(product(wg, gcols, false, false), x.shape);
    }
    let gw: Tensor | null = null;
    if (node.needsGrad(1)) {
      gw = reshape(sum(product(reshape(x, [n, groups, cin / groups, h * wd]), gcols, false, true), 0), w.shape);
    }
    const gb = node.inputs.length > 2 && node.needsGrad(2) ? sum(gy, [0, 2, 3]) : null;
    return node.inputs.length > 2 ? [gx, gw, gb] : [gx, gw];
  },
});

// The output [n, cout, oh, ow] from the columns: overlapping windows summed, then the bias.
function finish(cols: Tensor, shape: number[], win: Window2d, h: number, w: number, b: Tensor | undefined): Tensor {
  const out = zeros(shape, { dtype: cols.dtype });
  const k = kernels();
  k.col2im(geometryOf(win, shape, h, w), cols.data, out.data);
  if (b !== undefined) k.addBias(out.data, b.data, shape[0], shape[1], shape[2] * shape[3]);
  return out;
}

/** (in − 1)·stride − padding before and after + dilation·(k − 1) + outputPadding + 1, per axis. */
function outShape(
  x: readonly number[],
  w: readonly number[],
  win: Window2d,
  groups: number,
  outputPadding: readonly [number, number],
): number[] {
  const extent = (a: 0 | 1): number =>
    (x[2 + a] - 1) * win.stride[a] -
    win.pads[2 * a] -
    win.pads[2 * a + 1] +
    win.dilation[a] * (win.kernel[a] - 1) +
    outputPadding[a] +
    1;
  return [x[0], w[1] * groups, extent(0), extent(1)];
}

/** Options of {@link convTranspose2d} (PyTorch's names and defaults). */
export interface ConvTransposeOptions {
  /** The step of the convolution this one transposes (default 1). */
  stride?: number | readonly number[];
  /** Rows and columns removed from each side of the output, per axis or one for both (default 0). */
  padding?: number | readonly number[];
  /** Extra rows/columns on the bottom/right of the output, less than stride or dilation (default 0). */
  outputPadding?: number | readonly number[];
  /** Spacing of the kernel taps (default 1). */
  dilation?: number | readonly number[];
  /** Channel groups (default 1). */
  groups?: number;
}

/**
 * 2-D transposed convolution (`torch.nn.functional.conv_transpose2d`), the gradient of
 * {@link conv2d} with respect to its input: x `[N, in, H, W]` (or `[in, H, W]`), weight
 * `[in, out/groups, kH, kW]`, optional bias `[out]` → `[N, out, H', W']` with
 * H' = (H − 1)·stride − 2·padding + dilation·(kH − 1) + outputPadding + 1.
 *
 * @example
 * convTranspose2d(ones([1, 1, 2, 2]), ones([1, 1, 2, 2])).toArray(); // [[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]
 */
export function convTranspose2d(
  x: Tensor,
  weight: Tensor,
  bias?: Tensor | null,
  options?: ConvTransposeOptions,
): Tensor {
  const fn = 'convTranspose2d';
  checkTensor(fn, 'x', x, { ndim: [3, 4] });
  checkTensor(fn, 'weight', weight);
  if (bias !== null && bias !== undefined) checkTensor(fn, 'bias', bias);
  const b = bias ?? null;
  if (x.ndim === 3) {
    const y = convTranspose2d(reshape(x, [1, ...x.shape]), weight, b, options);
    return reshape(y, y.shape.slice(1));
  }
  const shapes = (): string =>
    describeShapes([
      ['x', x],
      ['weight', weight],
      ['bias', b],
    ]);
  if (weight.ndim !== 4)
    throw new ShapeError(`${fn}: weight must have rank 4 ([in, out/groups, kH, kW]), got ${shapes()}`);
  checkFloat(fn, 'x', x);
  if (weight.dtype !== x.dtype || (b !== null && b.dtype !== x.dtype)) {
    throw new DTypeError(
      `${fn}: x, weight and bias must share one dtype (${shapes()}; x is ${x.dtype}, weight ${weight.dtype})`,
    );
  }
  const o = checkOptions(fn, options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups']);
  const groups = checkInteger(fn, 'groups', o.groups ?? 1, { min: 1 });
  const stride = tupleArg(fn, 'stride', o.stride ?? 1, 2, 1);
  const dilation = tupleArg(fn, 'dilation', o.dilation ?? 1, 2, 1);
  const [ph, pw] = tupleArg(fn, 'padding', o.padding ?? 0, 2, 0);
  const outputPadding = tupleArg(fn, 'outputPadding', o.outputPadding ?? 0, 2, 0);
  const cin = x.shape[1];
  if (cin % groups !== 0)
    throw new ShapeError(`${fn}: in channels (${cin}) must be divisible by groups (${groups}): ${shapes()}`);
  if (weight.shape[0] !== cin)
    throw new ShapeError(`${fn}: weight's axis 0 must be the in channels, ${cin}: ${shapes()}`);
  const out = weight.shape[1] * groups;
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== out))
    throw new ShapeError(`${fn}: bias must be [out] = [${out}]: ${shapes()}`);
  for (const a of [0, 1]) {
    if (outputPadding[a] >= Math.max(stride[a], dilation[a])) {
      throw new ValueError(
        `${fn}: outputPadding (${outputPadding.join(', ')}) must be smaller than stride (${stride.join(', ')}) or dilation (${dilation.join(', ')})`,
      );
    }
  }
  const win: Window2d = { kernel: [weight.shape[2], weight.shape[3]], stride, dilation, pads: [ph, ph, pw, pw] };
  const shape = outShape(x.shape, weight.shape, win, groups, outputPadding);
  if (shape[2] < 1 || shape[3] < 1) {
    throw new ShapeError(
      `${fn}: the output would be empty (${shape[2]}×${shape[3]}): padding too large for ${shapes()}`,
    );
  }
  return runOp(convTranspose2dOp, b === null ? [x, weight] : [x, weight, b], { win, groups, outputPadding });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * 2-D transposed convolution of this `[N, in, H, W]` input: {@link convTranspose2d}.
     *
     * @example
     * randn([1, 4, 8, 8]).convTranspose2d(randn([4, 2, 2, 2]), null, { stride: 2 }).shape; // [1, 2, 16, 16]
     */
    convTranspose2d(weight: Tensor, bias?: Tensor | null, options?: ConvTransposeOptions): Tensor;
  }
}

Tensor.prototype.convTranspose2d = function (weight, bias, options) {
  return convTranspose2d(this, weight, bias, options);
};
