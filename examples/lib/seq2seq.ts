import * as path from 'node:path';
import { type Rng, type Tensor, argmax, noGrad } from '@tapegrad/core';
import { type CharVocab, takeRows } from '@tapegrad/datasets';
import { type Module, type Optimizer, clipGradNorm, softmaxCrossEntropy } from '@tapegrad/nn';
import { lineChart, savePlot } from '@tapegrad/plot';

/** A character seq2seq model as the book's `Seq2seq`: teacher-forced scores and greedy generation. */
export interface CharSeq2seq extends Module {
  /** Decoder scores `[N, T, V]` for questions `xs` `[N, Tq]` and decoder inputs `ts` `[N, T]`. */
  forward(xs: Tensor, ts: Tensor): Tensor;
  /** Greedy answers `[N, length]` (ids), starting from `startId`. */
  generate(xs: Tensor, startId: number, length: number): Tensor;
}

/** The int32 id tensors of a character pair set (`addition()`, `dates()`). */
export interface IdPairs {
  xTrain: Tensor;
  tTrain: Tensor;
  xTest: Tensor;
  tTest: Tensor;
}

/**
 * The book's `x[:, ::-1]`: every question read backwards (the padding then comes first).
 *
 * @example
 * reverseQuestions({ xTrain, tTrain, xTest, tTest }).xTrain; // '16+75  ' → '  57+61'
 */
export function reverseQuestions(data: IdPairs): IdPairs {
  return {
    ...data,
    xTrain: data.xTrain.slice(null, [null, null, -1]),
    xTest: data.xTest.slice(null, [null, null, -1]),
  };
}

/**
 * Mean cross-entropy over every decoder step (the book's `TimeSoftmaxWithLoss`): the decoder
 * reads `t[:, :-1]` and learns `t[:, 1:]`.
 *
 * @example
 * const loss = seq2seqLoss(model, xb, tb);
 */
export function seq2seqLoss(model: CharSeq2seq, xs: Tensor, ts: Tensor): Tensor {
  const len = ts.shape[1];
  const decoderIn = ts.slice(null, [0, len - 1]);
  const target = ts.slice(null, [1, len]);
  const scores = model.forward(xs, decoderIn);
  const v = scores.shape[2];
  return softmaxCrossEntropy(scores.reshape([-1, v]), target.reshape([-1]));
}

/** Options of {@link trainEpoch}. */
export interface EpochOptions {
  batchSize: number;
  /** Global gradient-norm clip (the book's `max_grad`). */
  maxGrad: number;
  rng: Rng;
}

/**
 * One epoch as the book's `Trainer.fit`: a fresh permutation, `⌊N / batchSize⌋` batches (the
 * remainder is dropped), backward, clip, step. Returns the mean loss.
 *
 * @example
 * const loss = trainEpoch(model, optimizer, data.xTrain, data.tTrain, { batchSize: 128, maxGrad: 5, rng });
 */
export function trainEpoch(model: CharSeq2seq, optimizer: Optimizer, x: Tensor, t: Tensor, o: EpochOptions): number {
  const n = x.shape[0];
  const perm = o.rng.permutation(n);
  const iters = Math.floor(n / o.batchSize);
  let total = 0;
  for (let it = 0; it < iters; it++) {
    const rows = perm.subarray(it * o.batchSize, (it + 1) * o.batchSize);
    const loss = seq2seqLoss(model, takeRows(x, rows), takeRows(t, rows));
    optimizer.zeroGrad();
    loss.backward();
    clipGradNorm(model.parameters(), o.maxGrad);
    optimizer.step();
    total += loss.item();
  }
  return total / iters;
}

/**
 * Greedy answers for every question, in batches, without recording.
 *
 * @example
 * const guesses = generateAll(model, data.xTest, startId, 4); // [N, 4]
 */
export function generateAll(
  model: CharSeq2seq,
  x: Tensor,
  startId: number,
  length: number,
  batchSize = 500,
): Int32Array {
  const n = x.shape[0];
  const out = new Int32Array(n * length);
  noGrad(() => {
    for (let s = 0; s < n; s += batchSize) {
      const rows = Int32Array.from({ length: Math.min(batchSize, n - s) }, (_, i) => s + i);
      out.set(model.generate(takeRows(x, rows), startId, length).data, s * length);
    }
  });
  return out;
}

/**
 * The share of answers generated exactly right (every character of `t[:, 1:]`), as the book's
 * `eval_seq2seq`; also returns the guesses.
 *
 * @example
 * const { accuracy } = exactMatch(model, data.xTest, data.tTest, startId);
 */
export function exactMatch(
  model: CharSeq2seq,
  x: Tensor,
  t: Tensor,
  startId: number,
): { accuracy: number; guesses: Int32Array } {
  const guesses = generateAll(model, x, startId, t.shape[1] - 1);
  return { accuracy: shareExact(guesses, t), guesses };
}

/**
 * The share of rows of `guesses` (`[N, L − 1]`, flat) equal to `t[:, 1:]` in every character.
 *
 * @example
 * shareExact(vocab.encode(['91  ']).data, vocab.encode(['_91  '])); // 1
 */
export function shareExact(guesses: ArrayLike<number>, t: Tensor): number {
  const [n, len] = t.shape;
  let right = 0;
  for (let i = 0; i < n; i++) {
    let ok = true;
    for (let j = 1; j < len && ok; j++) ok = guesses[i * (len - 1) + j - 1] === t.data[i * len + j];
    if (ok) right++;
  }
  return right / n;
}

/**
 * Held-out accuracy per epoch, one line per model, saved as `accuracy.png` (and `.svg`) in
 * `outDir`; returns the PNG's path.
 *
 * @example
 * saveAccuracyPlot({ 'held-out': [0.5, 0.9] }, 'attention seq2seq on dates', outDir);
 */
export function saveAccuracyPlot(curves: Record<string, readonly number[]>, title: string, outDir: string): string {
  const names = Object.keys(curves);
  const svg = lineChart(
    names.map((name) => ({ name, x: curves[name].map((_, i) => i + 1), y: curves[name] })),
    {
      title: `${title}: held-out exact match`,
      xLabel: 'epoch',
      yLabel: 'accuracy',
      yDomain: [0, 1],
      points: true,
      legend: 'bottom-right',
      integerX: true,
    },
  );
  return savePlot(svg, path.join(outDir, 'accuracy')).png;
}

/**
 * The book's printout of one answer: `Q 77+85`, `T 162`, `☑ 162` or `☒ 172`.
 *
 * @example
 * log(sampleLine(vocab, xTest.slice(0), tTest.slice(0), guesses.subarray(0, 4), true));
 */
export function sampleLine(
  vocab: CharVocab,
  question: Tensor,
  answer: Tensor,
  guess: ArrayLike<number>,
  reversed: boolean,
): string {
  const q = vocab.decode(question.data);
  const shown = (reversed ? [...q].reverse().join('') : q).trim();
  const truth = vocab.decode(answer.data).slice(1).trim();
  const got = vocab.decode(guess).trim();
  return `Q ${shown.padEnd(question.size)}  T ${truth.padEnd(answer.size)}  ${got === truth ? '☑' : '☒'} ${got}`;
}

/**
 * Greedy decoding one step at a time: the id with the largest score.
 *
 * @example
 * const next = greedy(scores); // [N] int32
 */
export function greedy(scores: Tensor): Tensor {
  return argmax(scores.reshape([scores.shape[0], -1]), 1);
}
