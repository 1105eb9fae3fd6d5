import { checkInteger, checkOptions } from '@tapegrad/core';
import { CharVocab } from './char-vocab';
import { type CharPairOptions, type CharPairs, charPairs, pairSettings } from './char-pairs';
import { calendarDate, DATE_CASES, DATE_FORMATS, isoDate } from './date-formats';

/**
 * Options of {@link dates}.
 *
 * @example
 * const options: DatesOptions = { numPairs: 2000, seed: 7 };
 * dates(options).xTest.shape; // [200, 29]
 */
export interface DatesOptions extends CharPairOptions {
  /** Distinct written dates to generate (default 50,000). */
  numPairs?: number;
}

/** The date set's characters: the space, punctuation, digits, letters and the start token. */
export const DATE_CHARS = ' ,-./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_';

/** The longest written date: `Wednesday, September 27, 1994`. */
export const DATE_QUESTION_LENGTH = 29;

const FIRST_DAY = Date.UTC(1950, 0, 1) / 86400000;
const LAST_DAY = Date.UTC(2049, 11, 31) / 86400000;

/**
 * The date-format set of "Deep Learning from Scratch 2" ch. 8, generated: `numPairs` distinct
 * dates written by people (`"September 27, 1994"`, `"Tue, 9/27/94"`, `"27 SEP 1994"`,
 * `"27.09.94"` …) mapped to ISO `1994-09-27`. A pair draws a day uniformly from 1950-01-01 to
 * 2049-12-31, one of the 16 {@link DATE_FORMATS} and a casing (as written, upper or lower);
 * a written date already drawn is drawn again, so no held-out question appears in training.
 * Questions are padded with spaces to 29 characters, answers are `_1994-09-27` (11); the last
 * 10% are held out. The same seed gives the same set on every machine (core's `Rng`).
 *
 * @example
 * const { xTrain, tTrain, vocab } = dates(); // [45000, 29], [45000, 11]
 * vocab.decode(tTrain.slice(0)); // e.g. '_1994-09-27'
 */
export function dates(options: DatesOptions = {}): CharPairs {
  const o = checkOptions('dates', options, ['numPairs', 'seed', 'testFraction']);
  const numPairs =
    o.numPairs === undefined ? 50000 : checkInteger('dates', 'numPairs', o.numPairs, { min: 2, max: 500000 });
  const { rng, testFraction } = pairSettings('dates', o as CharPairOptions);
  const formats = Object.values(DATE_FORMATS);
  const seen = new Set<string>();
  const pairs: [string, string][] = [];
  while (pairs.length < numPairs) {
    const date = calendarDate(rng.randint(FIRST_DAY, LAST_DAY + 1));
    const written = formats[rng.randint(0, formats.length)](date);
    const casing = DATE_CASES[rng.randint(0, DATE_CASES.length)];
    const question = casing === 'upper' ? written.toUpperCase() : casing === 'lower' ? written.toLowerCase() : written;
    if (seen.has(question)) continue;
    seen.add(question);
    pairs.push([question, isoDate(date)]);
  }
  return charPairs('dates', pairs, new CharVocab(DATE_CHARS), DATE_QUESTION_LENGTH, 11, testFraction);
}
