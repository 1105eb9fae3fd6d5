import type { TypedArray } from '../../dtype';
import type { KernelBackend } from '../backend';

/**
 * Moves the multi-index `idx` (over every axis but the last) to the next row of a strided view,
 * row-major, carrying `base` (the row's first element) along; returns the new base, or −1 past
 * the last row.
 */
function nextRow(idx: number[], shape: readonly number[], strides: readonly number[], base: number): number {
  for (let k = shape.length - 2; k >= 0; k--) {
    idx[k]++;
    base += strides[k];
    if (idx[k] < shape[k]) return base;
    base -= idx[k] * strides[k];
    idx[k] = 0;
  }
  return -1;
}

/**
 * The same view with fewer axes: extent-1 axes dropped, and each axis merged into the next where
 * it continues it contiguously (stride = next stride · next extent), so that rows are as long as
 * the layout allows.
 */
function merged(shape: readonly number[], strides: readonly number[]): [number[], number[]] {
  const sh: number[] = [];
  const st: number[] = [];
  for (let k = shape.length - 1; k >= 0; k--) {
    if (shape[k] === 1) continue;
    if (sh.length > 0 && strides[k] === st[0] * sh[0]) sh[0] *= shape[k];
    else {
      sh.unshift(shape[k]);
      st.unshift(strides[k]);
    }
  }
  return [sh, st];
}

/**
 * Walks the strided view of `view` (element idx at `offset + Σ idx[k]·strides[k]`, `shape`) row
 * by row against the contiguous `contig`: gathers the view into `contig`, or with `scatter`
 * writes `contig` into the view.
 */
function walkView(
  contig: TypedArray,
  view: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  scatter: boolean,
): void {
  if (contig.length === 0) return;
  [shape, strides] = merged(shape, strides);
  // Rows along the last axis (a scalar is one row of one), and the index over the other axes.
  const nd = shape.length;
  const len = nd === 0 ? 1 : shape[nd - 1];
  const step = nd === 0 ? 1 : strides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let o = 0;
  for (let base = offset; base >= 0; base = nextRow(idx, shape, strides, base)) {
    // Long unit-stride rows (a slice of leading axes is one) move as block copies.
    if (step === 1 && len > 32) {
      if (scatter) view.set(contig.subarray(o, o + len), base);
      else contig.set(view.subarray(base, base + len), o);
      o += len;
    } else if (scatter) for (let j = 0; j < len; j++) view[base + j * step] = contig[o++];
    else if (step === 1) for (let j = 0; j < len; j++) contig[o++] = view[base + j];
    else if (step === 0) {
      const v = view[base];
      for (let j = 0; j < len; j++) contig[o++] = v;
    } else for (let j = 0; j < len; j++) contig[o++] = view[base + j * step];
  }
}

/**
 * Gathers a strided view of `src` into the contiguous `dst`: element `idx` of an array of
 * `shape` is read from `src[offset + Σ idx[k]·strides[k]]`. A stride of 0 broadcasts an axis,
 * permuted strides transpose, an offset and scaled strides slice. One kernel serves broadcastTo,
 * transpose and slice.
 */
export const stridedCopy: KernelBackend['stridedCopy'] = (src, offset, strides, shape, dst) =>
  walkView(dst, src, offset, strides, shape, false);

/**
 * The adjoint of {@link stridedCopy}: writes the contiguous `src` into the strided positions of
 * `dst` (which must not overlap, as for a slice).
 */
export const stridedScatter: KernelBackend['stridedScatter'] = (src, dst, offset, strides, shape) =>
  walkView(src, dst, offset, strides, shape, true);

/**
 * Copies `count` blocks of `block` elements from `src` (stride `srcStride` between blocks,
 * starting at `srcOff`) into `dst` (stride `dstStride`, starting at `dstOff`). Concat and its
 * backward slices are made of this.
 */
export const copyBlocks: KernelBackend['copyBlocks'] = (
  src,
  srcOff,
  srcStride,
  dst,
  dstOff,
  dstStride,
  count,
  block,
) => {
  for (let c = 0; c < count; c++) {
    const s = srcOff + c * srcStride;
    const d = dstOff + c * dstStride;
    if (block > 32) dst.set(src.subarray(s, s + block), d);
    else for (let j = 0; j < block; j++) dst[d + j] = src[s + j];
  }
};
