import { Tensor, type TypedArray } from '@tapegrad/core';

/**
 * `t` with every axis in `axes` cut to its first entry, or null when `t` is not uniform along
 * them (some entry differs from the first one along such an axis).
 *
 * @example
 * collapseAxes(tensor([[1, 2], [1, 2]]), [0]); // shape [1, 2], values [1, 2]
 */
export function collapseAxes(t: Tensor, axes: readonly number[]): { shape: number[]; data: TypedArray } | null {
  const shape = t.shape.map((d, k) => (axes.includes(k) ? Math.min(d, 1) : d));
  if (axes.length === 0) return { shape, data: t.data };
  const strides = new Array<number>(t.ndim);
  let s = 1;
  for (let k = t.ndim - 1; k >= 0; k--) {
    strides[k] = s;
    s *= t.shape[k];
  }
  const kept = new Array<number>();
  for (let i = 0; i < t.size; i++) {
    let first = i;
    for (const k of axes) first -= (Math.floor(i / strides[k]) % t.shape[k]) * strides[k];
    if (!sameNumber(t.data[i], t.data[first])) return null;
    if (first === i) kept.push(i);
  }
  const data = new (t.data.constructor as { new (n: number): TypedArray })(kept.length);
  kept.forEach((i, j) => (data[j] = t.data[i]));
  return { shape, data };
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Equal typed arrays, NaN equal to NaN. */
export function sameData(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameNumber(a[i], b[i])) return false;
  return true;
}

/**
 * Deep equality of two op attribute values: numbers, strings, arrays, typed arrays, tensors (shape
 * and values) and plain objects.
 *
 * @example
 * sameAttrs({ axes: [1], keepdims: false }, { axes: [1], keepdims: false }); // true
 */
export function sameAttrs(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return sameNumber(a, b);
  if (a instanceof Tensor || b instanceof Tensor) {
    return a instanceof Tensor && b instanceof Tensor && sameAttrs(a.shape, b.shape) && sameData(a.data, b.data);
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    return ArrayBuffer.isView(a) && ArrayBuffer.isView(b) && sameData(a as TypedArray, b as TypedArray);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameAttrs(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => k in rb && sameAttrs(ra[k], rb[k]));
  }
  return false;
}
