import { checkInteger, checkOptions, type Rng, ValueError } from '@tapegrad/core';
import { CharVocab } from './char-vocab';
import { type CharPairOptions, type CharPairs, charPairs, pairSettings } from './char-pairs';

/**
 * Options of {@link addition}.
 *
 * @example
 * const options: AdditionOptions = { numProblems: 1000, maxDigits: 2, seed: 1 };
 * addition(options).xTrain.shape; // [900, 5]
 */
export interface AdditionOptions extends CharPairOptions {
  /** Distinct problems to generate (default 50,000, the book's `addition.txt`). */
  numProblems?: number;
  /** Most digits of an operand (default 3). */
  maxDigits?: number;
}

/** The addition set's characters: digit d has id d, then `+`, the space and the start token. */
export const ADDITION_CHARS = '0123456789+ _';

/**
 * The addition set of "Deep Learning from Scratch 2" ch. 7, generated: `numProblems` distinct
 * problems `"16+75"` → `"91"`. Each operand has 1 to `maxDigits` digits (the count drawn
 * uniformly, then the number uniformly among those with that many digits, as Keras's
 * `addition_rnn` example draws them); a problem already drawn is drawn again. Questions are
 * padded with spaces to `2·maxDigits + 1` characters (`"16+75  "`), answers start with `_` and
 * are padded to `maxDigits + 2` (`"_91  "`); the last 10% are held out. The same seed gives the
 * same set on every machine (core's `Rng`).
 *
 * @example
 * const { xTrain, tTrain, xTest, tTest, vocab } = addition(); // [45000, 7], [45000, 5], [5000, 7], [5000, 5]
 * vocab.decode(tTrain.slice(0)); // e.g. '_91  '
 */
export function addition(options: AdditionOptions = {}): CharPairs {
  const o = checkOptions('addition', options, ['numProblems', 'maxDigits', 'seed', 'testFraction']);
  const maxDigits =
    o.maxDigits === undefined ? 3 : checkInteger('addition', 'maxDigits', o.maxDigits, { min: 1, max: 7 });
  const distinct = 10 ** (2 * maxDigits);
  const numProblems =
    o.numProblems === undefined ? 50000 : checkInteger('addition', 'numProblems', o.numProblems, { min: 2 });
  if (numProblems > distinct / 2) {
    throw new ValueError(
      `addition: numProblems must be at most half of the ${distinct} distinct problems with ${maxDigits}-digit operands (${distinct / 2}), got ${numProblems}`,
    );
  }
  const { rng, testFraction } = pairSettings('addition', o as CharPairOptions);
  const seen = new Set<string>();
  const pairs: [string, string][] = [];
  while (pairs.length < numProblems) {
    const a = operand(rng, maxDigits);
    const b = operand(rng, maxDigits);
    const question = `${a}+${b}`;
    if (seen.has(question)) continue;
    seen.add(question);
    pairs.push([question, String(a + b)]);
  }
  const vocab = new CharVocab(ADDITION_CHARS);
  return charPairs('addition', pairs, vocab, 2 * maxDigits + 1, maxDigits + 2, testFraction);
}

function operand(rng: Rng, maxDigits: number): number {
  const digits = rng.randint(1, maxDigits + 1);
  return digits === 1 ? rng.randint(0, 10) : rng.randint(10 ** (digits - 1), 10 ** digits);
}
