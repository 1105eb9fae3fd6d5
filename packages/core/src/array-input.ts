/**
 * What `tensor()` accepts as values, turned into tapegrad's storage (Float32Array,
 * Float64Array or Int32Array): nested arrays of numbers, and typed arrays of every kind. A typed
 * array of another kind is converted (Uint8Array → int32 …) or refused, never relabelled.
 */
import { type DType, type TypedArray, allocate } from './dtype';
import { DTypeError, ShapeError, ValueError } from './errors';
import { INT32_MAX, int32Into, toInt32 } from './int32';

/** Nested arrays of numbers (any depth), as accepted by `tensor()`. */
export type NestedNumbers = number | readonly NestedNumbers[];

/** Any typed array `tensor()` accepts (the bigint ones are refused). */
export type AnyTypedArray =
  TypedArray | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Uint32Array;

/**
 * The dtype a typed array is stored as when no dtype is asked for; with `exact`, a Uint32Array
 * whose values int32 cannot hold is refused (without, only its kind is checked).
 */
function naturalDType(fn: string, a: ArrayBufferView, exact: boolean): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (
    a instanceof Int32Array ||
    a instanceof Int8Array ||
    a instanceof Uint8Array ||
    a instanceof Uint8ClampedArray ||
    a instanceof Int16Array ||
    a instanceof Uint16Array
  ) {
    return 'int32';
  }
  if (a instanceof Uint32Array) {
    for (let i = 0; exact && i < a.length; i++) {
      if (a[i] > INT32_MAX) {
        throw new ValueError(
          `${fn}: values[${i}] of the Uint32Array is ${a[i]}, which int32 cannot hold; ` +
            `pass { dtype: 'float64' } (exact for every uint32)`,
        );
      }
    }
    return 'int32';
  }
  throw new DTypeError(
    `${fn}: a ${a.constructor.name} cannot be a tensor's data; use a Float32Array, Float64Array or Int32Array ` +
      `(or Int8/Uint8/Int16/Uint16/Uint32 arrays, converted to int32)`,
  );
}

/**
 * The storage for a typed array: the array itself when it is already of `dtype` (or of its own
 * dtype and none is asked for), else a converted copy; int32 conversion truncates and refuses
 * what int32 cannot hold.
 *
 * @example
 * typedArrayData('tensor', new Uint8Array([1, 2]), undefined); // Int32Array [1, 2]
 */
export function typedArrayData(fn: string, values: ArrayBufferView, dtype: DType | undefined): TypedArray {
  const own = naturalDType(fn, values, dtype === undefined);
  const target = dtype ?? own;
  const src = values as AnyTypedArray;
  const sameKind =
    (target === 'float32' && src instanceof Float32Array) ||
    (target === 'float64' && src instanceof Float64Array) ||
    (target === 'int32' && src instanceof Int32Array);
  // Keep the caller's storage only when nothing was asked for (an explicit dtype copies).
  if (sameKind && dtype === undefined) return src as TypedArray;
  if (target === 'int32') return int32Into(fn, 'values', src, new Int32Array(src.length));
  const out = allocate(target, src.length);
  out.set(src);
  return out;
}

/**
 * The shape of nested arrays (from the first element at each depth), or a ValueError for
 * anything that is not a number or an array.
 *
 * @example
 * inferShape('tensor', [[1, 2, 3], [4, 5, 6]]); // [2, 3]
 */
export function inferShape(fn: string, values: unknown): number[] {
  const shape: number[] = [];
  let v = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    if (v.length === 0) break;
    v = v[0];
  }
  if (!Array.isArray(v) && typeof v !== 'number') {
    const got = v === null || v === undefined ? String(v) : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
    throw new ValueError(
      `${fn}: values must be numbers, nested arrays of numbers, a typed array or a Tensor; found ${got}`,
    );
  }
  return shape;
}

/**
 * Writes nested arrays of `shape` into `out` row-major; int32 truncates and refuses what it
 * cannot hold. A ragged array is a ShapeError.
 *
 * @example
 * flattenInto('tensor', [[1, 2], [3, 4]], [2, 2], new Float32Array(4)); // 1, 2, 3, 4
 */
export function flattenInto(fn: string, values: NestedNumbers, shape: readonly number[], out: TypedArray): void {
  let k = 0;
  const isInt = out instanceof Int32Array;
  const walk = (v: NestedNumbers, depth: number): void => {
    if (depth === shape.length) {
      if (typeof v !== 'number') {
        throw new ShapeError(
          `${fn}: values is a ragged nested array: expected a number at depth ${depth}, found ${typeof v}`,
        );
      }
      out[k] = isInt ? toInt32(fn, `element ${k} of values`, v) : v;
      k++;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) {
      throw new ShapeError(
        `${fn}: values is a ragged nested array: expected length ${shape[depth]} at depth ${depth}, got ${Array.isArray(v) ? v.length : typeof v}`,
      );
    }
    for (const e of v) walk(e, depth + 1);
  };
  walk(values, 0);
}
