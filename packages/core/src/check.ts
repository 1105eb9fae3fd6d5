/**
 * The argument checkers every public entry point of tapegrad uses, so that a bad argument gets
 * the same kind of typed error wherever it is passed: `fn: name must be …, got …`. They return
 * the checked value (narrowed), so a check and its use are one line.
 *
 * @example
 * const n = checkInteger('Trainer.predict', 'batchSize', options.batchSize, { min: 1 });
 * const { lr } = checkOptions('SGD', options, ['lr', 'momentum']);
 */
import type { DType } from './dtype';
import { DTypeError, ShapeError, ValueError, fmtShape } from './errors';
import { Tensor } from './tensor';

export { checkDType } from './dtype';

/**
 * A short, safe description of any value for an error message: numbers as written, strings
 * quoted, arrays by their items (the first few), objects by their class.
 *
 * @example
 * describe(0.5); // '0.5'
 * describe(null); // 'null'
 */
export function describe(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || v === undefined || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (v instanceof Tensor) return `a ${v.dtype} Tensor of shape ${fmtShape(v.shape)}`;
  if (Array.isArray(v)) {
    const items = v.slice(0, 6).map((e) => (Array.isArray(e) ? '[…]' : describe(e)));
    return `[${items.join(', ')}${v.length > 6 ? ', …' : ''}]`;
  }
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

/** Bounds for {@link checkInteger}. */
export interface IntegerRange {
  /** Smallest valid value (inclusive). */
  min?: number;
  /** Largest valid value (inclusive). */
  max?: number;
}

function rangeText({ min, max }: IntegerRange): string {
  if (min !== undefined && max !== undefined) return ` in [${min}, ${max}]`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

/**
 * Checks that `v` is a safe integer within `range`; returns it.
 *
 * @example
 * checkInteger('DataLoader', 'batchSize', 32, { min: 1 }); // 32
 * checkInteger('DataLoader', 'batchSize', 0.5, { min: 1 }); // ValueError: DataLoader: batchSize must be an integer ≥ 1, got 0.5
 */
export function checkInteger(fn: string, name: string, v: unknown, range: IntegerRange = {}): number {
  if (
    typeof v !== 'number' ||
    !Number.isSafeInteger(v) ||
    (range.min !== undefined && v < range.min) ||
    (range.max !== undefined && v > range.max)
  ) {
    throw new ValueError(`${fn}: ${name} must be an integer${rangeText(range)}, got ${describe(v)}`);
  }
  return v;
}

/**
 * Checks a per-axis integer argument of a windowed op (kernel size, stride, padding …): one
 * integer for every axis, or an array of `length` integers, each within `range`; returns the
 * array.
 *
 * @example
 * checkIntTuple('conv2d', 'stride', 2, 2, { min: 1 }); // [2, 2]
 * checkIntTuple('conv2d', 'stride', [1, 0], 2, { min: 1 }); // ValueError: conv2d: stride must be an integer ≥ 1 or 2 of them, got [1, 0]
 */
export function checkIntTuple(
  fn: string,
  name: string,
  v: unknown,
  length: number,
  range: IntegerRange = {},
): number[] {
  const ok = (e: unknown): boolean =>
    typeof e === 'number' &&
    Number.isSafeInteger(e) &&
    (range.min === undefined || e >= range.min) &&
    (range.max === undefined || e <= range.max);
  if (ok(v)) return new Array<number>(length).fill(v as number);
  if (Array.isArray(v) && v.length === length && v.every(ok)) return [...(v as number[])];
  const many = length === 1 ? 'a list of one' : `${length} of them`;
  throw new ValueError(`${fn}: ${name} must be an integer${rangeText(range)} or ${many}, got ${describe(v)}`);
}

/** Bounds for {@link checkNumber}; every number is also required to be finite unless `finite: false`. */
export interface NumberRange {
  /** Smallest valid value (inclusive). */
  min?: number;
  /** Largest valid value (inclusive). */
  max?: number;
  /** Values must be greater than this (exclusive). */
  above?: number;
  /** Values must be less than this (exclusive). */
  below?: number;
  /** Allow ±Infinity (NaN is never valid). Default false. */
  finite?: boolean;
}

function numberRangeText(r: NumberRange): string {
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(`≥ ${r.min}`);
  if (r.above !== undefined) parts.push(`> ${r.above}`);
  if (r.max !== undefined) parts.push(`≤ ${r.max}`);
  if (r.below !== undefined) parts.push(`< ${r.below}`);
  return parts.length === 0 ? '' : ` ${parts.join(' and ')}`;
}

/**
 * Checks that `v` is a number (finite unless `finite: false`; never NaN) within `range`.
 *
 * @example
 * checkNumber('SGD', 'lr', 0.1, { min: 0 }); // 0.1
 * checkNumber('Adam', 'eps', 0, { above: 0 }); // ValueError: Adam: eps must be a finite number > 0, got 0
 */
export function checkNumber(fn: string, name: string, v: unknown, range: NumberRange = {}): number {
  const finiteOnly = range.finite !== false;
  if (
    typeof v !== 'number' ||
    Number.isNaN(v) ||
    (finiteOnly && !Number.isFinite(v)) ||
    (range.min !== undefined && v < range.min) ||
    (range.max !== undefined && v > range.max) ||
    (range.above !== undefined && !(v > range.above)) ||
    (range.below !== undefined && !(v < range.below))
  ) {
    const kind = finiteOnly ? 'a finite number' : 'a number';
    throw new ValueError(`${fn}: ${name} must be ${kind}${numberRangeText(range)}, got ${describe(v)}`);
  }
  return v;
}

/**
 * Checks that `v` is a boolean.
 *
 * @example
 * checkBoolean('DataLoader', 'shuffle', true); // true
 */
export function checkBoolean(fn: string, name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ValueError(`${fn}: ${name} must be true or false, got ${describe(v)}`);
  return v;
}

/**
 * Checks that `v` is a string (a non-empty one unless `allowEmpty`), such as a file path.
 *
 * @example
 * checkString('loadMnist', 'dir', '/data/mnist'); // '/data/mnist'
 * checkString('readBytes', 'file', 0); // ValueError: readBytes: file must be a non-empty string, got 0
 */
export function checkString(fn: string, name: string, v: unknown, { allowEmpty = false } = {}): string {
  if (typeof v !== 'string' || (!allowEmpty && v === '')) {
    throw new ValueError(`${fn}: ${name} must be a ${allowEmpty ? '' : 'non-empty '}string, got ${describe(v)}`);
  }
  return v;
}

/**
 * Checks that `v` is one of `choices`.
 *
 * @example
 * checkOneOf('pad', 'mode', 'reflect', ['constant', 'reflect', 'replicate'] as const); // 'reflect'
 */
export function checkOneOf<T extends string | number>(fn: string, name: string, v: unknown, choices: readonly T[]): T {
  if (!choices.includes(v as T)) {
    throw new ValueError(`${fn}: ${name} must be one of ${choices.map(describe).join(', ')}; got ${describe(v)}`);
  }
  return v as T;
}

/**
 * Checks that `v` is a function.
 *
 * @example
 * checkFunction('LambdaLR', 'lrLambda', (epoch: number) => 0.95 ** epoch);
 */
export function checkFunction<F extends (...args: never[]) => unknown>(fn: string, name: string, v: unknown): F {
  if (typeof v !== 'function') throw new ValueError(`${fn}: ${name} must be a function, got ${describe(v)}`);
  return v as F;
}

/** Requirements for {@link checkTensor}. */
export interface TensorRequirements {
  /** Valid dtypes (one or several). */
  dtype?: DType | readonly DType[];
  /** Valid ranks (one or several). */
  ndim?: number | readonly number[];
}

/**
 * Checks that `v` is a Tensor (ValueError otherwise), optionally of the given dtypes (DTypeError)
 * and ranks (ShapeError).
 *
 * @example
 * checkTensor('conv2d', 'weight', w, { ndim: 4 });
 * checkTensor('concat', 'tensors[1]', null); // ValueError: concat: tensors[1] must be a Tensor, got null
 */
export function checkTensor(fn: string, name: string, v: unknown, req: TensorRequirements = {}): Tensor {
  if (!(v instanceof Tensor)) throw new ValueError(`${fn}: ${name} must be a Tensor, got ${describe(v)}`);
  if (req.dtype !== undefined) {
    const ok = typeof req.dtype === 'string' ? [req.dtype] : req.dtype;
    if (!ok.includes(v.dtype)) {
      throw new DTypeError(`${fn}: ${name} must be ${ok.join(' or ')}, got ${v.dtype} of shape ${fmtShape(v.shape)}`);
    }
  }
  if (req.ndim !== undefined) {
    const ok = typeof req.ndim === 'number' ? [req.ndim] : req.ndim;
    if (!ok.includes(v.ndim)) {
      throw new ShapeError(`${fn}: ${name} must have rank ${ok.join(' or ')}, got shape ${fmtShape(v.shape)}`);
    }
  }
  return v;
}

/**
 * Checks that `v` is a shape: an array of non-negative safe integers (ShapeError otherwise);
 * returns a fresh copy.
 *
 * @example
 * checkShapeArg('zeros', 'shape', [2, 3]); // [2, 3]
 * checkShapeArg('zeros', 'shape', [-2, 3]); // ShapeError: zeros: shape must hold non-negative integers, got [-2, 3]
 */
export function checkShapeArg(fn: string, name: string, v: unknown): number[] {
  if (!Array.isArray(v) || !v.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    throw new ShapeError(`${fn}: ${name} must be an array of non-negative integers, got ${describe(v)}`);
  }
  return [...(v as number[])];
}

/**
 * Resolves a possibly negative axis against a rank: a ShapeError unless it is an integer in
 * [-ndim, ndim) (a rank-0 tensor accepts 0 and −1, as PyTorch).
 *
 * @example
 * checkAxis('softmax', 'axis', -1, 3); // 2
 */
export function checkAxis(fn: string, name: string, axis: unknown, ndim: number): number {
  const n = Math.max(ndim, 1);
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -n || axis >= n) {
    throw new ShapeError(`${fn}: ${name} ${describe(axis)} is out of range for a tensor of rank ${ndim}`);
  }
  return axis < 0 ? axis + n : axis;
}

/**
 * Checks an options argument: `undefined` stands for `{}`; anything but a plain object is a
 * ValueError, and so is a key not in `known` (a misspelled option must not silently fall back
 * to its default). Returns the options typed by their known keys.
 *
 * @example
 * const o = checkOptions('DataLoader', { batchSize: 8 }, ['batchSize', 'shuffle'] as const);
 * checkOptions('Trainer.fit', { maxEpochs: 3 }, ['epochs']); // ValueError: Trainer.fit: unknown option 'maxEpochs'; valid: epochs
 */
export function checkOptions<K extends string>(
  fn: string,
  options: unknown,
  known: readonly K[],
): Partial<Record<K, unknown>> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options) || options instanceof Tensor) {
    throw new ValueError(`${fn}: options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!(known as readonly string[]).includes(key)) {
      const near = nearest(key, known);
      const hint = near !== null ? ` (did you mean '${near}'?)` : '';
      throw new ValueError(`${fn}: unknown option '${key}'${hint}; valid: ${known.join(', ')}`);
    }
  }
  return options as Partial<Record<K, unknown>>;
}

// The known name a misspelling most likely meant: the same name in another case, else the closest
// within two edits (ties: the first listed); null when none is that close.
function nearest(key: string, known: readonly string[]): string | null {
  const same = known.find((k) => k.toLowerCase() === key.toLowerCase());
  if (same !== undefined) return same;
  let best: string | null = null;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(k, key);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/**
 * The most elements one tensor may hold: the engine's typed-array limit (2³² elements in V8 on
 * 64-bit machines). Memory may run out well before it; that is reported as a ValueError too.
 */
export const MAX_ELEMENTS = 2 ** 32;

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4 };

function gigabytes(bytes: number): string {
  const gb = bytes / 1e9;
  return gb >= 10 ? `${Math.round(gb)} GB` : `${gb.toPrecision(2)} GB`;
}

/**
 * Checks that a tensor of `shape` and `dtype` can be allocated at all, before any typed array is
 * made; returns its element count.
 *
 * @example
 * checkAllocation('zeros', [1e5, 1e5], 'float32');
 * // ValueError: zeros: shape [100000,100000] needs 40 GB (float32); the limit is 4294967296 elements
 */
export function checkAllocation(fn: string, shape: readonly number[], dtype: DType): number {
  let n = 1;
  for (const d of shape) n *= d;
  if (n > MAX_ELEMENTS) {
    throw new ValueError(
      `${fn}: shape ${fmtShape(shape)} needs ${gigabytes(n * BYTES[dtype])} (${dtype}); the limit is ${MAX_ELEMENTS} elements`,
    );
  }
  return n;
}

/**
 * Allocates a typed array of `n` elements of `dtype` through `make`, turning the engine's
 * out-of-memory RangeError into a ValueError that names the function and the size.
 *
 * @example
 * const data = allocateChecked('zeros', [2, 3], 'float32', () => new Float32Array(6));
 */
export function allocateChecked<T>(fn: string, shape: readonly number[], dtype: DType, make: () => T): T {
  const n = checkAllocation(fn, shape, dtype);
  try {
    return make();
  } catch (e) {
    if (e instanceof RangeError) {
      throw new ValueError(
        `${fn}: could not allocate shape ${fmtShape(shape)} (${gigabytes(n * BYTES[dtype])} of ${dtype}): ${e.message}`,
      );
    }
    throw e;
  }
}
