import { DTypeError } from './errors';

/** Element types a tensor can hold. `float32` is the default; `float64` is for gradient checks. */
export type DType = 'float32' | 'float64' | 'int32';

/** The typed arrays behind tensors. */
export type TypedArray = Float32Array | Float64Array | Int32Array;

/** Every dtype, in promotion order. */
export const DTYPES: readonly DType[] = ['int32', 'float32', 'float64'];

/**
 * Allocates a zero-filled typed array of `dtype` with `size` elements.
 *
 * @example
 * allocate('float64', 3); // Float64Array [0, 0, 0]
 */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
  }
}

/**
 * The dtype a typed array stores.
 *
 * @example
 * dtypeOfArray(new Int32Array(2)); // 'int32'
 */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  const v: unknown = a;
  const got = ArrayBuffer.isView(v) ? `a ${v.constructor.name}` : v == null ? String(v) : `a ${typeof v}`;
  throw new DTypeError(`Tensor: data must be a Float32Array, Float64Array or Int32Array, got ${got}`);
}

/** True for `float32` and `float64`. */
export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

/**
 * The dtype of a binary op's result, as PyTorch promotes: any float64 → float64, else any float
 * → float32, else int32.
 *
 * @example
 * promoteTypes('int32', 'float32'); // 'float32'
 */
export function promoteTypes(a: DType, b: DType): DType {
  return DTYPES.indexOf(a) >= DTYPES.indexOf(b) ? a : b;
}

/** Throws a DTypeError unless `dtype` is a known dtype. */
export function checkDType(op: string, dtype: unknown): DType {
  if (dtype === 'float32' || dtype === 'float64' || dtype === 'int32') return dtype;
  const got =
    typeof dtype === 'string'
      ? `'${dtype}'`
      : dtype === null || typeof dtype === 'number' || typeof dtype === 'boolean' || dtype === undefined
        ? String(dtype)
        : `a ${typeof dtype}`;
  throw new DTypeError(`${op}: unknown dtype ${got}; valid: float32, float64, int32`);
}
