import { type AnyTypedArray, type NestedNumbers, flattenInto, inferShape, typedArrayData } from './array-input';
import {
  allocateChecked,
  checkAllocation,
  checkBoolean,
  checkNumber,
  checkOptions,
  checkTensor,
  describe,
} from './check';
import { takeBuffer } from './buffer-pool';
import { type DType, type TypedArray, allocate, checkDType, isFloat } from './dtype';
import { DTypeError, ShapeError, ValueError, fmtShape } from './errors';
import { type Rng, getDefaultRng } from './random';
import { toInt32 } from './int32';
import { checkShape, sizeOf } from './shape';
import { Tensor } from './tensor';

export type { AnyTypedArray, NestedNumbers } from './array-input';

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

const CREATE_KEYS = ['dtype', 'requiresGrad'] as const;
const TENSOR_KEYS = [...CREATE_KEYS, 'shape'] as const;
const RANDOM_KEYS = [...CREATE_KEYS, 'rng'] as const;

/** The checked options of a creation function: known keys, a dtype, a boolean requiresGrad. */
function createOptions<K extends string>(
  fn: string,
  options: unknown,
  keys: readonly K[],
): Partial<Record<K, unknown>> {
  const o = checkOptions(fn, options, keys) as Partial<Record<K | 'dtype' | 'requiresGrad', unknown>>;
  if (o.dtype !== undefined) checkDType(fn, o.dtype);
  if (o.requiresGrad !== undefined) checkBoolean(fn, 'requiresGrad', o.requiresGrad);
  return o;
}

function finish(t: Tensor, options: CreateOptions | undefined): Tensor {
  if (options?.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * Makes a tensor from nested arrays, a typed array, a number or a tensor. Nested numbers default
 * to float32; a Float32Array, Float64Array or Int32Array keeps its own dtype and storage unless
 * `dtype` says otherwise (then it is copied); other integer typed arrays are converted to int32
 * (a Uint32Array only when every value fits); a tensor is copied into a new leaf of the same
 * shape. int32 truncates toward zero and refuses NaN, ±Infinity and values beyond its range.
 *
 * @example
 * const x = tensor([[1, 2], [3, 4]]);
 * const y = tensor(new Float64Array(6), { shape: [2, 3], requiresGrad: true });
 */
export function tensor(values: NestedNumbers | AnyTypedArray | Tensor, options: TensorOptions = {}): Tensor {
  const o = createOptions('tensor', options, TENSOR_KEYS);
  const dtype = o.dtype as DType | undefined;
  if (values instanceof Tensor) {
    // A new leaf with its own copy of the data (as torch.tensor), keeping the shape.
    const data = dtype ? values.data : values.data.slice();
    return tensor(data, { shape: values.shape, ...options });
  }
  let data: TypedArray;
  let shape: number[];
  if (ArrayBuffer.isView(values)) {
    data = typedArrayData('tensor', values, dtype);
    shape = o.shape !== undefined ? checkShape('tensor', o.shape as readonly number[]) : [data.length];
  } else {
    shape = inferShape('tensor', values);
    data = allocateChecked('tensor', shape, dtype ?? 'float32', () => allocate(dtype ?? 'float32', sizeOf(shape)));
    flattenInto('tensor', values, shape, data);
    if (o.shape !== undefined) {
      const target = checkShape('tensor', o.shape as readonly number[]);
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

let allocations = 0;

/**
 * An uninitialised-looking (zero-filled) tensor: the kernels' output allocator. A large one may
 * reuse a buffer given back to the pool (buffer-pool.ts), zeroed again. The public functions
 * check sizes first (naming themselves); an allocation that still fails is a ValueError here
 * rather than the engine's RangeError.
 */
export function empty(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return allocateTensor(shape, dtype, true);
}

/**
 * @internal The output of a kernel that writes every element: as {@link empty}, but a buffer
 * reused from the pool keeps its old values instead of being zeroed first (a pass over
 * megabytes that the kernel would overwrite at once). Never for an output that is accumulated
 * into or written only in part.
 */
export function emptyOverwritten(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return allocateTensor(shape, dtype, false);
}

function allocateTensor(shape: readonly number[], dtype: DType, zero: boolean): Tensor {
  let data: TypedArray;
  const n = sizeOf(shape);
  const reused = takeBuffer(dtype, n);
  if (reused !== undefined) {
    data = zero ? reused.fill(0) : reused;
  } else {
    try {
      data = allocate(dtype, n);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      return allocateChecked('allocate', shape, dtype, () => {
        throw e;
      });
    }
  }
  const t = new Tensor(data, shape);
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
function filled(fn: string, shape: readonly number[], value: number, options: CreateOptions): Tensor {
  const o = createOptions(fn, options, CREATE_KEYS);
  const s = checkShape(fn, shape);
  const dtype = (o.dtype as DType | undefined) ?? 'float32';
  if (typeof value !== 'number') throw new ValueError(`${fn}: value must be a number, got ${describe(value)}`);
  const v = dtype === 'int32' ? toInt32(fn, 'value', value) : value;
  checkAllocation(fn, s, dtype);
  const t = empty(s, dtype);
  if (v !== 0) t.data.fill(v);
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
  return filled('zerosLike', checkTensor('zerosLike', 't', t).shape, 0, { dtype: t.dtype, ...options });
}

/** Ones with `t`'s shape and (unless given) dtype. */
export function onesLike(t: Tensor, options: CreateOptions = {}): Tensor {
  return filled('onesLike', checkTensor('onesLike', 't', t).shape, 1, { dtype: t.dtype, ...options });
}

/** `value` with `t`'s shape and (unless given) dtype. */
export function fullLike(t: Tensor, value: number, options: CreateOptions = {}): Tensor {
  return filled('fullLike', checkTensor('fullLike', 't', t).shape, value, { dtype: t.dtype, ...options });
}

/** A copy of `t`'s data in a fresh leaf tensor (not recorded). */
export function detachedCopy(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), t.shape);
}

/** A 1-d tensor of `n` values `at(i)`, checked for size and (int32) range first. */
function sequence(fn: string, n: number, at: (i: number) => number, options: CreateOptions): Tensor {
  const dtype = (createOptions(fn, options, CREATE_KEYS).dtype as DType | undefined) ?? 'float32';
  checkAllocation(fn, [n], dtype);
  const t = empty([n], dtype);
  const d = t.data;
  for (let i = 0; i < n; i++) d[i] = at(i);
  if (dtype === 'int32' && n > 0) {
    toInt32(fn, 'the first value', at(0));
    toInt32(fn, 'the last value', at(n - 1));
  }
  return finish(t, options);
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
  checkNumber('arange', 'start', start);
  checkNumber('arange', 'stop', stop);
  if (step === 0 || !Number.isFinite(step)) {
    throw new ValueError(`arange: step must be a non-zero finite number, got ${describe(step)}`);
  }
  const from = start;
  return sequence('arange', Math.max(0, Math.ceil((stop - start) / step)), (i) => from + i * step, options);
}

/**
 * `num` evenly spaced values from `start` to `stop` inclusive, like `np.linspace`.
 *
 * @example
 * linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 */
export function linspace(start: number, stop: number, num = 50, options: CreateOptions = {}): Tensor {
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'stop', stop);
  if (!Number.isSafeInteger(num) || num < 0) {
    throw new ValueError(`linspace: num must be a non-negative integer, got ${describe(num)}`);
  }
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  return sequence('linspace', num, (i) => (i === num - 1 && num > 1 ? stop : start + i * step), options);
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
  const { t, rng } = randomTensor('rand', shape, options);
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
  const { t, rng } = randomTensor('randn', shape, options);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return finish(t, options);
}

/** The checked, allocated output of a random creation function and the generator to fill it from. */
function randomTensor(fn: string, shape: readonly number[], options: RandomOptions): { t: Tensor; rng: Rng } {
  const o = createOptions(fn, options, RANDOM_KEYS);
  const s = checkShape(fn, shape);
  const d = checkDType(fn, o.dtype ?? 'float32');
  if (!isFloat(d)) throw new DTypeError(`${fn}: dtype must be float32 or float64, got ${d}`);
  const draw = fn === 'rand' ? 'random' : 'normal';
  if (o.rng !== undefined && typeof (o.rng as { [k: string]: unknown } | null)?.[draw] !== 'function') {
    throw new ValueError(`${fn}: rng must be an Rng (an object with a ${draw}() method), got ${describe(o.rng)}`);
  }
  checkAllocation(fn, s, d);
  return { t: empty(s, d), rng: (o.rng as Rng | undefined) ?? getDefaultRng() };
}
