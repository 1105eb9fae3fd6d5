import { type DType, type TypedArray, allocate, checkDType, dtypeOfArray, isFloat } from './dtype';
import { DTypeError, ShapeError, ValueError, fmtShape } from './errors';
import { getDefaultRng, type Rng } from './random';
import { checkShape, sizeOf } from './shape';
import { Tensor } from './tensor';

/** Nested arrays of numbers (any depth), as accepted by `tensor()`. */
export type NestedNumbers = number | readonly NestedNumbers[];

/** Options shared by the creation functions. */
export interface CreateOptions {
  /** Element type; default `float32` (or the typed array's own type). */
  dtype?: DType;
  /** Make the result a leaf that requires grad. */
  requiresGrad?: boolean;
}

/** Options of {@link tensor}. */
export interface TensorOptions extends CreateOptions {
  /** Shape to give flat data (default: inferred from nesting, or `[length]`). */
  shape?: readonly number[];
}

function finish(t: Tensor, options: CreateOptions | undefined): Tensor {
  if (options?.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * Makes a tensor from nested arrays, a typed array, a number or a tensor. Nested numbers default
 * to float32; a typed array keeps its own dtype and storage unless `dtype` says otherwise (then
 * it is copied); a tensor is copied into a new leaf of the same shape.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]]);
 * const y = tensor(new Float64Array(6), { shape: [2, 3], requiresGrad: true });
 */
export function tensor(values: NestedNumbers | TypedArray | Tensor, options: TensorOptions = {}): Tensor {
  if (values instanceof Tensor) {
    // A new leaf with its own copy of the data (as torch.tensor), keeping the shape.
    const data = options.dtype ? values.data : values.data.slice();
    return tensor(data, { shape: values.shape, ...options });
  }
  let data: TypedArray;
  let shape: number[];
  if (ArrayBuffer.isView(values)) {
    const own = dtypeOfArray(values);
    const dtype = options.dtype ? checkDType('tensor', options.dtype) : own;
    data = dtype === own && !options.dtype ? values : convert(values, dtype);
    shape = options.shape ? checkShape('tensor', options.shape) : [values.length];
  } else {
    shape = inferShape(values);
    const dtype = checkDType('tensor', options.dtype ?? 'float32');
    data = allocate(dtype, sizeOf(shape));
    flattenInto(values, data, dtype === 'int32');
    if (options.shape) {
      const target = checkShape('tensor', options.shape);
      if (sizeOf(target) !== data.length) {
        throw new ShapeError(`tensor: cannot view ${data.length} elements as shape ${fmtShape(target)}`);
      }
      shape = target;
    }
  }
  if (sizeOf(shape) !== data.length) {
    throw new ShapeError(
      `tensor: shape ${fmtShape(shape)} holds ${sizeOf(shape)} elements but ${data.length} were given`,
    );
  }
  return finish(new Tensor(data, shape), options);
}

function convert(src: TypedArray, dtype: DType): TypedArray {
  const out = allocate(dtype, src.length);
  if (dtype === 'int32' && !(src instanceof Int32Array))
    for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]);
  else out.set(src);
  return out;
}

function inferShape(values: NestedNumbers): number[] {
  const shape: number[] = [];
  let v: NestedNumbers = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0] as NestedNumbers;
  }
  if (!Array.isArray(v) && typeof v !== 'number') {
    throw new ValueError(`tensor: expected numbers or nested arrays of numbers, found ${typeof v}`);
  }
  return shape;
}

function flattenInto(values: NestedNumbers, out: TypedArray, isInt: boolean): void {
  let k = 0;
  const walk = (v: NestedNumbers, depth: number, expected: number[]): void => {
    if (depth === expected.length) {
      if (typeof v !== 'number')
        throw new ShapeError(`tensor: ragged nested array: expected a number at depth ${depth}`);
      out[k++] = isInt ? Math.trunc(v) : v;
      return;
    }
    if (!Array.isArray(v) || v.length !== expected[depth]) {
      throw new ShapeError(
        `tensor: ragged nested array: expected length ${expected[depth]} at depth ${depth}, got ${Array.isArray(v) ? v.length : typeof v}`,
      );
    }
    for (const e of v) walk(e, depth + 1, expected);
  };
  walk(values, 0, inferShape(values));
}

let allocations = 0;

/** An uninitialised-looking (zero-filled) tensor: the kernels' output allocator. */
export function empty(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  const t = new Tensor(allocate(dtype, sizeOf(shape)), shape);
  t.allocation = ++allocations;
  return t;
}

/** How many buffers `empty` has allocated so far (see Tensor.allocation). */
export function allocationCount(): number {
  return allocations;
}

/**
 * A tensor of `value` everywhere.
 *
 * @example
 * full([2, 2], 7); // [[7, 7], [7, 7]]
 */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/** `full` whose errors name the public function the user called. */
function filled(op: string, shape: readonly number[], value: number, options: CreateOptions): Tensor {
  const s = checkShape(op, shape);
  const t = empty(s, checkDType(op, options.dtype ?? 'float32'));
  if (value !== 0) t.data.fill(value);
  return finish(t, options);
}

/**
 * A tensor of zeros.
 *
 * @example
 * zeros([2, 3], { dtype: 'float64' });
 */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/**
 * A tensor of ones.
 *
 * @example
 * ones([3]); // [1, 1, 1]
 */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** Zeros with `t`'s shape and (unless given) dtype. */
export function zerosLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...options });
}

/** Ones with `t`'s shape and (unless given) dtype. */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...options });
}

/** `value` with `t`'s shape and (unless given) dtype. */
export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return full(t.shape, value, { dtype: t.dtype, ...options });
}

/** A copy of `t`'s data in a fresh leaf tensor (not recorded). */
export function detachedCopy(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), t.shape);
}

/**
 * Evenly spaced values in [start, stop), like `np.arange`; `arange(n)` counts 0..n-1.
 *
 * @example
 * arange(5); arange(1, 2, 0.25);
 */
export function arange(start: number, stop?: number, step = 1, options: CreateOptions = {}): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(step))
    throw new ValueError(`arange: step must be a non-zero finite number, got ${step}`);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const t = empty([n], checkDType('arange', options.dtype ?? 'float32'));
  for (let i = 0; i < n; i++) t.data[i] = start + i * step;
  return finish(t, options);
}

/**
 * `num` evenly spaced values from `start` to `stop` inclusive, like `np.linspace`.
 *
 * @example
 * linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num = 50, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(num) || num < 0)
    throw new ValueError(`linspace: num must be a non-negative integer, got ${num}`);
  const t = empty([num], checkDType('linspace', options.dtype ?? 'float32'));
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) t.data[i] = i === num - 1 && num > 1 ? stop : start + i * step;
  return finish(t, options);
}

/**
 * The `n`×`m` identity matrix (ones on the diagonal).
 *
 * @example
 * eye(3);
 */
export function eye(n: number, m = n, options: CreateOptions = {}): Tensor {
  const t = filled('eye', [n, m], 0, options);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** Options of the random creation functions. */
export interface RandomOptions extends CreateOptions {
  /** Generator to draw from (default: the one `manualSeed` seeds). */
  rng?: Rng;
}

/** The largest float32 below 1. */
const BELOW_ONE_F32 = 1 - 2 ** -24;

/**
 * Uniform samples in [0, 1) (also in float32, where rounding could otherwise give 1).
 *
 * @example
 * rand([2, 3], { rng: new Rng(0) });
 */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const t = empty(checkShape('rand', shape), floatDType('rand', options.dtype));
  const rng = options.rng ?? getDefaultRng();
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    d[i] = rng.random();
    // A double just below 1 rounds up to 1 in float32; keep the interval half-open.
    if (d[i] === 1) d[i] = BELOW_ONE_F32;
  }
  return finish(t, options);
}

/**
 * Standard normal samples (mean 0, std 1), like `np.random.randn`.
 *
 * @example
 * randn([784, 100]).mul(0.01); // the book's weight init
 */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const t = empty(checkShape('randn', shape), floatDType('randn', options.dtype));
  const rng = options.rng ?? getDefaultRng();
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return finish(t, options);
}

function floatDType(op: string, dtype: DType | undefined): DType {
  const d = checkDType(op, dtype ?? 'float32');
  if (!isFloat(d)) throw new DTypeError(`${op}: dtype must be float32 or float64, got ${d}`);
  return d;
}
