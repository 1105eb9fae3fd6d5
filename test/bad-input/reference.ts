/**
 * A float64 reference for the bad-input suite: n-d arrays as plain numbers and shapes, and the
 * ops the suite calls written the slow, obvious way over multi-indices. A result tapegrad
 * returns for a valid call is compared with these.
 */

/** A shape and its values, row-major, in float64. */
export interface Nd {
  shape: number[];
  data: number[];
}

export const nd = (shape: readonly number[], data: ArrayLike<number>): Nd => ({
  shape: [...shape],
  data: Array.from(data),
});

const size = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Every multi-index of `shape`, row-major. */
function* indices(shape: readonly number[]): Generator<number[]> {
  const n = size(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    yield [...idx];
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
}

const offset = (shape: readonly number[], idx: readonly number[]): number =>
  idx.reduce((o, v, k) => o * shape[k] + v, 0);

/** NumPy's broadcast shape, or null. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** The value of `x` at an index of the broadcast shape `shape`. */
function at(x: Nd, shape: readonly number[], idx: readonly number[]): number {
  const lead = shape.length - x.shape.length;
  const own = x.shape.map((d, k) => (d === 1 ? 0 : idx[lead + k]));
  return x.data[offset(x.shape, own)];
}

/** `f` elementwise over broadcast operands. */
export function elementwise(f: (...v: number[]) => number, ...xs: Nd[]): Nd {
  const shape = xs.reduce<number[] | null>((s, x) => (s === null ? null : broadcastShape(s, x.shape)), []);
  if (shape === null) throw new Error('reference: shapes do not broadcast');
  const data: number[] = [];
  for (const idx of indices(shape)) data.push(f(...xs.map((x) => at(x, shape, idx))));
  return { shape, data };
}

/** Axes as non-negative sorted numbers (all when undefined/null); a scalar has none. */
export function axesOf(axis: number | readonly number[] | null | undefined, ndim: number): number[] {
  if (ndim === 0) return [];
  if (axis === undefined || axis === null) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : axis;
  return [...new Set(list.map((a) => (a < 0 ? a + ndim : a)))].sort((a, b) => a - b);
}

/** Reduces each group of `x` over `axes` with `f` (which sees the group's values in order). */
export function reduce(x: Nd, axes: readonly number[], keepdims: boolean, f: (vs: number[]) => number): Nd {
  const kept = x.shape.map((d, k) => (axes.includes(k) ? 1 : d));
  const groups = new Map<number, number[]>();
  for (const idx of indices(x.shape)) {
    const o = offset(
      kept,
      idx.map((v, k) => (axes.includes(k) ? 0 : v)),
    );
    if (!groups.has(o)) groups.set(o, []);
    groups.get(o)!.push(x.data[offset(x.shape, idx)]);
  }
  const data = Array.from({ length: size(kept) }, (_, o) => f(groups.get(o) ?? []));
  return { shape: keepdims ? kept : x.shape.filter((_, k) => !axes.includes(k)), data };
}

/** softmax-like maps along one axis: `f` gets the slice and returns its new values. */
export function alongAxis(x: Nd, axis: number, f: (vs: number[]) => number[]): Nd {
  if (x.shape.length === 0) return { shape: [], data: f([x.data[0]]) };
  const a = axis < 0 ? axis + x.shape.length : axis;
  const out = [...x.data];
  const groups = reduceIndex(x.shape, a);
  for (const flat of groups) {
    const vs = f(flat.map((i) => x.data[i]));
    flat.forEach((i, k) => (out[i] = vs[k]));
  }
  return { shape: x.shape, data: out };
}

function reduceIndex(shape: readonly number[], axis: number): number[][] {
  const groups = new Map<number, number[]>();
  for (const idx of indices(shape)) {
    const key = offset(
      shape.map((d, k) => (k === axis ? 1 : d)),
      idx.map((v, k) => (k === axis ? 0 : v)),
    );
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(offset(shape, idx));
  }
  return [...groups.values()];
}

/** Axes permuted: out[i…] = x[perm applied]. */
export function transposeNd(x: Nd, perm: readonly number[]): Nd {
  const shape = perm.map((p) => x.shape[p]);
  const data: number[] = [];
  for (const idx of indices(shape)) {
    const src = new Array<number>(x.shape.length);
    perm.forEach((p, k) => (src[p] = idx[k]));
    data.push(x.data[offset(x.shape, src)]);
  }
  return { shape, data };
}

/** Python's range of a slice `start:stop:step` over an axis of extent n. */
export function sliceRange(
  n: number,
  start: number | null | undefined,
  stop: number | null | undefined,
  step = 1,
): number[] {
  const norm = (v: number, lo: number, hi: number): number => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const s =
    start === null || start === undefined
      ? step > 0
        ? 0
        : n - 1
      : step > 0
        ? norm(start, 0, n)
        : norm(start, -1, n - 1);
  const e =
    stop === null || stop === undefined ? (step > 0 ? n : -1) : step > 0 ? norm(stop, 0, n) : norm(stop, -1, n - 1);
  const out: number[] = [];
  for (let i = s; step > 0 ? i < e : i > e; i += step) out.push(i);
  return out;
}

/** Takes `picks[k]` along axis k (keeping it when `keep[k]`, dropping it for a single index). */
export function pick(x: Nd, picks: readonly number[][], keep: readonly boolean[]): Nd {
  const full = picks.map((p) => p.length);
  const data: number[] = [];
  for (const idx of indices(full))
    data.push(
      x.data[
        offset(
          x.shape,
          idx.map((v, k) => picks[k][v]),
        )
      ],
    );
  return { shape: full.filter((_, k) => keep[k]), data };
}

/** 2-d matrix product. */
export function matmul2(a: Nd, b: Nd): Nd {
  const [m, k] = a.shape;
  const n = b.shape[1];
  const data: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a.data[i * k + t] * b.data[t * n + j];
      data.push(s);
    }
  }
  return { shape: [m, n], data };
}

/** Joins along `axis` (all other extents equal). */
export function concatNd(xs: readonly Nd[], axis: number): Nd {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  const data: number[] = [];
  for (const idx of indices(shape)) {
    let i = idx[axis];
    let k = 0;
    while (i >= xs[k].shape[axis]) i -= xs[k++].shape[axis];
    const src = [...idx];
    src[axis] = i;
    data.push(xs[k].data[offset(xs[k].shape, src)]);
  }
  return { shape, data };
}
