import {
  type DType,
  ShapeError,
  type Tensor,
  ValueError,
  add,
  checkBoolean,
  checkDType,
  checkInteger,
  checkNumber,
  checkOptions,
  checkTensor,
  describe,
  div,
  fmtShape,
  mean,
  mul,
  ones,
  sqrt,
  sub,
  zeros,
} from '@tapegrad/core';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { declareKeepsNoTensors } from './keeps-no-tensors';

/**
 * Normalises `x` over its last axes, those of `normalizedShape`: (x − mean)/√(var + eps) with the
 * biased variance, then `·weight + bias` when given (PyTorch's `F.layer_norm`). Composed of ops,
 * so every derivative follows.
 *
 * @example
 * layerNorm(x, [16]); // each row of x [N, 16] to mean 0, variance 1
 * layerNorm(x, [16], w, b, 1e-5);
 */
export function layerNorm(
  x: Tensor,
  normalizedShape: readonly number[],
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  checkTensor('layerNorm', 'x', x, { dtype: ['float32', 'float64'] });
  checkNumber('layerNorm', 'eps', eps, { min: 0 });
  const k = normalizedShape.length;
  const tail = x.shape.slice(x.ndim - k);
  if (k === 0 || k > x.ndim || tail.some((d, i) => d !== normalizedShape[i])) {
    throw new ShapeError(
      `layerNorm: x of shape ${fmtShape(x.shape)} must end in normalizedShape ${fmtShape(normalizedShape)}`,
    );
  }
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
  ] as const) {
    if (t !== null && (t.ndim !== k || t.shape.some((d, i) => d !== normalizedShape[i]))) {
      throw new ShapeError(`layerNorm: ${name} must have shape ${fmtShape(normalizedShape)}, got ${fmtShape(t.shape)}`);
    }
  }
  const axes = Array.from({ length: k }, (_, i) => x.ndim - k + i);
  const d = sub(x, mean(x, axes, true));
  let y = div(d, sqrt(add(mean(mul(d, d), axes, true), eps)));
  if (weight !== null) y = mul(y, weight);
  if (bias !== null) y = add(y, bias);
  return y;
}

/** Options of {@link LayerNorm}. */
export interface LayerNormOptions {
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Learn a per-element `weight` (ones) and `bias` (zeros). Default true. */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, learn the bias too. Default true. */
  bias?: boolean;
  /** Parameter dtype. Default float32. */
  dtype?: DType;
}

/**
 * Layer normalisation over the last axes (PyTorch's `nn.LayerNorm`): `normalizedShape` is the
 * trailing shape normalised (a number for the last axis only). Parameters `weight` (ones) and
 * `bias` (zeros) of that shape, as PyTorch, so state dicts load one-to-one.
 *
 * @example
 * const norm = new LayerNorm(64);
 * norm.forward(x).shape; // x's shape, [B, T, 64]
 */
export class LayerNorm extends Module {
  /** `normalizedShape`, or null without `elementwiseAffine`. */
  weight: Parameter | null;
  /** `normalizedShape`, or null without affine or bias. */
  bias: Parameter | null;
  /** The trailing shape normalised. */
  readonly normalizedShape: readonly number[];
  readonly eps: number;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}) {
    super();
    const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
    if (!Array.isArray(shape) || shape.length === 0) {
      throw new ValueError(
        `LayerNorm: normalizedShape must be a positive integer or a non-empty array of them, got ${describe(normalizedShape)}`,
      );
    }
    shape.forEach((d, i) => checkInteger('LayerNorm', `normalizedShape[${i}]`, d, { min: 1 }));
    this.normalizedShape = [...shape];
    const o = checkOptions('LayerNorm', options, ['eps', 'elementwiseAffine', 'bias', 'dtype']);
    this.eps = o.eps === undefined ? 1e-5 : checkNumber('LayerNorm', 'eps', o.eps, { min: 0 });
    const affine =
      o.elementwiseAffine === undefined ? true : checkBoolean('LayerNorm', 'elementwiseAffine', o.elementwiseAffine);
    const withBias = o.bias === undefined ? true : checkBoolean('LayerNorm', 'bias', o.bias);
    const dtype = o.dtype === undefined ? 'float32' : checkDType('LayerNorm', o.dtype);
    this.weight = affine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = affine && withBias ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }

  /** `x` `[..., ...normalizedShape]` → the same shape. */
  forward(x: Tensor): Tensor {
    checkTensor('LayerNorm.forward', 'x', x);
    const k = this.normalizedShape.length;
    if (x.ndim < k || x.shape.slice(x.ndim - k).some((d, i) => d !== this.normalizedShape[i])) {
      throw new ShapeError(
        `LayerNorm.forward: x of shape ${fmtShape(x.shape)} must end in normalizedShape ${fmtShape(this.normalizedShape)}`,
      );
    }
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${fmtShape(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.weight !== null}`;
  }
}

declareKeepsNoTensors(LayerNorm);
