import { type Rng, Tensor, arange, concat, noGrad, softmax } from '@tapegrad/core';
import { Embedding, LayerNorm, Linear, Module, ModuleList, TransformerEncoderLayer } from '@tapegrad/nn';

/** Sizes of {@link CharTransformer}. */
export interface TransformerSizes {
  vocabSize: number;
  /** Longest sequence it reads (learned positions). */
  maxLength: number;
  dModel: number;
  numHeads: number;
  dimFeedforward: number;
  numLayers: number;
}

/**
 * A causal character Transformer (GPT's layout): token and learned position embeddings, a stack
 * of pre-norm `TransformerEncoderLayer`s that attend only to earlier positions (a causal mask),
 * a final LayerNorm and a Linear to the vocabulary.
 */
export class CharTransformer extends Module {
  tokens: Embedding;
  positions: Embedding;
  layers: ModuleList<TransformerEncoderLayer>;
  norm: LayerNorm;
  head: Linear;

  constructor(
    readonly sizes: TransformerSizes,
    rng: Rng,
  ) {
    super();
    const { vocabSize, maxLength, dModel, numHeads, dimFeedforward, numLayers } = sizes;
    this.tokens = new Embedding(vocabSize, dModel, { rng });
    this.positions = new Embedding(maxLength, dModel, { rng });
    this.layers = new ModuleList(
      Array.from(
        { length: numLayers },
        () =>
          new TransformerEncoderLayer(dModel, numHeads, {
            dimFeedforward,
            dropout: 0,
            batchFirst: true,
            normFirst: true,
            rng,
          }),
      ),
    );
    this.norm = new LayerNorm(dModel);
    this.head = new Linear(dModel, vocabSize, { rng });
  }

  /** Ids `[N, T]` → next-character scores `[N, T, V]`; position t sees positions ≤ t only. */
  forward(ids: Tensor): Tensor {
    const t = ids.shape[1];
    let x = this.tokens.forward(ids).add(this.positions.forward(arange(0, t, 1, { dtype: 'int32' })));
    for (const layer of this.layers) x = layer.forward(x, { isCausal: true });
    return this.head.forward(this.norm.forward(x));
  }

  /**
   * Extends every prompt `[N, T]` by `length` characters, each drawn from the scores of the
   * last position: the most likely one at temperature 0, else sampled from softmax(scores / T).
   */
  generate(prompt: Tensor, length: number, temperature: number, rng: Rng): Tensor {
    return noGrad(() => {
      let ids = prompt;
      const [n] = prompt.shape;
      for (let i = 0; i < length; i++) {
        const scores = this.forward(ids).slice(null, -1); // [N, V]
        const v = scores.shape[1];
        const next = new Int32Array(n);
        if (temperature === 0) {
          for (let r = 0; r < n; r++) {
            let best = 0;
            for (let c = 1; c < v; c++) if (scores.data[r * v + c] > scores.data[r * v + best]) best = c;
            next[r] = best;
          }
        } else {
          const p = softmax(scores.div(temperature), -1).data;
          for (let r = 0; r < n; r++) {
            let u = rng.random();
            let c = 0;
            while (c < v - 1 && u >= p[r * v + c]) u -= p[r * v + c++];
            next[r] = c;
          }
        }
        ids = concat([ids, new Tensor(next, [n, 1])], 1);
      }
      return ids.slice(null, [prompt.shape[1], null]);
    });
  }
}
