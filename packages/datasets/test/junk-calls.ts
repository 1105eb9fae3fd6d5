/**
 * Every @tapegrad/datasets entry point and the junk its properties call it with (two junk
 * arguments a call): shared by bad-input.test.ts and the cross-package bad-input suite
 * (test/bad-input), which runs each case under a timeout.
 */
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { tensor } from '@tapegrad/core';
import {
  addition,
  CharVocab,
  DataLoader,
  dates,
  encodeIdx,
  iris,
  labelTensor,
  loadFashionMnist,
  loadMnist,
  md5,
  oneHot,
  parseIdx,
  parseLabeledCsv,
  sevenSegment,
  sineWave,
  spiral,
  standardize,
  takeRows,
  TensorDataset,
  trainTestSplit,
  xor,
} from '@tapegrad/datasets';

/** The small data set the calls (and bad-input.test.ts) use. */
export const x = tensor(
  [
    [1, 2],
    [3, 4],
    [5, 6],
  ],
  { dtype: 'float32' },
);
export const labels = tensor([0, 1, 0], { dtype: 'int32' });
export const ds = new TensorDataset(x, labels);

/** Cases per call in bad-input.test.ts. */
export const JUNK_RUNS = 120;

const cacheDir = path.join(os.tmpdir(), 'tapegrad-bad-input-cache');
const vocab = new CharVocab('0123456789+ _');
// Generated sets default to their full size: junk options get small sizes unless they set their own.
const small = (a: unknown, sizes: object): never =>
  (a !== null &&
  typeof a === 'object' &&
  !Array.isArray(a) &&
  !(a instanceof Uint8Array) &&
  Object.getPrototypeOf(a) === Object.prototype
    ? { ...sizes, ...a }
    : a) as never;
export const JUNK_CALLS: [string, (a: unknown, b: unknown) => unknown][] = [
  ['spiral', (a) => spiral(a as never)],
  ['oneHot', (a, b) => oneHot(a as never, b as never)],
  ['labelTensor', (a) => labelTensor(a as never)],
  ['xor', (a) => xor(a as never)],
  ['sevenSegment', (a) => sevenSegment(a as never)],
  ['iris', (a) => iris(a as never)],
  ['encodeIdx', (a, b) => encodeIdx(a as never, b as never)],
  ['parseIdx', (a) => parseIdx(a as never)],
  ['parseLabeledCsv', (a, b) => parseLabeledCsv(a as never, 'f.csv', b as never)],
  ['DataLoader', (a, b) => new DataLoader(a as never, b as never)],
  ['DataLoader(ds)', (a) => [...new DataLoader(ds, a as never)]],
  ['TensorDataset', (a, b) => new TensorDataset(a as never, b as never)],
  ['getBatch', (a) => ds.getBatch(a as never)],
  ['takeRows', (a, b) => takeRows(a as never, b as never)],
  ['trainTestSplit', (a, b) => trainTestSplit(x, labels, (b ?? a) as never)],
  ['standardize', (a) => standardize(a as never)],
  ['md5', (a) => md5(a as never)],
  ['loadMnist', (a) => loadMnist({ ...(a as object), split: 'val' } as never)],
  ['addition', (a) => addition(small(a, { numProblems: 20 }))],
  ['dates', (a) => dates(small(a, { numPairs: 20 }))],
  ['sineWave', (a) => sineWave(small(a, { numSteps: 40 }))],
  ['CharVocab', (a) => new CharVocab(a as never)],
  ['CharVocab.encode', (a) => vocab.encode(a as never)],
  ['CharVocab.decode', (a) => vocab.decode(a as never)],
  ['loadFashionMnist', (a) => loadFashionMnist({ cacheDir, ...(a as object), split: 'val' } as never)],
];
// No integers between 3 and 1e12: a valid size that large would really be allocated.
const scalar = fc.oneof(
  fc.constantFrom(null, undefined, Number.NaN, Infinity, -Infinity, -1, -0, 0, 1, 2, 0.5, 1e12, 2 ** 53, '3', '', true),
  fc.double({ noInteger: true }),
  fc.string({ maxLength: 3 }),
);
const keys = fc.constantFrom(
  'numPerClass',
  'numClasses',
  'seed',
  'batchSize',
  'shuffle',
  'oneHot',
  'dir',
  'testSize',
  'numProblems',
  'maxDigits',
  'numPairs',
  'testFraction',
  'numSteps',
  'windowSize',
  'period',
  'noise',
);
export const junk = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 4 }),
  fc.dictionary(keys, scalar, { maxKeys: 3 }),
  fc.constantFrom(x, labels, ds, {}, [], new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 7])),
);
