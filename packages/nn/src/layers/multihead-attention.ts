import {
  type DType,
  Rng,
  ShapeError,
  type Tensor,
  ValueError,
  checkBoolean,
  checkDType,
  checkInteger,
  checkNumber,
  checkOptions,
  checkTensor,
  describe,
  fmtShape,
  getDefaultRng,
  linear,
  maskedFill,
  mean,
  permute,
  reshape,
  slice,
  squeeze,
  unsqueeze,
  zeros,
} from '@tapegrad/core';
import { xavierUniform } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { applyMask, attend, causalMask, checkMask } from './attention';
import { dropout } from './dropout';
import { Linear } from './linear';

/** Options of {@link MultiheadAttention}. */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Learn in_proj_bias and out_proj.bias (default true). */
  bias?: boolean;
  /** Features of the keys (default embedDim); with vdim ≠ embedDim the projections are separate. */
  kdim?: number;
  /** Features of the values (default embedDim). */
  vdim?: number;
  /** Inputs and output are `[N, L, E]` instead of `[L, N, E]` (default false, as PyTorch). */
  batchFirst?: boolean;
  rng?: Rng;
  dtype?: DType;
}

/** Options of {@link MultiheadAttention.forward}. */
export interface MultiheadAttentionCall {
  /**
   * `[N, S]`: keys to ignore per batch entry — int32 non-zero = ignore (PyTorch's bool True), or
   * a float mask added to the scores.
   */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /**
   * `[L, S]` or `[N·numHeads, L, S]`: int32 non-zero = may not attend (PyTorch's bool True), or a
   * float mask added to the scores.
   */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true): `[N, L, S]`, else `[N, H, L, S]`. */
  averageAttnWeights?: boolean;
  /** Hide later keys (a causal mask), as attnMask = triu(ones(L, S), 1). */
  isCausal?: boolean;
}

/**
 * Multi-head attention (PyTorch's `nn.MultiheadAttention`): the inputs projected by
 * `in_proj_weight` `[3E, E]` (q, k, v rows in that order) and `in_proj_bias` `[3E]` — or
 * `q_proj_weight`, `k_proj_weight`, `v_proj_weight` when kdim or vdim differ from E — split into
 * `numHeads` heads of E/numHeads features, scaled dot-product attention per head, the heads
 * concatenated and projected by `out_proj` (a Linear). Parameter names and layouts are
 * PyTorch's, so state dicts load one-to-one. `forward` returns `[output, weights]`, the weights
 * averaged over the heads as PyTorch (null without needWeights).
 *
 * @example
 * const mha = new MultiheadAttention(64, 8, { batchFirst: true });
 * const [y, w] = mha.forward(x, x, x, { isCausal: true }); // x [N, T, 64] → y [N, T, 64], w [N, T, T]
 */
export class MultiheadAttention extends Module {
  declare in_proj_weight: Parameter | null;
  declare q_proj_weight: Parameter | null;
  declare k_proj_weight: Parameter | null;
  declare v_proj_weight: Parameter | null;
  declare in_proj_bias: Parameter | null;
  declare out_proj: Linear;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  /** The generator of the dropout masks. */
  rng: Rng;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    const who = 'MultiheadAttention';
    checkInteger(who, 'embedDim', embedDim, { min: 1 });
    checkInteger(who, 'numHeads', numHeads, { min: 1 });
    if (embedDim % numHeads !== 0) {
      throw new ValueError(`${who}: embedDim ${embedDim} is not divisible by numHeads ${numHeads}`);
    }
    const o = checkOptions(who, options, ['dropout', 'bias', 'kdim', 'vdim', 'batchFirst', 'rng', 'dtype']);
    this.dropout = o.dropout === undefined ? 0 : checkNumber(who, 'dropout', o.dropout, { min: 0, below: 1 });
    const bias = o.bias === undefined ? true : checkBoolean(who, 'bias', o.bias);
    this.kdim = o.kdim === undefined ? embedDim : checkInteger(who, 'kdim', o.kdim, { min: 1 });
    this.vdim = o.vdim === undefined ? embedDim : checkInteger(who, 'vdim', o.vdim, { min: 1 });
    this.batchFirst = o.batchFirst === undefined ? false : checkBoolean(who, 'batchFirst', o.batchFirst);
    if (o.rng !== undefined && !(o.rng instanceof Rng))
      throw new ValueError(`${who}: rng must be an Rng, got ${describe(o.rng)}`);
    this.rng = (o.rng as Rng | undefined) ?? getDefaultRng();
    const dtype = o.dtype === undefined ? 'float32' : checkDType(who, o.dtype);
    this.headDim = embedDim / numHeads;
    const ctx = { rng: options.rng, dtype };
    const e = embedDim;
    // PyTorch's _reset_parameters: Xavier-uniform projections, zero biases; out_proj keeps
    // Linear's weight init with a zero bias. The [3E, E] weight is initialised as one matrix.
    const same = this.kdim === e && this.vdim === e;
    this.registerParameter('in_proj_weight', same ? new Parameter(xavierUniform([3 * e, e], ctx)) : null);
    this.registerParameter('q_proj_weight', same ? null : new Parameter(xavierUniform([e, e], ctx)));
    this.registerParameter('k_proj_weight', same ? null : new Parameter(xavierUniform([e, this.kdim], ctx)));
    this.registerParameter('v_proj_weight', same ? null : new Parameter(xavierUniform([e, this.vdim], ctx)));
    this.registerParameter('in_proj_bias', bias ? new Parameter(zeros([3 * e], { dtype })) : null);
    const out = new Linear(e, e, { bias, rng: options.rng, dtype });
    if (out.bias !== null) out.bias.data.fill(0);
    this.registerModule('out_proj', out);
  }

  /** The projection weight and bias of part `i` (0 q, 1 k, 2 v). */
  private projection(i: number): [Tensor, Tensor | null] {
    const e = this.embedDim;
    const w = this.in_proj_weight
      ? slice(this.in_proj_weight, [[i * e, (i + 1) * e]])
      : [this.q_proj_weight!, this.k_proj_weight!, this.v_proj_weight!][i];
    return [w, this.in_proj_bias ? slice(this.in_proj_bias, [[i * e, (i + 1) * e]]) : null];
  }

  /**
   * query `[L, N, E]`, key `[S, N, kdim]`, value `[S, N, vdim]` (`[N, L, E]` … with batchFirst;
   * `[L, E]` … unbatched) → `[output [L, N, E], weights [N, L, S] | null]`.
   */
  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionCall = {}): [Tensor, Tensor | null] {
    const who = 'MultiheadAttention.forward';
    const o = checkOptions(who, options, [
      'keyPaddingMask',
      'needWeights',
      'attnMask',
      'averageAttnWeights',
      'isCausal',
    ]);
    const needWeights = o.needWeights === undefined ? true : checkBoolean(who, 'needWeights', o.needWeights);
    const average =
      o.averageAttnWeights === undefined ? true : checkBoolean(who, 'averageAttnWeights', o.averageAttnWeights);
    const isCausal = o.isCausal === undefined ? false : checkBoolean(who, 'isCausal', o.isCausal);
    const [q, k, v, unbatched] = this.batchMajor(who, query, key, value);
    const [n, l] = q.shape;
    const s = k.shape[1];
    const h = this.numHeads;
    const d = this.headDim;
    // [N, T, E] → [N, H, T, d]
    const heads = (x: Tensor, i: number) => {
      const [w, b] = this.projection(i);
      const y = linear(reshape(x, [-1, x.shape[2]]), w, b);
      return permute(reshape(y, [n, x.shape[1], h, d]), [0, 2, 1, 3]);
    };
    const masks: ((t: Tensor) => Tensor)[] = [];
    const scoreShape = [n, h, l, s];
    const attnMask = o.attnMask as Tensor | null | undefined;
    if (attnMask !== undefined && attnMask !== null) {
      checkTensor(who, 'attnMask', attnMask);
      const ok2 = attnMask.ndim === 2 && attnMask.shape[0] === l && attnMask.shape[1] === s;
      const ok3 =
        attnMask.ndim === 3 && attnMask.shape[0] === n * h && attnMask.shape[1] === l && attnMask.shape[2] === s;
      if (!ok2 && !ok3) {
        throw new ShapeError(
          `${who}: attnMask must be [L, S] = [${l},${s}] or [N·numHeads, L, S] = [${n * h},${l},${s}], got ${fmtShape(attnMask.shape)}`,
        );
      }
      const m = ok3 ? reshape(attnMask, scoreShape) : attnMask;
      masks.push((t) => applyMask(t, m, true));
    }
    const padding = o.keyPaddingMask as Tensor | null | undefined;
    if (padding !== undefined && padding !== null) {
      checkTensor(who, 'keyPaddingMask', padding);
      const want = unbatched ? [s] : [n, s];
      if (padding.ndim !== want.length || padding.shape.some((x, i) => x !== want[i])) {
        throw new ShapeError(
          `${who}: keyPaddingMask must be ${fmtShape(want)} (batch × keys), got ${fmtShape(padding.shape)}`,
        );
      }
      const m = reshape(padding, [n, 1, 1, s]);
      checkMask(who, 'keyPaddingMask', m, scoreShape);
      masks.push((t) => applyMask(t, m, true));
    }
    if (isCausal) masks.push((t) => maskedFill(t, causalMask(l, s), -Infinity));
    const p = this.training ? this.dropout : 0;
    const [ctx, weights] = attend(heads(q, 0), heads(k, 1), heads(v, 2), 1 / Math.sqrt(d), masks, (w) =>
      dropout(w, p, this.rng),
    );
    // [N, H, L, d] → [N, L, E], then out_proj.
    let y = this.out_proj.forward(reshape(permute(ctx, [0, 2, 1, 3]), [n * l, this.embedDim]));
    y = reshape(y, [n, l, this.embedDim]);
    y = unbatched ? squeeze(y, 0) : this.batchFirst ? y : permute(y, [1, 0, 2]);
    if (!needWeights) return [y, null];
    const w = average ? mean(weights, 1) : weights;
    return [y, unbatched ? squeeze(w, 0) : w];
  }

  /** query, key, value as `[N, T, features]`, checked, and whether they came unbatched. */
  private batchMajor(who: string, query: Tensor, key: Tensor, value: Tensor): [Tensor, Tensor, Tensor, boolean] {
    const dims: [string, Tensor, number][] = [
      ['query', query, this.embedDim],
      ['key', key, this.kdim],
      ['value', value, this.vdim],
    ];
    for (const [name, t, f] of dims) {
      checkTensor(who, name, t, { dtype: ['float32', 'float64'] });
      if ((t.ndim !== 2 && t.ndim !== 3) || t.shape[t.ndim - 1] !== f) {
        const layout = this.batchFirst ? 'N, T' : 'T, N';
        throw new ShapeError(
          `${who}: ${name} must be [${layout}, ${f}] or unbatched [T, ${f}], got ${fmtShape(t.shape)}`,
        );
      }
    }
    const unbatched = query.ndim === 2;
    if (key.ndim !== query.ndim || value.ndim !== query.ndim) {
      throw new ShapeError(
        `${who}: query, key and value must all be batched or all unbatched, got ${[query, key, value].map((t) => fmtShape(t.shape)).join(', ')}`,
      );
    }
    const toNT = (t: Tensor) => (unbatched ? unsqueeze(t, 0) : this.batchFirst ? t : permute(t, [1, 0, 2]));
    const [q, k, v] = [query, key, value].map(toNT);
    if (k.shape[0] !== q.shape[0] || v.shape[0] !== q.shape[0] || k.shape[1] !== v.shape[1]) {
      throw new ShapeError(
        `${who}: query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must share ` +
          `the batch, and key and value the sequence (batchFirst ${this.batchFirst})`,
      );
    }
    return [q, k, v, unbatched];
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}${this.dropout ? `, dropout=${this.dropout}` : ''}`;
  }
}
