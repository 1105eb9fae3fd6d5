import {
  type ConvOptions,
  type ConvTransposeOptions,
  type DType,
  Rng,
  Tensor,
  ValueError,
  checkBoolean,
  checkDType,
  checkFunction,
  checkIntTuple,
  checkInteger,
  checkOptions,
  conv1d,
  conv2d,
  convTranspose2d,
  describe,
} from '@tapegrad/core';
import { type Initializer, uniform, zeros } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { declareKeepsNoTensors } from './keeps-no-tensors';

/** Options of the convolution layers besides the op's own. */
export interface ConvLayerOptions {
  /** Add a learnable bias (default true). */
  bias?: boolean;
  /** Weight initialiser (default PyTorch's kaiming_uniform(a=√5), i.e. U(±1/√fanIn)). */
  init?: Initializer;
  /** Bias initialiser (default PyTorch's U(±1/√fanIn), or zeros when `init` is given). */
  biasInit?: Initializer;
  /** Generator for the initialisers (default core's default generator). */
  rng?: Rng;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

const LAYER_KEYS = ['bias', 'init', 'biasInit', 'rng', 'dtype'] as const;

/**
 * The weight and bias of a convolution layer, initialised as PyTorch's: the weight from
 * U(±1/√fanIn) (kaiming_uniform with a = √5) and the bias from the same bound, where fanIn is
 * `weightShape[1]` times the kernel's extent.
 */
function convParameters(
  who: string,
  weightShape: number[],
  outChannels: number,
  o: Partial<Record<(typeof LAYER_KEYS)[number], unknown>>,
): { weight: Parameter; bias: Parameter | null } {
  const bias = o.bias === undefined ? true : checkBoolean(who, 'bias', o.bias);
  const dtype = o.dtype === undefined ? 'float32' : checkDType(who, o.dtype);
  if (o.rng !== undefined && !(o.rng instanceof Rng))
    throw new ValueError(`${who}: rng must be an Rng, got ${describe(o.rng)}`);
  const field = weightShape.slice(2).reduce((a, b) => a * b, 1);
  const fanIn = weightShape[1] * field;
  const bound = 1 / Math.sqrt(fanIn);
  const given = (k: 'init' | 'biasInit'): Initializer | undefined =>
    o[k] === undefined ? undefined : checkFunction<Initializer>(who, k, o[k]);
  const wInit = given('init') ?? uniform(-bound, bound);
  const bInit = given('biasInit') ?? (o.init ? zeros : uniform(-bound, bound));
  const ctx = { rng: o.rng as Rng | undefined, dtype, fanIn, fanOut: weightShape[0] * field };
  return {
    weight: new Parameter(wInit(weightShape, ctx)),
    bias: bias ? new Parameter(bInit([outChannels], ctx)) : null,
  };
}

/** "kernelSize=[5, 5], stride=[2, 2]" for the options that differ from their defaults. */
function reprOf(parts: [string, unknown, unknown][]): string {
  const text = (v: unknown): string => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  return parts
    .filter(([, v, dflt]) => dflt === undefined || text(v) !== text(dflt))
    .map(([k, v]) => `${k}=${text(v)}`)
    .join(', ');
}

/**
 * 1-D or 2-D convolution layer with PyTorch's layout (`torch.nn.Conv1d` / `Conv2d`): weight
 * `[out, in/groups, ...kernel]`, bias `[out]`, so state dicts map one-to-one.
 */
abstract class ConvNd extends Module {
  /** `[out, in/groups, ...kernel]`. */
  weight: Parameter;
  /** `[out]`, or null without bias. */
  bias: Parameter | null;
  /** The kernel's extent per spatial axis. */
  readonly kernelSize: number[];
  /** The options given to the op on every call. */
  readonly options: Required<Omit<ConvOptions, 'padding'>> & { padding: NonNullable<ConvOptions['padding']> };

  constructor(
    private readonly kind: 'Conv1d' | 'Conv2d',
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions & ConvLayerOptions,
  ) {
    super();
    const who = kind;
    const dims = kind === 'Conv1d' ? 1 : 2;
    checkInteger(who, 'inChannels', inChannels, { min: 1 });
    checkInteger(who, 'outChannels', outChannels, { min: 1 });
    const o = checkOptions(who, options, ['stride', 'padding', 'dilation', 'groups', ...LAYER_KEYS]);
    this.kernelSize = checkIntTuple(who, 'kernelSize', kernelSize, dims, { min: 1 });
    const groups = checkInteger(who, 'groups', o.groups ?? 1, { min: 1 });
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ValueError(
        `${who}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`,
      );
    }
    const padding = o.padding ?? 0;
    this.options = {
      stride: checkIntTuple(who, 'stride', o.stride ?? 1, dims, { min: 1 }),
      padding:
        typeof padding === 'string'
          ? (padding as 'same' | 'valid')
          : checkIntTuple(who, 'padding', padding, dims, { min: 0 }),
      dilation: checkIntTuple(who, 'dilation', o.dilation ?? 1, dims, { min: 1 }),
      groups,
    };
    const { weight, bias } = convParameters(
      who,
      [outChannels, inChannels / groups, ...this.kernelSize],
      outChannels,
      o,
    );
    this.weight = weight;
    this.bias = bias;
  }

  forward(x: Tensor): Tensor {
    const run = this.kind === 'Conv1d' ? conv1d : conv2d;
    return run(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    const { stride, padding, dilation, groups } = this.options;
    const ones = this.kernelSize.map(() => 1);
    return `${this.inChannels}, ${this.outChannels}, ${reprOf([
      ['kernelSize', this.kernelSize, undefined],
      ['stride', stride, undefined],
      ['padding', padding, this.kernelSize.map(() => 0)],
      ['dilation', dilation, ones],
      ['groups', groups, 1],
      ['bias', this.bias !== null, true],
    ])}`;
  }
}

/**
 * 1-D convolution layer (`torch.nn.Conv1d`): x `[N, in, L]` → `[N, out, L']`.
 *
 * @example
 * const conv = new Conv1d(2, 8, 3, { padding: 1 });
 * conv.forward(zeros([4, 2, 16])).shape; // [4, 8, 16]
 */
export class Conv1d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions & ConvLayerOptions = {},
  ) {
    super('Conv1d', inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-D convolution layer (`torch.nn.Conv2d`) in NCHW: x `[N, in, H, W]` → `[N, out, H', W']`;
 * weight `[out, in/groups, kH, kW]` and bias `[out]` with PyTorch's names and initialisation.
 *
 * @example
 * const conv = new Conv2d(1, 30, 5); // the book's SimpleConvNet layer
 * conv.forward(zeros([100, 1, 28, 28])).shape; // [100, 30, 24, 24]
 */
export class Conv2d extends ConvNd {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions & ConvLayerOptions = {},
  ) {
    super('Conv2d', inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-D transposed convolution layer (`torch.nn.ConvTranspose2d`): x `[N, in, H, W]` →
 * `[N, out, H', W']`; weight `[in, out/groups, kH, kW]`, bias `[out]`.
 *
 * @example
 * const up = new ConvTranspose2d(16, 8, 2, { stride: 2 });
 * up.forward(zeros([1, 16, 7, 7])).shape; // [1, 8, 14, 14]
 */
export class ConvTranspose2d extends Module {
  /** `[in, out/groups, kH, kW]`. */
  weight: Parameter;
  /** `[out]`, or null without bias. */
  bias: Parameter | null;
  /** [kH, kW]. */
  readonly kernelSize: number[];
  /** The options given to the op on every call. */
  readonly options: Required<ConvTransposeOptions>;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvTransposeOptions & ConvLayerOptions = {},
  ) {
    super();
    const who = 'ConvTranspose2d';
    checkInteger(who, 'inChannels', inChannels, { min: 1 });
    checkInteger(who, 'outChannels', outChannels, { min: 1 });
    const o = checkOptions(who, options, ['stride', 'padding', 'outputPadding', 'dilation', 'groups', ...LAYER_KEYS]);
    this.kernelSize = checkIntTuple(who, 'kernelSize', kernelSize, 2, { min: 1 });
    const groups = checkInteger(who, 'groups', o.groups ?? 1, { min: 1 });
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ValueError(
        `${who}: inChannels (${inChannels}) and outChannels (${outChannels}) must be divisible by groups (${groups})`,
      );
    }
    const stride = checkIntTuple(who, 'stride', o.stride ?? 1, 2, { min: 1 });
    const dilation = checkIntTuple(who, 'dilation', o.dilation ?? 1, 2, { min: 1 });
    const outputPadding = checkIntTuple(who, 'outputPadding', o.outputPadding ?? 0, 2, { min: 0 });
    if (outputPadding.some((p, a) => p >= Math.max(stride[a], dilation[a]))) {
      throw new ValueError(`${who}: outputPadding ${describe(outputPadding)} must be smaller than stride or dilation`);
    }
    const padding = checkIntTuple(who, 'padding', o.padding ?? 0, 2, { min: 0 });
    this.options = { stride, padding, outputPadding, dilation, groups };
    const { weight, bias } = convParameters(
      who,
      [inChannels, outChannels / groups, ...this.kernelSize],
      outChannels,
      o,
    );
    this.weight = weight;
    this.bias = bias;
  }

  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, this.options);
  }

  override extraRepr(): string {
    const { stride, padding, outputPadding, dilation, groups } = this.options;
    return `${this.inChannels}, ${this.outChannels}, ${reprOf([
      ['kernelSize', this.kernelSize, undefined],
      ['stride', stride, undefined],
      ['padding', padding, [0, 0]],
      ['outputPadding', outputPadding, [0, 0]],
      ['dilation', dilation, [1, 1]],
      ['groups', groups, 1],
      ['bias', this.bias !== null, true],
    ])}`;
  }
}

declareKeepsNoTensors(Conv1d);
declareKeepsNoTensors(Conv2d);
declareKeepsNoTensors(ConvTranspose2d);
