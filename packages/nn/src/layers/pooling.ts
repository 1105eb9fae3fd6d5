import {
  type AvgPoolOptions,
  type MaxPoolOptions,
  Tensor,
  ValueError,
  adaptiveAvgPool2d,
  avgPool2d,
  checkBoolean,
  checkIntTuple,
  checkOptions,
  describe,
  maxPool2d,
} from '@tapegrad/core';
import { Module } from '../module';
import { declareKeepsNoTensors } from './keeps-no-tensors';

const show = (v: unknown): string => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

/**
 * The options of a pooling layer with its kernel size filled in, each checked (how they fit an
 * input is the op's check, on every call).
 */
function poolOptions<T extends { kernelSize: MaxPoolOptions['kernelSize'] }>(
  who: string,
  kernelSize: unknown,
  options: unknown,
  known: readonly string[],
): T {
  const o = checkOptions(who, options, known) as Record<string, unknown>;
  const kernel = checkIntTuple(who, 'kernelSize', kernelSize, 2, { min: 1 });
  const min: Record<string, number> = { stride: 1, dilation: 1, padding: 0 };
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (k in min) checkIntTuple(who, k, v, 2, { min: min[k] });
    else checkBoolean(who, k, v);
  }
  const padding = checkIntTuple(who, 'padding', o.padding ?? 0, 2, { min: 0 });
  if (padding.some((p, a) => p > kernel[a] >> 1)) {
    throw new ValueError(`${who}: padding ${show(o.padding)} must be at most half the kernel ${show(kernelSize)}`);
  }
  return { kernelSize, ...o } as unknown as T;
}

/**
 * 2-D max pooling layer (`torch.nn.MaxPool2d`): the stride defaults to the kernel size.
 *
 * @example
 * new MaxPool2d(2).forward(zeros([100, 30, 24, 24])).shape; // [100, 30, 12, 12]
 * new MaxPool2d(3, { stride: 2, padding: 1 });
 */
export class MaxPool2d extends Module {
  /** The options given to the op on every call. */
  readonly options: MaxPoolOptions;

  constructor(kernelSize: number | readonly number[], options: Omit<MaxPoolOptions, 'kernelSize'> = {}) {
    super();
    this.options = poolOptions('MaxPool2d', kernelSize, options, ['stride', 'padding', 'dilation', 'ceilMode']);
  }

  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.options);
  }

  override extraRepr(): string {
    return Object.entries(this.options)
      .map(([k, v]) => `${k}=${show(v)}`)
      .join(', ');
  }
}

/**
 * 2-D average pooling layer (`torch.nn.AvgPool2d`): the stride defaults to the kernel size;
 * `countIncludePad` (default true) counts the zero padding in each divisor.
 *
 * @example
 * new AvgPool2d(2).forward(zeros([1, 3, 8, 8])).shape; // [1, 3, 4, 4]
 */
export class AvgPool2d extends Module {
  /** The options given to the op on every call. */
  readonly options: AvgPoolOptions;

  constructor(kernelSize: number | readonly number[], options: Omit<AvgPoolOptions, 'kernelSize'> = {}) {
    super();
    this.options = poolOptions('AvgPool2d', kernelSize, options, ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  }

  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.options);
  }

  override extraRepr(): string {
    return Object.entries(this.options)
      .map(([k, v]) => `${k}=${show(v)}`)
      .join(', ');
  }
}

/**
 * Adaptive 2-D average pooling layer (`torch.nn.AdaptiveAvgPool2d`) to a fixed output size
 * (null keeps the input's extent on that axis); `new AdaptiveAvgPool2d(1)` is global pooling.
 *
 * @example
 * new AdaptiveAvgPool2d([7, 7]).forward(zeros([1, 512, 14, 14])).shape; // [1, 512, 7, 7]
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly (number | null)[]) {
    super();
    const ok = (v: unknown): boolean => v === null || (Number.isSafeInteger(v) && (v as number) >= 1);
    if (
      !(Array.isArray(outputSize)
        ? outputSize.length === 2 && outputSize.every(ok)
        : ok(outputSize) && outputSize !== null)
    ) {
      throw new ValueError(
        `AdaptiveAvgPool2d: outputSize must be an integer ≥ 1 or 2 of them (or null), got ${describe(outputSize)}`,
      );
    }
  }

  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override extraRepr(): string {
    return `outputSize=${show(this.outputSize)}`;
  }
}

declareKeepsNoTensors(MaxPool2d);
declareKeepsNoTensors(AvgPool2d);
declareKeepsNoTensors(AdaptiveAvgPool2d);
