import { defineOp, runOp } from '../autograd/op';
import { isGradEnabled } from '../autograd/grad-mode';
import { checkInteger, checkOptions, checkTensor } from '../check';
import { empty, emptyOverwritten } from '../creation';
import { DTypeError, ShapeError } from '../errors';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { broadcastTo } from './broadcast';
import { unfoldWindows, foldWindows } from './im2col';
import { product } from './matmul';
import { reshape } from './reshape';
import { sum } from './sum';
import { checkFloat } from './util';
import {
  type Padding,
  type SpatialDims,
  type Window2d,
  as4d,
  describeShapes,
  geometryOf,
  outputExtent,
  resolvePadding,
  tupleArg,
} from './window-options';

/** A convolution's attributes: its window (the kernel's extent included), groups and output extent. */
export interface ConvAttrs {
  win: Window2d;
  groups: number;
  oh: number;
  ow: number;
}

/**
 * Convolution (cross-correlation, as PyTorch) as one tape node: forward is the convForward
 * kernel (x's columns times the weight, group by group, and the bias); backward is written in the
 * differentiable im2col, col2im and matmul ops: gx = col2im(Wᵀ·gy), gw = Σₙ gy·im2col(x)ᵀ,
 * gb = Σ gy over batch and positions, so that a recorded backward (createGraph) records gw's
 * dependence on x too. When the backward is not recorded, gw and gb are one convWeightGrad
 * kernel instead. Nothing is saved: the kernels unfold x again where they need its columns.
 */
function convOp(name: 'conv1d' | 'conv2d') {
  return defineOp<ConvAttrs>({
    name,
    forward: ([x, w, b], { win, groups, oh, ow }) => {
      const x4 = as4d(x.shape);
      const out = emptyOverwritten(name === 'conv1d' ? [x4[0], w.shape[0], ow] : [x4[0], w.shape[0], oh, ow], x.dtype);
      kernels().convForward({
        g: geometryOf(win, x4, oh, ow),
        groups,
        channels: w.shape[0],
        x: x.data,
        w: w.data,
        bias: b === undefined ? null : b.data,
        out: out.data,
      });
      return out;
    },
    backward: (gy, node) => {
      const [x, w] = node.inputs;
      const { win, groups, oh, ow } = node.attrs;
      const [n, c] = x.shape;
      const o = w.shape[0];
      const l = oh * ow;
      const ckk = (c / groups) * win.kernel[0] * win.kernel[1];
      const gy4 = reshape(gy, [n, groups, o / groups, l]);
      let gx: Tensor | null = null;
      if (node.needsGrad(0)) {
        const wg = broadcastTo(reshape(w, [1, groups, o / groups, ckk]), [n, groups, o / groups, ckk]);
        const gcols = reshape(product(wg, gy4, true, false), [n, groups * ckk, l]);
        gx = reshape(foldWindows(gcols, win, oh, ow, as4d(x.shape)), x.shape);
      }
      const wantsBias = node.inputs.length > 2 && node.needsGrad(2);
      let gw: Tensor | null = null;
      let gb: Tensor | null = null;
      if (node.needsGrad(1) && !isGradEnabled()) {
        // Not recorded (no createGraph): one kernel, which unfolds x again image by image and
        // sums gy for the bias in the same pass over it.
        gw = empty(w.shape, w.dtype);
        gb = wantsBias ? empty([o], w.dtype) : null;
        const g = geometryOf(win, as4d(x.shape), oh, ow);
        kernels().convWeightGrad({ g, groups, channels: o, x: x.data, gy: gy.data, gw: gw.data, gb: gb && gb.data });
      } else if (node.needsGrad(1)) {
        const cols = unfoldWindows(reshape(x, as4d(x.shape)), win, oh, ow);
        gw = reshape(sum(product(gy4, reshape(cols, [n, groups, ckk, l]), false, true), 0), w.shape);
      }
      if (wantsBias && gb === null) gb = sum(gy, x.ndim === 3 ? [0, 2] : [0, 2, 3]);
      return node.inputs.length > 2 ? [gx, gw, gb] : [gx, gw];
    },
  });
}

const conv1dOp = convOp('conv1d');
const conv2dOp = convOp('conv2d');

/** Options of {@link conv1d} and {@link conv2d} (PyTorch's names and defaults). */
export interface ConvOptions {
  /** Window step, per axis or one for all (default 1). */
  stride?: number | readonly number[];
  /** Zeros around the input: per axis, one for all, 'valid' (none, the default 0) or 'same' (output extent = input's; stride 1 only). */
  padding?: Padding;
  /** Spacing of the kernel taps (default 1). */
  dilation?: number | readonly number[];
  /** Channel groups: in and out channels are split into `groups` independent convolutions (default 1). */
  groups?: number;
}

/**
 * Checks a convolution's operands and options (`fn` names the public function); returns its
 * attributes. Unbatched inputs are the caller's business (it adds the batch axis first).
 */
function convAttrs(
  fn: string,
  dims: SpatialDims,
  x: Tensor,
  w: Tensor,
  b: Tensor | null,
  options: ConvOptions | undefined,
): ConvAttrs {
  const shapes = (): string =>
    describeShapes([
      ['x', x],
      ['weight', w],
      ['bias', b],
    ]);
  checkTensor(fn, 'weight', w);
  if (w.ndim !== dims + 2) {
    throw new ShapeError(
      `${fn}: weight must have rank ${dims + 2} ([out, in/groups, ${dims === 1 ? 'k' : 'kH, kW'}]), got ${shapes()}`,
    );
  }
  checkFloat(fn, 'x', x);
  if (w.dtype !== x.dtype || (b !== null && b.dtype !== x.dtype)) {
    throw new DTypeError(
      `${fn}: x, weight and bias must share one dtype, got ${[x, w, b]
        .filter((t) => t)
        .map((t) => t!.dtype)
        .join(', ')} (${shapes()})`,
    );
  }
  const o = checkOptions(fn, options, ['stride', 'padding', 'dilation', 'groups']);
  const groups = checkInteger(fn, 'groups', o.groups ?? 1, { min: 1 });
  const [, c] = x.shape;
  const out = w.shape[0];
  if (c % groups !== 0 || out % groups !== 0) {
    throw new ShapeError(
      `${fn}: in channels (${c}) and out channels (${out}) must be divisible by groups (${groups}): ${shapes()}`,
    );
  }
  if (w.shape[1] !== c / groups) {
    throw new ShapeError(`${fn}: weight's axis 1 must be in/groups = ${c / groups}: ${shapes()}`);
  }
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== out)) {
    throw new ShapeError(`${fn}: bias must be [out] = [${out}]: ${shapes()}`);
  }
  const kernel: [number, number] = dims === 1 ? [1, w.shape[2]] : [w.shape[2], w.shape[3]];
  const stride = tupleArg(fn, 'stride', o.stride ?? 1, dims, 1);
  const dilation = tupleArg(fn, 'dilation', o.dilation ?? 1, dims, 1);
  const pads = resolvePadding(fn, o.padding ?? 0, dims, kernel, dilation, stride);
  const win: Window2d = { kernel, stride, dilation, pads };
  const [, , h, wd] = as4d(x.shape);
  const [oh, ow] = outputExtent(fn, shapes, win, h, wd);
  return { win, groups, oh, ow };
}

function conv(
  fn: 'conv1d' | 'conv2d',
  dims: SpatialDims,
  x: Tensor,
  w: Tensor,
  b: Tensor | null | undefined,
  options: ConvOptions | undefined,
): Tensor {
  checkTensor(fn, 'x', x, { ndim: [dims + 1, dims + 2] });
  if (b !== null && b !== undefined) checkTensor(fn, 'bias', b);
  const bias = b ?? null;
  if (x.ndim === dims + 1) {
    // Unbatched, as PyTorch: a batch of one, removed again.
    const y = conv(fn, dims, reshape(x, [1, ...x.shape]), w, bias, options);
    return reshape(y, y.shape.slice(1));
  }
  const attrs = convAttrs(fn, dims, x, w, bias, options);
  return runOp(dims === 1 ? conv1dOp : conv2dOp, bias === null ? [x, w] : [x, w, bias], attrs);
}

/**
 * 1-D convolution (cross-correlation, as `torch.nn.functional.conv1d`): x `[N, C, L]` (or
 * `[C, L]`), weight `[out, C/groups, k]`, optional bias `[out]` → `[N, out, L']`.
 *
 * @example
 * conv1d(tensor([[[1, 2, 3, 4]]]), tensor([[[1, 0, -1]]])).toArray(); // [[[-2, -2]]]
 */
export function conv1d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor {
  return conv('conv1d', 1, x, weight, bias, options);
}

/**
 * 2-D convolution (cross-correlation, as `torch.nn.functional.conv2d`) in NCHW: x `[N, C, H, W]`
 * (or `[C, H, W]`), weight `[out, C/groups, kH, kW]`, optional bias `[out]` → `[N, out, H', W']`,
 * one tape node. Float32 runs on im2col and the native (or WASM) gemm; float64 on the JS kernels.
 *
 * @example
 * const y = conv2d(randn([8, 3, 32, 32]), randn([16, 3, 3, 3]), zeros([16]), { padding: 1 });
 * y.shape; // [8, 16, 32, 32]
 */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor {
  return conv('conv2d', 2, x, weight, bias, options);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * 1-D convolution of this `[N, C, L]` input: {@link conv1d}.
     *
     * @example
     * randn([4, 2, 10]).conv1d(randn([3, 2, 5])).shape; // [4, 3, 6]
     */
    conv1d(weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor;
    /**
     * 2-D convolution of this `[N, C, H, W]` input: {@link conv2d}.
     *
     * @example
     * randn([4, 1, 28, 28]).conv2d(randn([30, 1, 5, 5])).shape; // [4, 30, 24, 24]
     */
    conv2d(weight: Tensor, bias?: Tensor | null, options?: ConvOptions): Tensor;
  }
}

Tensor.prototype.conv1d = function (weight, bias, options) {
  return conv1d(this, weight, bias, options);
};
Tensor.prototype.conv2d = function (weight, bias, options) {
  return conv2d(this, weight, bias, options);
};
