import { checkInteger, checkNumber, Rng, type Tensor, ValueError } from '@tapegrad/core';
import { CharVocab } from './char-vocab';

/**
 * A generated character-level sequence-to-sequence set in the format of "Deep Learning from
 * Scratch 2" ch. 7–8 (`dataset/sequence.py`): questions padded with spaces to one length, answers
 * starting with the `_` start token and padded likewise, one vocabulary for both, and a fixed
 * split (the last `testFraction` of the pairs, in their generated order, are held out).
 *
 * @example
 * const { xTrain, tTrain, vocab } = addition();
 * vocab.decode(xTrain.slice(0)); // a question such as '16+75  '
 */
export interface CharPairs {
  /** Question ids, int32 `[numTrain, questionLength]`. */
  xTrain: Tensor;
  /** Answer ids (`_` first), int32 `[numTrain, answerLength]`. */
  tTrain: Tensor;
  /** Held-out question ids, int32 `[numTest, questionLength]`. */
  xTest: Tensor;
  /** Held-out answer ids, int32 `[numTest, answerLength]`. */
  tTest: Tensor;
  /** The characters of questions and answers (the book's `char_to_id` / `id_to_char`). */
  vocab: CharVocab;
  /** Every question as text (padded), training pairs first. */
  questions: readonly string[];
  /** Every answer as text (`_` first, padded), in the same order. */
  answers: readonly string[];
}

/** The options every generated pair set shares. */
export interface CharPairOptions {
  /** Seed of the `Rng` that draws the pairs (default 1984). */
  seed?: number;
  /** Share of the pairs held out, at the end (default 0.1: the book's `len(x) // 10`). */
  testFraction?: number;
}

/** The start token that begins every answer (the decoder's first input). */
export const START_TOKEN = '_';

/**
 * The checked seed, `Rng` and held-out share of a generator's options.
 *
 * @example
 * const { rng, testFraction } = pairSettings('addition', o as CharPairOptions);
 */
export function pairSettings(fn: string, o: CharPairOptions): { rng: Rng; testFraction: number } {
  const seed = o.seed === undefined ? 1984 : checkInteger(fn, 'seed', o.seed);
  const testFraction =
    o.testFraction === undefined ? 0.1 : checkNumber(fn, 'testFraction', o.testFraction, { above: 0, below: 1 });
  return { rng: new Rng(seed), testFraction };
}

/**
 * Pads questions and answers, encodes them with one vocabulary and splits off the last
 * `floor(n · testFraction)` pairs (at least one on each side).
 *
 * @example
 * charPairs('addition', [['1+1', '_2']], vocab, 7, 5, 0.1);
 */
export function charPairs(
  fn: string,
  pairs: readonly (readonly [string, string])[],
  vocab: CharVocab,
  questionLength: number,
  answerLength: number,
  testFraction: number,
): CharPairs {
  const n = pairs.length;
  const numTest = Math.floor(n * testFraction);
  if (numTest < 1 || numTest >= n) {
    throw new ValueError(
      `${fn}: testFraction ${testFraction} of ${n} pairs leaves ${numTest} held out and ${n - numTest} for training; both need at least one`,
    );
  }
  const questions = pairs.map(([q]) => q.padEnd(questionLength, ' '));
  const answers = pairs.map(([, a]) => (START_TOKEN + a).padEnd(answerLength, ' '));
  const x = vocab.encode(questions);
  const t = vocab.encode(answers);
  const cut = n - numTest;
  return {
    xTrain: x.slice([0, cut]),
    tTrain: t.slice([0, cut]),
    xTest: x.slice([cut, n]),
    tTest: t.slice([cut, n]),
    vocab,
    questions,
    answers,
  };
}
