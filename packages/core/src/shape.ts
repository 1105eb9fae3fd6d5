import { ShapeError, ValueError, fmtShape } from './errors';

/** A tensor's shape: one non-negative integer per axis, `[]` for a scalar. */
export type Shape = readonly number[];

/** Number of elements of a shape (1 for a scalar). */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** Row-major (C-order) strides of a contiguous array of `shape`, in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** True when both shapes have the same rank and extents. */
export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Checks that every extent is a non-negative integer; returns a fresh copy. */
export function checkShape(op: string, shape: Shape): number[] {
  if (!Array.isArray(shape)) throw new ShapeError(`${op}: shape must be an array of non-negative integers`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`${op}: shape ${fmtShape(shape)} must hold non-negative integers`);
    }
  }
  return [...shape];
}

/**
 * The broadcast shape of several shapes under NumPy's rules: align on the right; each pair of
 * extents must be equal or one of them 1.
 *
 * @example
 * broadcastShapes('add', [2, 1, 3], [4, 3]); // [2, 4, 3]
 */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const ndim = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    const off = ndim - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i];
      const o = out[off + i];
      if (o === 1) out[off + i] = d;
      else if (d !== 1 && d !== o) {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(fmtShape).join(', ')} cannot be broadcast together ` +
            `(axis ${off + i - ndim} has ${o} vs ${d})`,
        );
      }
    }
  }
  return out;
}

/**
 * Resolves a possibly negative axis against `ndim`, throwing a ShapeError naming the op when it
 * is out of range. A scalar (ndim 0) accepts 0 and −1, both meaning 0.
 *
 * @example
 * normalizeAxis('sum', -1, 3); // 2
 */
export function normalizeAxis(op: string, axis: number, ndim: number): number {
  // A scalar accepts axis 0 or −1, as PyTorch (so softmax(x) and x.sum(-1) work on it).
  const n = Math.max(ndim, 1);
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -n || axis >= n) {
    const shown = typeof axis === 'string' ? JSON.stringify(axis) : String(axis);
    throw new ShapeError(`${op}: axis ${shown} is out of range for a tensor of rank ${ndim}`);
  }
  return axis < 0 ? axis + n : axis;
}

/**
 * Resolves `axis` (a number, a list, or undefined/null for all axes) to a sorted list of unique
 * non-negative axes. A scalar has no axis to reduce: 0 and −1 are accepted (as PyTorch) and
 * resolve to none, so every reduction of a rank-0 tensor over them is the identity.
 *
 * @example
 * normalizeAxes('sum', [-1, 0], 3); // [0, 2]
 */
export function normalizeAxes(op: string, axis: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    const shown = typeof axis === 'string' ? JSON.stringify(axis) : typeof axis;
    throw new ShapeError(`${op}: axis must be a number, a list of numbers or null, got ${shown}`);
  }
  const list: readonly number[] = typeof axis === 'number' ? [axis] : axis;
  const out = list.map((a) => normalizeAxis(op, a, ndim));
  const sorted = [...new Set(out)].sort((a, b) => a - b);
  if (sorted.length !== out.length) throw new ShapeError(`${op}: repeated axis in [${list.join(',')}]`);
  return ndim === 0 ? [] : sorted;
}

/** The shape left after reducing `axes`, keeping them as 1 when `keepdims`. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepdims) out.push(1);
    } else out.push(shape[i]);
  }
  return out;
}

/**
 * Splits `shape` around `axis` into (outer, len, inner) so that element (o, l, i) sits at
 * `(o * len + l) * inner + i`: the layout every single-axis kernel uses.
 */
export function splitAt(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis] ?? 1, inner];
}

/** Throws a ValueError unless `n` is an integer ≥ `min`. */
export function checkInt(op: string, name: string, n: number, min = 0): number {
  if (!Number.isInteger(n) || n < min) throw new ValueError(`${op}: ${name} must be an integer ≥ ${min}, got ${n}`);
  return n;
}
