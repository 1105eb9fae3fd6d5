import { type Rng, type Tensor, concat, full, zeros } from '@tapegrad/core';
import { Embedding, LSTM, Linear, Module } from '@tapegrad/nn';
import { type CharSeq2seq, greedy } from '../lib/seq2seq';

/** Sizes of the book's ch. 7 models. */
export interface Seq2seqSizes {
  vocabSize: number;
  wordvecSize: number;
  hiddenSize: number;
}

/** The book's `Encoder`: Embedding, then an LSTM whose last hidden state is the context. */
export class Encoder extends Module {
  embed: Embedding;
  lstm: LSTM;

  constructor({ vocabSize, wordvecSize, hiddenSize }: Seq2seqSizes, rng: Rng) {
    super();
    this.embed = new Embedding(vocabSize, wordvecSize, { rng });
    this.lstm = new LSTM(wordvecSize, hiddenSize, { batchFirst: true, rng });
  }

  /** Questions `[N, T]` → the context h `[1, N, H]`. */
  forward(xs: Tensor): Tensor {
    const [, [h]] = this.lstm.forward(this.embed.forward(xs));
    return h;
  }
}

/**
 * The book's `Decoder` (and, with `peeky`, `PeekyDecoder`): the LSTM starts from the context;
 * a peeky decoder also feeds the context beside the input at every step and beside the LSTM's
 * output into the final Linear.
 */
export class Decoder extends Module {
  embed: Embedding;
  lstm: LSTM;
  fc: Linear;

  constructor(
    { vocabSize, wordvecSize, hiddenSize }: Seq2seqSizes,
    readonly peeky: boolean,
    rng: Rng,
  ) {
    super();
    this.embed = new Embedding(vocabSize, wordvecSize, { rng });
    this.lstm = new LSTM(wordvecSize + (peeky ? hiddenSize : 0), hiddenSize, { batchFirst: true, rng });
    this.fc = new Linear(hiddenSize * (peeky ? 2 : 1), vocabSize, { rng });
  }

  /** Inputs `[N, T]`, context and LSTM state → scores `[N, T, V]` and the new state. */
  step(xs: Tensor, context: Tensor, state: [Tensor, Tensor]): { scores: Tensor; state: [Tensor, Tensor] } {
    const [n, t] = xs.shape;
    let input = this.embed.forward(xs);
    const peek = this.peeky ? context.reshape([n, 1, -1]).broadcastTo([n, t, context.shape[2]]) : null;
    if (peek) input = concat([input, peek], 2);
    const [out, next] = this.lstm.forward(input, state);
    return { scores: this.fc.forward(peek ? concat([out, peek], 2) : out), state: next };
  }

  /** Teacher-forced scores `[N, T, V]`: the state starts at (context, 0). */
  forward(xs: Tensor, context: Tensor): Tensor {
    return this.step(xs, context, [context, zeros(context.shape)]).scores;
  }
}

/** The book's `Seq2seq` / `PeekySeq2seq`. */
export class Seq2seq extends Module implements CharSeq2seq {
  encoder: Encoder;
  decoder: Decoder;

  constructor(sizes: Seq2seqSizes, peeky: boolean, rng: Rng) {
    super();
    this.encoder = new Encoder(sizes, rng);
    this.decoder = new Decoder(sizes, peeky, rng);
  }

  forward(xs: Tensor, ts: Tensor): Tensor {
    return this.decoder.forward(ts, this.encoder.forward(xs));
  }

  generate(xs: Tensor, startId: number, length: number): Tensor {
    const n = xs.shape[0];
    const context = this.encoder.forward(xs);
    let state: [Tensor, Tensor] = [context, zeros(context.shape)];
    let x = full([n, 1], startId, { dtype: 'int32' });
    const picked: Tensor[] = [];
    for (let i = 0; i < length; i++) {
      const r = this.decoder.step(x, context, state);
      state = r.state;
      x = greedy(r.scores).reshape([n, 1]);
      picked.push(x);
    }
    return concat(picked, 1);
  }
}
