/**
 * An extent in the exported graph: a number (static), the name of a dynamic input axis
 * (`'batch'`), or null — dynamic, but no input's extent (a product such as batch·784).
 */
export type Dim = number | string | null;

/**
 * Formats extents as tapegrad's messages do, dynamic ones by name (`?` when unnamed).
 *
 * @example
 * fmtDims(['batch', 784]); // '[batch,784]'
 */
export function fmtDims(dims: readonly Dim[]): string {
  return `[${dims.map((d) => (d === null ? '?' : d)).join(',')}]`;
}

/** True when two extents are known to be equal (an unnamed dynamic extent equals nothing). */
export function sameDim(a: Dim, b: Dim): boolean {
  return a !== null && a === b;
}

/**
 * NumPy's broadcast of two shapes of extents, or null where it is not certain to hold for every
 * size of the dynamic axes.
 *
 * @example
 * broadcastDims(['batch', 10], [10]); // ['batch', 10]
 */
export function broadcastDims(a: readonly Dim[], b: readonly Dim[]): Dim[] | null {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = i - (n - a.length) >= 0 ? a[i - (n - a.length)] : 1;
    const y = i - (n - b.length) >= 0 ? b[i - (n - b.length)] : 1;
    if (x === 1) out.push(y);
    else if (y === 1 || sameDim(x, y)) out.push(x);
    else return null;
  }
  return out;
}
