import {
  type DType,
  DTypeError,
  IndexError,
  Rng,
  type Tensor,
  ValueError,
  checkBoolean,
  checkDType,
  checkFunction,
  checkInteger,
  checkOptions,
  checkTensor,
  describe,
  embedding,
  fmtShape,
} from '@tapegrad/core';
import { type Initializer, normal, zeros } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { declareKeepsNoTensors } from './keeps-no-tensors';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** A row that receives no gradient (and starts at zero), as PyTorch's `padding_idx`. */
  paddingIdx?: number | null;
  /** Weight initialiser, called with `[numEmbeddings, embeddingDim]` (default N(0, 1), PyTorch's). */
  init?: Initializer;
  /** Generator for the initialiser (default core's default generator). */
  rng?: Rng;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/**
 * A lookup table of `numEmbeddings` vectors of `embeddingDim` (PyTorch's `nn.Embedding`, the
 * book's Embedding / DeZero's EmbedID): int32 indices of any shape → `[...shape, embeddingDim]`.
 * `weight` is `[numEmbeddings, embeddingDim]`, initialised N(0, 1), so state dicts load into
 * PyTorch one-to-one. The lookup is one tape node whose inputs are the weight and the indices.
 *
 * @example
 * const emb = new Embedding(13, 16, { rng: new Rng(0) });
 * emb.forward(tensor([[1, 2, 3]], { dtype: 'int32' })).shape; // [1, 3, 16]
 */
export class Embedding extends Module {
  /** `[numEmbeddings, embeddingDim]`. */
  weight: Parameter;
  /** The padding row (non-negative), or null. */
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    checkInteger('Embedding', 'numEmbeddings', numEmbeddings, { min: 1 });
    checkInteger('Embedding', 'embeddingDim', embeddingDim, { min: 1 });
    const o = checkOptions('Embedding', options, ['paddingIdx', 'init', 'rng', 'dtype']);
    const dtype = o.dtype === undefined ? 'float32' : checkDType('Embedding', o.dtype);
    if (o.rng !== undefined && !(o.rng instanceof Rng)) {
      throw new ValueError(`Embedding: rng must be an Rng, got ${describe(o.rng)}`);
    }
    const init = o.init === undefined ? normal() : checkFunction<Initializer>('Embedding', 'init', o.init);
    this.paddingIdx = resolvePadding('Embedding', o.paddingIdx, numEmbeddings);
    const w = init([numEmbeddings, embeddingDim], { rng: options.rng, dtype });
    // PyTorch zeroes the padding row at construction.
    if (this.paddingIdx !== null) w.data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    this.weight = new Parameter(w);
  }

  /**
   * An Embedding holding `weights` ([numEmbeddings, embeddingDim], copied), frozen unless
   * `freeze` is false (PyTorch's `Embedding.from_pretrained`).
   *
   * @example
   * const emb = Embedding.fromPretrained(vectors, { freeze: true });
   */
  static fromPretrained(weights: Tensor, options: { freeze?: boolean; paddingIdx?: number | null } = {}): Embedding {
    checkTensor('Embedding.fromPretrained', 'weights', weights, { ndim: 2, dtype: ['float32', 'float64'] });
    const o = checkOptions('Embedding.fromPretrained', options, ['freeze', 'paddingIdx']);
    const [n, d] = weights.shape;
    const paddingIdx = o.paddingIdx as number | null | undefined;
    const emb = new Embedding(n, d, { dtype: weights.dtype, init: zeros, paddingIdx });
    emb.weight.data.set(weights.data);
    if (o.freeze !== undefined) checkBoolean('Embedding.fromPretrained', 'freeze', o.freeze);
    if (o.freeze !== false) emb.weight.requiresGrad = false;
    return emb;
  }

  /** int32 `indices` of any shape → `[...indices.shape, embeddingDim]`. */
  forward(indices: Tensor): Tensor {
    checkTensor('Embedding.forward', 'indices', indices);
    if (indices.dtype !== 'int32') {
      throw new DTypeError(
        `Embedding.forward: indices must be int32 (token ids), got ${indices.dtype} of shape ${fmtShape(indices.shape)}; ` +
          `use .astype('int32')`,
      );
    }
    const n = this.numEmbeddings;
    const idx = indices.data;
    for (let i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= n) {
        throw new IndexError(
          `Embedding.forward: index ${idx[i]} (at flat position ${i} of indices ${fmtShape(indices.shape)}) is out of ` +
            `range for numEmbeddings=${n} (weight ${fmtShape(this.weight.shape)}); valid indices are 0 … ${n - 1}`,
        );
      }
    }
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}

function resolvePadding(fn: string, p: unknown, n: number): number | null {
  if (p === undefined || p === null) return null;
  const v = checkInteger(fn, 'paddingIdx', p, { min: -n, max: n - 1 });
  return v < 0 ? v + n : v;
}

declareKeepsNoTensors(Embedding);
