/**
 * tapegrad datasets: spiral, MNIST, Fashion-MNIST and small classic sets as Tensors, plus
 * Dataset / DataLoader and preprocessing helpers. Nothing is downloaded at run time.
 *
 * @example
 * import { spiral } from '@tapegrad/datasets';
 * const { x, t } = spiral(); // x [300, 2], t [300, 3] one-hot
 *
 * @packageDocumentation
 */
/**
 * The package version.
 *
 * @example
 * import { VERSION } from '@tapegrad/datasets';
 * VERSION; // '0.1.0'
 */
export const VERSION = '0.1.0';
export { DatasetError } from './errors';
export type { LabeledData } from './types';
export { oneHot, labelTensor } from './one-hot';
export { spiral, type SpiralOptions } from './spiral';
export { type Dataset, type Sample, TensorDataset, takeRows } from './dataset';
export { DataLoader, type DataLoaderOptions } from './data-loader';
export { trainTestSplit, type Split, type SplitOptions } from './split';
export { Scaler, standardize, normalize } from './scalers';
export { parseIdx, encodeIdx, type IdxArray, type IdxData, type IdxType } from './idx';
// Files: Node.js only (#datasets-platform: platform/node.ts; in a browser they throw a DatasetError).
export {
  packageDir,
  readBytes,
  findFile,
  makeDir,
  md5,
  checkChecksum,
  loadMnist,
  clearMnistCache,
  loadFashionMnist,
  clearFashionMnistCache,
} from '#datasets-platform';
export { type FashionMnistOptions, type ImageSetOptions, type RawImageSet, type SplitName } from './image-set';
export { IDX_FILES, MNIST_CHECKSUMS, FASHION_CLASSES } from './image-set-names';
export { breastCancer, digits, iris, wine, parseLabeledCsv, type ClassicData, type ClassicOptions } from './classic';
export { sevenSegment, xor, type ToyOptions } from './toy';
export { circles, gaussians, moons, xorPoints, type PointSetOptions } from './points';
export { CharVocab } from './char-vocab';
export { type CharPairs, type CharPairOptions, START_TOKEN } from './char-pairs';
export { addition, ADDITION_CHARS, type AdditionOptions } from './addition';
export { dates, DATE_CHARS, DATE_QUESTION_LENGTH, type DatesOptions } from './dates';
export { DATE_FORMATS, DATE_CASES, calendarDate, isoDate, type CalendarDate } from './date-formats';
export { sineWave, type SineWave, type SineWaveOptions } from './sine-wave';
