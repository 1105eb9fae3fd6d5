import { giveBuffer, takeBuffer } from '../buffer-pool';
import { checkTensor } from '../check';
import { empty } from '../creation';
import type { TypedArray } from '../dtype';
import { DTypeError, ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { sizeOf } from '../shape';
import { gemmInto } from './matmul';
import { Tensor } from '../tensor';
import { checkFloat } from './util';

// What the recurrent-cell ops (lstm-cell.ts, gru-cell.ts, lstm-sequence.ts) share: their checks,
// raw products and work buffers.

/** op(A)·op(B) as a new [m, n] tensor of `like`'s dtype. */
export function gemmNew(
  like: Tensor,
  a: TypedArray,
  aOff: number,
  b: TypedArray,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
): Tensor {
  const out = empty([m, n], like.dtype);
  gemmInto(a, aOff, b, out.data, 0, m, n, k, transA, transB);
  return out;
}

const scratches = new Map<string, TypedArray>();

/**
 * A reused work array of `n` elements of `like`'s dtype under `key`, its contents undefined:
 * for intermediates that never leave an op's forward or backward (a recurrent op's products
 * and gate gradients, megabytes a call), so they cost no allocation and no garbage. Valid until
 * the next call with the same key; kernels and ops run to completion, so no two users overlap.
 */
export function scratch(key: string, like: Tensor, n: number): TypedArray {
  const k = `${key}:${like.dtype}`;
  let a = scratches.get(k);
  if (a === undefined || a.length < n) {
    a = empty([Math.max(n, Math.ceil((a?.length ?? 0) * 1.5))], like.dtype).data;
    scratches.set(k, a);
  }
  return a.subarray(0, n);
}

/**
 * A buffer of `n` elements of `like`'s dtype for something an op saves for its backward and never
 * hands out (a recurrent op's activations, megabytes a call): one given back to the buffer pool
 * (buffer-pool.ts) by {@link recycle} or by a backward pass when there is one — fresh memory costs
 * its page faults and zeroing on every call — else a new one. Its contents are undefined.
 */
export function pooled(like: Tensor, shape: readonly number[]): Tensor {
  const data = takeBuffer(like.dtype, sizeOf(shape));
  return data === undefined ? empty(shape, like.dtype) : new Tensor(data, shape);
}

/** Gives `t`'s buffer back to the pool for {@link pooled} and `empty`; nothing may read it after. */
export function recycle(t: Tensor): void {
  giveBuffer(t.data);
}

/**
 * The column sums of a rows×cols matrix (a bias's gradient), on the sum kernel (natively in
 * place: a product ones[1, rows]·g would pack all of g first, and ran at ~1 GFLOP/s).
 */
export function columnSums(like: Tensor, g: TypedArray, rows: number, cols: number): Tensor {
  const out = empty([cols], like.dtype);
  kernels().sumAxis(g.subarray(0, rows * cols), 1, rows, cols, out.data);
  return out;
}

/**
 * The gradients of a cell's two biases, equal (both are added to the same pre-activations):
 * the column sums once, and a copy for the second, so the two never share a buffer.
 */
export function biasGrads(
  node: { needsGrad(i: number): boolean },
  like: Tensor,
  g: TypedArray,
  rows: number,
  cols: number,
): [Tensor | null, Tensor | null] {
  const [ih, hh] = [node.needsGrad(4), node.needsGrad(5)];
  if (!ih && !hh) return [null, null];
  const sums = columnSums(like, g, rows, cols);
  return [ih ? sums : null, hh ? (ih ? new Tensor(sums.data.slice(), sums.shape) : sums) : null];
}

/**
 * The checks the recurrent-cell ops share: x `[B, in]` (`[T, B, in]` with xRank 3), w_ih `[G·H, in]`, w_hh `[G·H, H]`,
 * biases `[G·H]` or both null, one float dtype; `state` is checked by the caller. Returns
 * [B, H].
 */
export function checkCellOperands(
  fn: string,
  gates: number,
  x: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh: Tensor | null,
  bHh: Tensor | null,
  xRank = 2,
): [number, number] {
  checkTensor(fn, 'x', x, { ndim: xRank });
  checkTensor(fn, 'wIh', wIh, { ndim: 2 });
  checkTensor(fn, 'wHh', wHh, { ndim: 2 });
  checkFloat(fn, 'x', x);
  if (bIh !== null) checkTensor(fn, 'bIh', bIh);
  if (bHh !== null) checkTensor(fn, 'bHh', bHh);
  const hidden = wHh.shape[1];
  const shapes = `x ${fmtShape(x.shape)}, wIh ${fmtShape(wIh.shape)}, wHh ${fmtShape(wHh.shape)}`;
  if (wHh.shape[0] !== gates * hidden || wIh.shape[0] !== gates * hidden || wIh.shape[1] !== x.shape[xRank - 1]) {
    throw new ShapeError(
      `${fn}: expected wIh [${gates}·H, in] and wHh [${gates}·H, H] with in = x's last axis; got ${shapes}`,
    );
  }
  if ((bIh === null) !== (bHh === null)) throw new ShapeError(`${fn}: give both biases or neither`);
  for (const [name, b] of [
    ['bIh', bIh],
    ['bHh', bHh],
  ] as const) {
    if (b !== null && (b.ndim !== 1 || b.shape[0] !== gates * hidden)) {
      throw new ShapeError(`${fn}: ${name} must be [${gates * hidden}], got ${fmtShape(b.shape)} (${shapes})`);
    }
  }
  for (const [name, t] of [
    ['wIh', wIh],
    ['wHh', wHh],
    ['bIh', bIh],
    ['bHh', bHh],
  ] as const) {
    if (t !== null && t.dtype !== x.dtype) {
      throw new DTypeError(`${fn}: ${name} is ${t.dtype} but x is ${x.dtype}; all operands need one dtype`);
    }
  }
  return [x.shape[xRank - 2], hidden];
}
