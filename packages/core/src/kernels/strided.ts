import type { TypedArray } from '../dtype';

/**
 * Gathers a strided view of `src` into the contiguous `dst`: element `idx` of an array of
 * `shape` is read from `src[offset + Σ idx[k]·strides[k]]`. A stride of 0 broadcasts an axis,
 * permuted strides transpose, an offset and scaled strides slice. One kernel serves broadcastTo,
 * transpose and slice.
 */
export function stridedCopy(
  src: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  dst: TypedArray,
): void {
  const nd = shape.length;
  const n = dst.length;
  if (n === 0) return;
  if (nd === 0) {
    dst[0] = src[offset];
    return;
  }
  const last = nd - 1;
  const lastLen = shape[last];
  const lastStride = strides[last];
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  let o = 0;
  while (o < n) {
    if (lastStride === 1) for (let j = 0; j < lastLen; j++) dst[o++] = src[base + j];
    else if (lastStride === 0) {
      const v = src[base];
      for (let j = 0; j < lastLen; j++) dst[o++] = v;
    } else for (let j = 0; j < lastLen; j++) dst[o++] = src[base + j * lastStride];
    // Advance the multi-index over all axes but the last.
    let k = last - 1;
    while (k >= 0) {
      idx[k]++;
      base += strides[k];
      if (idx[k] < shape[k]) break;
      base -= idx[k] * strides[k];
      idx[k] = 0;
      k--;
    }
    if (k < 0) break;
  }
}

/**
 * Copies `count` blocks of `block` elements from `src` (stride `srcStride` between blocks,
 * starting at `srcOff`) into `dst` (stride `dstStride`, starting at `dstOff`). Concat and its
 * backward slices are made of this.
 */
export function copyBlocks(
  src: TypedArray,
  srcOff: number,
  srcStride: number,
  dst: TypedArray,
  dstOff: number,
  dstStride: number,
  count: number,
  block: number,
): void {
  for (let c = 0; c < count; c++) {
    const s = srcOff + c * srcStride;
    const d = dstOff + c * dstStride;
    if (block > 32) dst.set(src.subarray(s, s + block), d);
    else for (let j = 0; j < block; j++) dst[d + j] = src[s + j];
  }
}

/**
 * The adjoint of {@link stridedCopy}: writes the contiguous `src` into the strided positions of
 * `dst` (which must not overlap, as for a slice).
 */
export function stridedScatter(
  src: TypedArray,
  dst: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
): void {
  const nd = shape.length;
  const n = src.length;
  if (n === 0) return;
  if (nd === 0) {
    dst[offset] = src[0];
    return;
  }
  const last = nd - 1;
  const lastLen = shape[last];
  const lastStride = strides[last];
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  let o = 0;
  while (o < n) {
    for (let j = 0; j < lastLen; j++) dst[base + j * lastStride] = src[o++];
    let k = last - 1;
    while (k >= 0) {
      idx[k]++;
      base += strides[k];
      if (idx[k] < shape[k]) break;
      base -= idx[k] * strides[k];
      idx[k] = 0;
      k--;
    }
    if (k < 0) break;
  }
}
