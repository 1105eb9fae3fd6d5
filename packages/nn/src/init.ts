import { type DType, Rng, Tensor, ValueError, checkOptions, getDefaultRng, full } from '@tapegrad/core';

const INIT_KEYS = ['rng', 'dtype', 'fanIn', 'fanOut'] as const;

/** What an initialiser is told besides the shape. */
export interface InitOptions {
  /** Generator to draw from (default: core's default generator, seeded by `manualSeed`). */
  rng?: Rng;
  /** Element type (default float32). */
  dtype?: DType;
  /**
   * Inputs per output unit. Default: PyTorch's convention for a weight stored `[out, in]` —
   * `shape[1]` for 2-D (times the receptive field for N-d), `shape[0]` for 1-D. Pass it for the
   * book's `[in, out]` layout.
   */
  fanIn?: number;
  /** Outputs per input unit; default `shape[0]` (times the receptive field). */
  fanOut?: number;
}

/**
 * Makes a tensor of `shape` with initial values. Layers take one as their `init` option.
 *
 * @example
 * const w = init.heNormal([100, 784], { rng: new Rng(0) });
 * new Linear(784, 100, { init: init.heNormal });
 */
export type Initializer = (shape: readonly number[], options?: InitOptions) => Tensor;

/**
 * Fan-in and fan-out of a weight of `shape` under PyTorch's `[out, in, ...kernel]` convention,
 * overridden by `options.fanIn` / `options.fanOut`.
 *
 * @example
 * fans([10, 784]); // { fanIn: 784, fanOut: 10 }
 * fans([784, 10], { fanIn: 784 }); // book layout
 */
export function fans(shape: readonly number[], options: InitOptions = {}): { fanIn: number; fanOut: number } {
  checkOptions('init', options, INIT_KEYS);
  let fanIn = shape.length === 0 ? 1 : shape[0];
  let fanOut = fanIn;
  if (shape.length >= 2) {
    const field = shape.slice(2).reduce((a, b) => a * b, 1);
    fanIn = shape[1] * field;
    fanOut = shape[0] * field;
  }
  return { fanIn: options.fanIn ?? fanIn, fanOut: options.fanOut ?? fanOut };
}

function fill(shape: readonly number[], options: InitOptions, draw: (rng: Rng) => number): Tensor {
  checkOptions('init', options, INIT_KEYS);
  const t = full(shape, 0, { dtype: options.dtype ?? 'float32' });
  const rng = options.rng ?? getDefaultRng();
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = draw(rng);
  return t;
}

/**
 * Gaussian with the given standard deviation; `normal(0.01)` is the book's `0.01 * randn`.
 *
 * @example
 * new Linear(2, 10, { init: init.normal(0.01), rng: new Rng(1) });
 * init.normal(0.5)([3, 3], { rng });
 */
export function normal(std = 1, mean = 0): Initializer {
  if (!(std >= 0)) throw new ValueError(`init.normal: std must be ≥ 0, got ${std}`);
  return (shape, options = {}) => fill(shape, options, (rng) => rng.normal(mean, std));
}

/**
 * Uniform on [low, high).
 *
 * @example
 * init.uniform(-0.1, 0.1)([4, 4], { rng });
 * new Linear(4, 4, { init: init.uniform(-1, 1) });
 */
export function uniform(low = 0, high = 1): Initializer {
  if (!(high >= low)) throw new ValueError(`init.uniform: needs low ≤ high, got ${low}, ${high}`);
  return (shape, options = {}) => fill(shape, options, (rng) => rng.uniform(low, high));
}

/**
 * He (Kaiming) normal: std = √(2 / fanIn) — for ReLU layers.
 *
 * @example
 * init.heNormal([100, 784], { rng }); // std ≈ 0.0505
 * new Linear(784, 100, { init: init.heNormal });
 */
export const heNormal: Initializer = (shape, options = {}) =>
  normal(Math.sqrt(2 / fans(shape, options).fanIn))(shape, options);

/**
 * He (Kaiming) uniform: U(±√(6 / fanIn)).
 *
 * @example
 * init.heUniform([100, 784], { rng });
 * new Linear(784, 100, { init: init.heUniform });
 */
export const heUniform: Initializer = (shape, options = {}) => {
  const b = Math.sqrt(6 / fans(shape, options).fanIn);
  return uniform(-b, b)(shape, options);
};

/**
 * LeCun normal: std = √(1 / fanIn) — for SELU/tanh layers.
 *
 * @example
 * init.lecunNormal([10, 20], { rng });
 * new Linear(20, 10, { init: init.lecunNormal });
 */
export const lecunNormal: Initializer = (shape, options = {}) =>
  normal(Math.sqrt(1 / fans(shape, options).fanIn))(shape, options);

/**
 * Xavier (Glorot) normal: std = √(2 / (fanIn + fanOut)) — for sigmoid/tanh layers.
 *
 * @example
 * init.xavierNormal([10, 20], { rng });
 * new Linear(20, 10, { init: init.xavierNormal });
 */
export const xavierNormal: Initializer = (shape, options = {}) => {
  const { fanIn, fanOut } = fans(shape, options);
  return normal(Math.sqrt(2 / (fanIn + fanOut)))(shape, options);
};

/**
 * Xavier (Glorot) uniform: U(±√(6 / (fanIn + fanOut))).
 *
 * @example
 * init.xavierUniform([10, 20], { rng });
 * new Linear(20, 10, { init: init.xavierUniform });
 */
export const xavierUniform: Initializer = (shape, options = {}) => {
  const { fanIn, fanOut } = fans(shape, options);
  const b = Math.sqrt(6 / (fanIn + fanOut));
  return uniform(-b, b)(shape, options);
};

/**
 * All zeros (the book's bias init).
 *
 * @example
 * init.zeros([10]);
 * new Linear(2, 10, { biasInit: init.zeros });
 */
export const zeros: Initializer = (shape, options = {}) => full(shape, 0, { dtype: options.dtype ?? 'float32' });

/**
 * All ones.
 *
 * @example
 * init.ones([10]);
 * new Linear(2, 2, { init: init.ones });
 */
export const ones: Initializer = (shape, options = {}) => full(shape, 1, { dtype: options.dtype ?? 'float32' });

/**
 * A constant.
 *
 * @example
 * init.constant(0.1)([10]);
 * new Linear(2, 10, { biasInit: init.constant(0.1) });
 */
export function constant(value: number): Initializer {
  return (shape, options = {}) => full(shape, value, { dtype: options.dtype ?? 'float32' });
}
