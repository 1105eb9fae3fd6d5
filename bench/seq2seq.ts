/**
 * Figure F of `npm run bench`: one epoch of the book's addition seq2seq ("Deep Learning from
 * Scratch 2", ch. 7) — Embedding 16, an LSTM encoder and an LSTM decoder of 128 units, a linear
 * output over the 13 characters, softmax cross-entropy, Adam (lr 0.001), batch 128, 45,000
 * training problems (351 steps an epoch). The problems are generated here, seeded, and handed to
 * every peer (tapegrad, NumPy written the book's way, PyTorch on one thread), so all do the same
 * work on the same batches in the same order.
 */
import { Rng, Tensor, reshape } from '@tapegrad/core';
import { Adam, Embedding, LSTM, Linear, Module, softmaxCrossEntropy } from '@tapegrad/nn';
import { batches, permutation } from './trainers';

/** The characters, in id order: digits, '+', ' ' (padding) and '_' (the decoder's start). */
export const VOCAB = '0123456789+ _';
export const EMBED = 16;
export const HIDDEN = 128;
export const BATCH = 128;
export const TRAIN = 45_000;
/** Steps in an epoch: whole batches of the training problems, as the book's Trainer. */
export const EPOCH_STEPS = Math.floor(TRAIN / BATCH);

/** Encoded problems: questions [n, 7] ("16+75  ") and answers [n, 5] ("_91  ") as character ids. */
export interface AdditionData {
  questions: Int32Array;
  answers: Int32Array;
  n: number;
  /** Index batches of BATCH problems in a fixed shuffled order. */
  batches: Int32Array[];
}

const encode = (s: string): number[] => [...s].map((ch) => VOCAB.indexOf(ch));

/**
 * `n` addition problems a+b with a, b uniform in 0…999, seeded; the book's format: question
 * padded to 7 characters, answer '_' + the sum padded to 4.
 *
 * @example
 * additionProblems(2, 0).questions.length; // 14
 */
export function additionProblems(n = TRAIN, seed = 0): AdditionData {
  const rng = new Rng(seed);
  const questions = new Int32Array(n * 7);
  const answers = new Int32Array(n * 5);
  for (let i = 0; i < n; i++) {
    const a = Math.floor(rng.random() * 1000);
    const b = Math.floor(rng.random() * 1000);
    questions.set(encode(`${a}+${b}`.padEnd(7)), i * 7);
    answers.set(encode(`_${a + b}`.padEnd(5)), i * 5);
  }
  return { questions, answers, n, batches: batches(permutation(n, new Rng(seed + 1)), BATCH) };
}

/** The encoder: embeddings, an LSTM over the question; its final h. */
class Encoder extends Module {
  embed: Embedding;
  lstm: LSTM;
  constructor(rng: Rng) {
    super();
    this.embed = new Embedding(VOCAB.length, EMBED, { rng });
    this.lstm = new LSTM(EMBED, HIDDEN, { batchFirst: true, rng });
  }
  forward(xs: Tensor): Tensor {
    return this.lstm.forward(this.embed.forward(xs))[1][0];
  }
}

/** The decoder: embeddings, an LSTM started from the encoder's h (c from zero, as the book), scores. */
class Decoder extends Module {
  embed: Embedding;
  lstm: LSTM;
  affine: Linear;
  constructor(rng: Rng) {
    super();
    this.embed = new Embedding(VOCAB.length, EMBED, { rng });
    this.lstm = new LSTM(EMBED, HIDDEN, { batchFirst: true, rng });
    this.affine = new Linear(HIDDEN, VOCAB.length, { rng });
  }
  forward(xs: Tensor, h: Tensor): Tensor {
    const [out] = this.lstm.forward(this.embed.forward(xs), [h, null]);
    return this.affine.forward(reshape(out, [-1, HIDDEN]));
  }
}

/** The seq2seq model: encoder and decoder. */
export class Seq2seq extends Module {
  encoder: Encoder;
  decoder: Decoder;
  constructor(rng = new Rng(0)) {
    super();
    this.encoder = new Encoder(rng);
    this.decoder = new Decoder(rng);
  }
  /** The loss of a batch: questions [B, 7], answers [B, 5] (teacher forcing on answers[:, :4]). */
  forward(questions: Tensor, answers: Tensor): Tensor {
    const b = questions.shape[0];
    const h = this.encoder.forward(questions);
    const scores = this.decoder.forward(answers.slice(null, [0, 4]), h);
    return softmaxCrossEntropy(scores, reshape(answers.slice(null, [1, 5]), [b * 4]));
  }
}

/**
 * tapegrad's trainer of figure F: `run(steps)` trains that many steps of batches in the data's
 * order (continuing from the last call) and returns the mean loss.
 */
export function tapegradSeq2seq(data: AdditionData): (steps: number) => number {
  const model = new Seq2seq(new Rng(0));
  const opt = new Adam(model.parameters(), { lr: 0.001 });
  const q = new Tensor(data.questions, [data.n, 7]);
  const a = new Tensor(data.answers, [data.n, 5]);
  const idx = data.batches.map((b) => new Tensor(b, [b.length]));
  let pos = 0;
  return (steps: number): number => {
    let total = 0;
    for (let s = 0; s < steps; s++) {
      const i = idx[pos++ % idx.length];
      const loss = model.forward(q.take(i), a.take(i));
      opt.zeroGrad();
      loss.backward();
      opt.step();
      total += loss.item();
    }
    return total / steps;
  };
}
