import { type Rng, type Tensor, concat, full, matmulT, zeros } from '@tapegrad/core';
import { Embedding, LSTM, Linear, Module } from '@tapegrad/nn';
import { type CharSeq2seq, greedy } from '../lib/seq2seq';

/** Sizes of the book's ch. 8 model. */
export interface AttentionSizes {
  vocabSize: number;
  wordvecSize: number;
  hiddenSize: number;
}

/**
 * Dot-product attention of the book's `TimeAttention`: for every decoder state, weights
 * softmax(hs_enc · h) over the encoder steps and their weighted sum of the encoder states.
 * Returns the contexts `[N, T', H]` and the weights `[N, T', T]`.
 *
 * @example
 * const { context, weights } = attend(encoderStates, decoderStates);
 */
export function attend(hsEnc: Tensor, hsDec: Tensor): { context: Tensor; weights: Tensor } {
  const weights = matmulT(hsDec, hsEnc, false, true).softmax(-1); // [N, T', T]
  return { context: matmulT(weights, hsEnc, false, false), weights };
}

/** The book's `AttentionSeq2seq`: every encoder state is kept, the decoder attends to them. */
export class AttentionSeq2seq extends Module implements CharSeq2seq {
  encEmbed: Embedding;
  encLstm: LSTM;
  decEmbed: Embedding;
  decLstm: LSTM;
  fc: Linear;

  constructor({ vocabSize, wordvecSize, hiddenSize }: AttentionSizes, rng: Rng) {
    super();
    this.encEmbed = new Embedding(vocabSize, wordvecSize, { rng });
    this.encLstm = new LSTM(wordvecSize, hiddenSize, { batchFirst: true, rng });
    this.decEmbed = new Embedding(vocabSize, wordvecSize, { rng });
    this.decLstm = new LSTM(wordvecSize, hiddenSize, { batchFirst: true, rng });
    this.fc = new Linear(2 * hiddenSize, vocabSize, { rng });
  }

  /** Questions `[N, T]` → encoder states `[N, T, H]` and the last one `[1, N, H]`. */
  encode(xs: Tensor): { hs: Tensor; last: Tensor } {
    const [hs, [h]] = this.encLstm.forward(this.encEmbed.forward(xs));
    return { hs, last: h };
  }

  /** Decoder inputs `[N, T']` → scores `[N, T', V]`, attention weights and the new LSTM state. */
  decode(
    ts: Tensor,
    hs: Tensor,
    state: [Tensor, Tensor],
  ): { scores: Tensor; weights: Tensor; state: [Tensor, Tensor] } {
    const [dec, next] = this.decLstm.forward(this.decEmbed.forward(ts), state);
    const { context, weights } = attend(hs, dec);
    return { scores: this.fc.forward(concat([context, dec], 2)), weights, state: next };
  }

  forward(xs: Tensor, ts: Tensor): Tensor {
    return this.teacherForced(xs, ts).scores;
  }

  /** Scores and attention weights with the true answer as decoder input (the book's figure). */
  teacherForced(xs: Tensor, ts: Tensor): { scores: Tensor; weights: Tensor } {
    const { hs, last } = this.encode(xs);
    return this.decode(ts, hs, [last, zeros(last.shape)]);
  }

  generate(xs: Tensor, startId: number, length: number): Tensor {
    const n = xs.shape[0];
    const { hs, last } = this.encode(xs);
    let state: [Tensor, Tensor] = [last, zeros(last.shape)];
    let x = full([n, 1], startId, { dtype: 'int32' });
    const picked: Tensor[] = [];
    for (let i = 0; i < length; i++) {
      const r = this.decode(x, hs, state);
      state = r.state;
      x = greedy(r.scores).reshape([n, 1]);
      picked.push(x);
    }
    return concat(picked, 1);
  }
}
