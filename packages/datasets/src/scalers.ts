import { checkShapeArg, checkTensor, describe, DTypeError, ShapeError, Tensor, ValueError } from '@tapegrad/core';

/**
 * A fitted per-feature affine scaling `y = (x − shift) / scale`. Features are everything after
 * the first (example) axis. Fit it on the training data only, then apply the same scaler to
 * validation and test data, so no statistics leak from them.
 *
 * @example
 * const scaler = standardize(xTrain);
 * const [a, b] = [scaler.transform(xTrain), scaler.transform(xTest)];
 */
export class Scaler {
  /** Per-feature value subtracted (mean, or min). */
  readonly shift: Float64Array;
  /** Per-feature divisor (std, or max − min); 1 for a constant feature. */
  readonly scale: Float64Array;
  /** Shape of one example, e.g. `[30]` or `[1, 28, 28]`. */
  readonly featureShape: readonly number[];

  constructor(shift: Float64Array, scale: Float64Array, featureShape: readonly number[]) {
    const dims = checkShapeArg('Scaler', 'featureShape', featureShape);
    const d = dims.reduce((a, b) => a * b, 1);
    for (const [name, v] of [
      ['shift', shift],
      ['scale', scale],
    ] as const) {
      if (!(v instanceof Float64Array) || v.length !== d) {
        throw new ValueError(
          `Scaler: ${name} must be a Float64Array of ${d} values (featureShape [${dims.join(',')}]), got ${describe(v)}`,
        );
      }
    }
    this.shift = shift;
    this.scale = scale;
    this.featureShape = featureShape;
  }

  /**
   * Scales `x` (`[N, ...featureShape]`) into a new tensor of the same float dtype.
   *
   * @example
   * const xs = scaler.transform(xTest);
   * xs.shape; // xTest.shape
   */
  transform(x: Tensor): Tensor {
    const d = this.checkInput('transform', x);
    const out = x.data.slice();
    for (let i = 0; i < out.length; i += d) {
      for (let j = 0; j < d; j++) out[i + j] = (out[i + j] - this.shift[j]) / this.scale[j];
    }
    return new Tensor(out, x.shape);
  }

  /**
   * Undoes {@link Scaler.transform}.
   *
   * @example
   * const back = scaler.inverseTransform(scaler.transform(x)); // ≈ x
   * back.shape; // x.shape
   */
  inverseTransform(x: Tensor): Tensor {
    const d = this.checkInput('inverseTransform', x);
    const out = x.data.slice();
    for (let i = 0; i < out.length; i += d) {
      for (let j = 0; j < d; j++) out[i + j] = out[i + j] * this.scale[j] + this.shift[j];
    }
    return new Tensor(out, x.shape);
  }

  private checkInput(op: string, x: Tensor): number {
    checkTensor(`Scaler.${op}`, 'x', x);
    if (x.dtype === 'int32') throw new DTypeError(`Scaler.${op}: x must be float32 or float64, got int32`);
    const fs = x.shape.slice(1);
    if (fs.length !== this.featureShape.length || fs.some((v, i) => v !== this.featureShape[i])) {
      throw new ShapeError(
        `Scaler.${op}: x is [${x.shape.join(',')}] but the scaler was fitted on [N,${this.featureShape.join(',')}]`,
      );
    }
    return this.shift.length;
  }
}

function featureStats(op: string, x: Tensor): { n: number; d: number } {
  checkTensor(op, 'x', x);
  if (x.ndim < 2 || x.shape[0] < 1) {
    throw new ShapeError(`${op}: needs [N, features...] with N ≥ 1, got [${x.shape.join(',')}]`);
  }
  return { n: x.shape[0], d: x.size / x.shape[0] };
}

/**
 * Fits a standardising scaler on `x`: per feature, subtract the mean and divide by the
 * (population) standard deviation, as scikit-learn's `StandardScaler`; constant features keep scale 1.
 *
 * @example
 * const scaler = standardize(xTrain);
 * const xTestStd = scaler.transform(xTest);
 */
export function standardize(x: Tensor): Scaler {
  const { n, d } = featureStats('standardize', x);
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < x.size; i++) mean[i % d] += x.data[i];
  for (let j = 0; j < d; j++) mean[j] /= n;
  for (let i = 0; i < x.size; i++) std[i % d] += (x.data[i] - mean[i % d]) ** 2;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j] / n) || 1;
  return new Scaler(mean, std, x.shape.slice(1));
}

/**
 * Fits a min–max scaler on `x`: per feature, map [min, max] of the training data onto [0, 1]
 * (scikit-learn's `MinMaxScaler`); constant features keep scale 1.
 *
 * @example
 * const scaler = normalize(xTrain);
 * const xTest01 = scaler.transform(xTest); // may leave [0, 1] for unseen extremes
 */
export function normalize(x: Tensor): Scaler {
  const { d } = featureStats('normalize', x);
  const min = new Float64Array(d).fill(Infinity);
  const range = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < x.size; i++) {
    const v = x.data[i];
    if (v < min[i % d]) min[i % d] = v;
    if (v > range[i % d]) range[i % d] = v;
  }
  for (let j = 0; j < d; j++) range[j] = range[j] - min[j] || 1;
  return new Scaler(min, range, x.shape.slice(1));
}
