import {
  Rng,
  ShapeError,
  type Tensor,
  ValueError,
  add,
  broadcastShapes,
  checkBoolean,
  checkNumber,
  checkOptions,
  checkTensor,
  describe,
  eq,
  fmtShape,
  getDefaultRng,
  isFloat,
  maskedFill,
  matmul,
  matmulT,
  mul,
  ones,
  softmax,
  triu,
} from '@tapegrad/core';
import { dropout } from './dropout';

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionOptions {
  /**
   * Which scores take part, broadcasting to `[..., L, S]`, as PyTorch's `attn_mask`: an int32
   * mask is boolean — non-zero where a query may attend to a key; a float mask is added to the
   * scores (−Infinity hides a key).
   */
  mask?: Tensor | null;
  /** Hide the keys after each query (the upper triangle of `[L, S]`, top-left aligned, as PyTorch). */
  isCausal?: boolean;
  /** Dropout probability on the attention weights (applied whenever > 0, as PyTorch's function). */
  dropout?: number;
  /** The scores' scale (default 1/√E, E the last axis of q). */
  scale?: number | null;
  /** Generator of the dropout masks (default core's default generator). */
  rng?: Rng;
}

/**
 * Checks an attention mask against the scores' shape `[..., L, S]`: it must broadcast to it.
 * `who` and `name` say whose mask it is in the error.
 */
export function checkMask(who: string, name: string, mask: Tensor, scores: readonly number[]): void {
  checkTensor(who, name, mask);
  let ok = mask.ndim <= scores.length;
  if (ok) {
    try {
      ok = broadcastShapes(who, mask.shape, scores).every((d, i) => d === scores[i]);
    } catch {
      ok = false;
    }
  }
  if (!ok) {
    throw new ShapeError(
      `${who}: ${name} of shape ${fmtShape(mask.shape)} does not broadcast to the attention scores ${fmtShape(scores)} ` +
        `([..., L, S]: queries × keys)`,
    );
  }
}

/** Applies a mask to scores: boolean (int32, non-zero = hide when `hideWhere` 1) or additive (float). */
export function applyMask(scores: Tensor, mask: Tensor, hideNonZero: boolean): Tensor {
  if (isFloat(mask.dtype)) return add(scores, mask.dtype === scores.dtype ? mask : mask.astype(scores.dtype));
  return maskedFill(scores, hideNonZero ? mask : eq(mask, 0), -Infinity);
}

/**
 * softmax(q·kᵀ·scale + mask)·v, and the weights: the attention both the function and
 * MultiheadAttention compute. `masks` are applied in order.
 */
export function attend(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  scale: number,
  masks: readonly ((scores: Tensor) => Tensor)[],
  drop: (w: Tensor) => Tensor,
): [Tensor, Tensor] {
  let scores = mul(matmulT(q, k, false, true), scale);
  for (const m of masks) scores = m(scores);
  const weights = softmax(scores, -1);
  return [matmul(drop(weights), v), weights];
}

/** The causal mask of L queries over S keys: 1 where key j comes after query i (j > i). */
export function causalMask(l: number, s: number): Tensor {
  return triu(ones([l, s], { dtype: 'int32' }), 1);
}

/**
 * Scaled dot-product attention (PyTorch's `F.scaled_dot_product_attention`): q `[..., L, E]`,
 * k `[..., S, E]`, v `[..., S, Ev]` → `[..., L, Ev]`, softmax(q·kᵀ/√E + mask)·v. Batch axes
 * broadcast. Composed of ops (matmul reading kᵀ in place, softmax, matmul), so every derivative
 * follows. A row whose keys are all hidden gives NaN, as PyTorch.
 *
 * @example
 * scaledDotProductAttention(q, k, v, { isCausal: true }); // q, k, v [B, heads, T, d]
 * scaledDotProductAttention(q, k, v, { mask: keep }); // keep: int32 [T, T], 1 = may attend
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: AttentionOptions = {}): Tensor {
  const who = 'scaledDotProductAttention';
  const o = checkOptions(who, options, ['mask', 'isCausal', 'dropout', 'scale', 'rng']);
  for (const [name, t] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const)
    checkTensor(who, name, t, { dtype: ['float32', 'float64'] });
  const e = q.shape[q.ndim - 1];
  if (
    q.ndim < 2 ||
    k.ndim < 2 ||
    v.ndim < 2 ||
    k.shape[k.ndim - 1] !== e ||
    k.shape[k.ndim - 2] !== v.shape[v.ndim - 2]
  ) {
    throw new ShapeError(
      `${who}: expected q [..., L, E], k [..., S, E] and v [..., S, Ev], got q ${fmtShape(q.shape)}, ` +
        `k ${fmtShape(k.shape)}, v ${fmtShape(v.shape)}`,
    );
  }
  const isCausal = o.isCausal === undefined ? false : checkBoolean(who, 'isCausal', o.isCausal);
  const p = o.dropout === undefined ? 0 : checkNumber(who, 'dropout', o.dropout, { min: 0, below: 1 });
  const scale =
    o.scale === undefined || o.scale === null ? 1 / Math.sqrt(e) : checkNumber(who, 'scale', o.scale, { above: 0 });
  if (o.rng !== undefined && !(o.rng instanceof Rng))
    throw new ValueError(`${who}: rng must be an Rng, got ${describe(o.rng)}`);
  const rng = (o.rng as Rng | undefined) ?? getDefaultRng();
  const l = q.shape[q.ndim - 2];
  const s = k.shape[k.ndim - 2];
  let scoreShape: number[];
  try {
    scoreShape = [...broadcastShapes(who, q.shape.slice(0, -2), k.shape.slice(0, -2)), l, s];
    broadcastShapes(who, scoreShape.slice(0, -2), v.shape.slice(0, -2));
  } catch {
    throw new ShapeError(
      `${who}: the batch axes of q ${fmtShape(q.shape)}, k ${fmtShape(k.shape)} and v ${fmtShape(v.shape)} do not broadcast`,
    );
  }
  const masks: ((t: Tensor) => Tensor)[] = [];
  const mask = o.mask as Tensor | null | undefined;
  if (mask !== undefined && mask !== null) {
    checkMask(who, 'mask', mask, scoreShape);
    masks.push((t) => applyMask(t, mask, false));
  }
  if (isCausal) masks.push((t) => maskedFill(t, causalMask(l, s), -Infinity));
  return attend(q, k, v, scale, masks, (w) => dropout(w, p, rng))[0];
}
