import {
  type DType,
  Rng,
  type Tensor,
  add,
  checkBoolean,
  checkDType,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkTensor,
  fmtShape,
  gelu,
  relu,
  ShapeError,
} from '@tapegrad/core';
import { Module } from '../module';
import { Dropout } from './dropout';
import { LayerNorm } from './layer-norm';
import { Linear } from './linear';
import { MultiheadAttention } from './multihead-attention';

/** Options of {@link TransformerEncoderLayer} and {@link TransformerDecoderLayer}. */
export interface TransformerLayerOptions {
  /** Width of the feed-forward block (default 2048, as PyTorch). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** The feed-forward activation (default 'relu'). */
  activation?: 'relu' | 'gelu';
  /** LayerNorm's eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are `[N, T, E]` instead of `[T, N, E]` (default false). */
  batchFirst?: boolean;
  /** Normalise before each block (pre-LN) instead of after (default false, as PyTorch). */
  normFirst?: boolean;
  /** Biases in the linear layers, attention and norms (default true). */
  bias?: boolean;
  rng?: Rng;
  dtype?: DType;
}

interface Checked {
  dimFeedforward: number;
  dropout: number;
  activation: 'relu' | 'gelu';
  eps: number;
  batchFirst: boolean;
  normFirst: boolean;
  bias: boolean;
  rng: Rng | undefined;
  dtype: DType;
}

function checkLayerOptions(who: string, dModel: number, nhead: number, options: TransformerLayerOptions): Checked {
  checkInteger(who, 'dModel', dModel, { min: 1 });
  checkInteger(who, 'nhead', nhead, { min: 1 });
  const o = checkOptions(who, options, [
    'dimFeedforward',
    'dropout',
    'activation',
    'layerNormEps',
    'batchFirst',
    'normFirst',
    'bias',
    'rng',
    'dtype',
  ]);
  return {
    dimFeedforward:
      o.dimFeedforward === undefined ? 2048 : checkInteger(who, 'dimFeedforward', o.dimFeedforward, { min: 1 }),
    dropout: o.dropout === undefined ? 0.1 : checkNumber(who, 'dropout', o.dropout, { min: 0, below: 1 }),
    activation:
      o.activation === undefined ? 'relu' : checkOneOf(who, 'activation', o.activation, ['relu', 'gelu'] as const),
    eps: o.layerNormEps === undefined ? 1e-5 : checkNumber(who, 'layerNormEps', o.layerNormEps, { min: 0 }),
    batchFirst: o.batchFirst === undefined ? false : checkBoolean(who, 'batchFirst', o.batchFirst),
    normFirst: o.normFirst === undefined ? false : checkBoolean(who, 'normFirst', o.normFirst),
    bias: o.bias === undefined ? true : checkBoolean(who, 'bias', o.bias),
    rng: options.rng,
    dtype: o.dtype === undefined ? 'float32' : checkDType(who, o.dtype),
  };
}

/**
 * The parts both layers share: self-attention, the feed-forward block linear1 → activation →
 * dropout → linear2, norm1, norm2 and their dropouts, under PyTorch's names.
 */
abstract class TransformerBase extends Module {
  declare self_attn: MultiheadAttention;
  declare linear1: Linear;
  declare dropout: Dropout;
  declare linear2: Linear;
  declare norm1: LayerNorm;
  declare norm2: LayerNorm;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  readonly normFirst: boolean;
  readonly activation: 'relu' | 'gelu';

  protected constructor(
    protected readonly o: Checked,
    readonly dModel: number,
    readonly nhead: number,
    cross: boolean,
  ) {
    super();
    const { rng, dtype, bias } = o;
    const drop = () => new Dropout(o.dropout, rng ? { rng } : {});
    const norm = () => new LayerNorm(dModel, { eps: o.eps, bias, dtype });
    const mha = () =>
      new MultiheadAttention(dModel, nhead, { dropout: o.dropout, bias, batchFirst: o.batchFirst, rng, dtype });
    this.registerModule('self_attn', mha());
    if (cross) this.registerModule('multihead_attn', mha());
    this.registerModule('linear1', new Linear(dModel, o.dimFeedforward, { bias, rng, dtype }));
    this.registerModule('dropout', drop());
    this.registerModule('linear2', new Linear(o.dimFeedforward, dModel, { bias, rng, dtype }));
    this.registerModule('norm1', norm());
    this.registerModule('norm2', norm());
    if (cross) this.registerModule('norm3', norm());
    this.registerModule('dropout1', drop());
    this.registerModule('dropout2', drop());
    if (cross) this.registerModule('dropout3', drop());
    this.normFirst = o.normFirst;
    this.activation = o.activation;
  }

  /**
   * Checks a sequence argument of forward (`[T, N, E]`, `[N, T, E]` or `[T, E]` with E = dModel)
   * and the masks given in its options, so that a fault is named as the layer's, not the
   * attention's inside it.
   */
  protected checkCall(who: string, sequences: Record<string, unknown>, masks: Record<string, unknown>): void {
    for (const [name, t] of Object.entries(sequences)) {
      const x = checkTensor(who, name, t, { ndim: [2, 3] });
      if (x.shape[x.ndim - 1] !== this.dModel) {
        throw new ShapeError(`${who}: ${name} must end in dModel = ${this.dModel}, got ${fmtShape(x.shape)}`);
      }
    }
    for (const [name, m] of Object.entries(masks)) if (m !== null && m !== undefined) checkTensor(who, name, m);
  }

  /** Self-attention of x (with its masks), before dropout1. */
  protected selfAttention(
    x: Tensor,
    attnMask: Tensor | null,
    keyPaddingMask: Tensor | null,
    isCausal: boolean,
  ): Tensor {
    return this.dropout1.forward(
      this.self_attn.forward(x, x, x, { attnMask, keyPaddingMask, isCausal, needWeights: false })[0],
    );
  }

  /** The feed-forward block, its dropout included. */
  protected feedForward(x: Tensor): Tensor {
    const h = this.linear1.forward(x);
    const a = this.activation === 'gelu' ? gelu(h) : relu(h);
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(a)));
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, dimFeedforward=${this.o.dimFeedforward}, normFirst=${this.normFirst}`;
  }
}

/** Masks of one encoder-layer call (PyTorch's names). */
export interface EncoderLayerCall {
  /** `[T, T]` or `[N·nhead, T, T]`: int32 non-zero = may not attend, or float added (see MultiheadAttention). */
  srcMask?: Tensor | null;
  /** `[N, T]`: int32 non-zero = a padding position to ignore, or float added. */
  srcKeyPaddingMask?: Tensor | null;
  /** A causal self-attention (each position sees itself and the ones before). */
  isCausal?: boolean;
}

/**
 * A Transformer encoder layer (PyTorch's `nn.TransformerEncoderLayer`): self-attention and a
 * feed-forward block, each with a residual connection and LayerNorm — after the block (default)
 * or before it (`normFirst`). Submodules `self_attn`, `linear1`, `dropout`, `linear2`, `norm1`,
 * `norm2`, `dropout1`, `dropout2`, as PyTorch's, so state dicts load one-to-one.
 *
 * @example
 * const layer = new TransformerEncoderLayer(64, 4, { dimFeedforward: 128, batchFirst: true });
 * layer.forward(x, { isCausal: true }); // x [N, T, 64] → [N, T, 64]
 */
export class TransformerEncoderLayer extends TransformerBase {
  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super(checkLayerOptions('TransformerEncoderLayer', dModel, nhead, options), dModel, nhead, false);
  }

  /** src `[T, N, E]` (`[N, T, E]` with batchFirst; `[T, E]` unbatched) → the same shape. */
  forward(src: Tensor, options: EncoderLayerCall = {}): Tensor {
    const who = 'TransformerEncoderLayer.forward';
    const o = checkOptions(who, options, ['srcMask', 'srcKeyPaddingMask', 'isCausal']);
    const mask = (o.srcMask as Tensor | null | undefined) ?? null;
    const padding = (o.srcKeyPaddingMask as Tensor | null | undefined) ?? null;
    const causal = o.isCausal === undefined ? false : checkBoolean(who, 'isCausal', o.isCausal);
    this.checkCall(who, { src }, { srcMask: mask, srcKeyPaddingMask: padding });
    let x = src;
    if (this.normFirst) {
      x = add(x, this.selfAttention(this.norm1.forward(x), mask, padding, causal));
      return add(x, this.feedForward(this.norm2.forward(x)));
    }
    x = this.norm1.forward(add(x, this.selfAttention(x, mask, padding, causal)));
    return this.norm2.forward(add(x, this.feedForward(x)));
  }
}

/** Masks of one decoder-layer call (PyTorch's names; see {@link EncoderLayerCall}). */
export interface DecoderLayerCall {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * A Transformer decoder layer (PyTorch's `nn.TransformerDecoderLayer`): self-attention over the
 * target, attention over the encoder's memory (`multihead_attn`) and a feed-forward block, each
 * with a residual connection and LayerNorm (`norm1`, `norm2`, `norm3`; before each block with
 * `normFirst`). PyTorch's submodule names, so state dicts load one-to-one.
 *
 * @example
 * const layer = new TransformerDecoderLayer(64, 4, { batchFirst: true });
 * layer.forward(tgt, memory, { tgtIsCausal: true }); // tgt [N, T, 64], memory [N, S, 64]
 */
export class TransformerDecoderLayer extends TransformerBase {
  declare multihead_attn: MultiheadAttention;
  declare norm3: LayerNorm;
  declare dropout3: Dropout;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}) {
    super(checkLayerOptions('TransformerDecoderLayer', dModel, nhead, options), dModel, nhead, true);
  }

  /** tgt `[T, N, E]`, memory `[S, N, E]` (batchFirst: `[N, ·, E]`) → tgt's shape. */
  forward(tgt: Tensor, memory: Tensor, options: DecoderLayerCall = {}): Tensor {
    const who = 'TransformerDecoderLayer.forward';
    const o = checkOptions(who, options, [
      'tgtMask',
      'memoryMask',
      'tgtKeyPaddingMask',
      'memoryKeyPaddingMask',
      'tgtIsCausal',
      'memoryIsCausal',
    ]);
    const t = (k: 'tgtMask' | 'memoryMask' | 'tgtKeyPaddingMask' | 'memoryKeyPaddingMask') =>
      (o[k] as Tensor | null | undefined) ?? null;
    const tgtCausal = o.tgtIsCausal === undefined ? false : checkBoolean(who, 'tgtIsCausal', o.tgtIsCausal);
    const memCausal = o.memoryIsCausal === undefined ? false : checkBoolean(who, 'memoryIsCausal', o.memoryIsCausal);
    this.checkCall(
      who,
      { tgt, memory },
      {
        tgtMask: o.tgtMask,
        memoryMask: o.memoryMask,
        tgtKeyPaddingMask: o.tgtKeyPaddingMask,
        memoryKeyPaddingMask: o.memoryKeyPaddingMask,
      },
    );
    const cross = (x: Tensor) =>
      this.dropout3.forward(
        this.multihead_attn.forward(x, memory, memory, {
          attnMask: t('memoryMask'),
          keyPaddingMask: t('memoryKeyPaddingMask'),
          isCausal: memCausal,
          needWeights: false,
        })[0],
      );
    let x = tgt;
    if (this.normFirst) {
      x = add(x, this.selfAttention(this.norm1.forward(x), t('tgtMask'), t('tgtKeyPaddingMask'), tgtCausal));
      x = add(x, cross(this.norm2.forward(x)));
      return add(x, this.feedForward(this.norm3.forward(x)));
    }
    x = this.norm1.forward(add(x, this.selfAttention(x, t('tgtMask'), t('tgtKeyPaddingMask'), tgtCausal)));
    x = this.norm2.forward(add(x, cross(x)));
    return this.norm3.forward(add(x, this.feedForward(x)));
  }
}
