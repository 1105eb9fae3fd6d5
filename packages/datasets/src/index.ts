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
export { packageDir, readBytes, findFile, makeDir, md5, checkChecksum } from './files';
export { type ImageSetOptions, type RawImageSet, type SplitName } from './image-set';
export { loadMnist, clearMnistCache, IDX_FILES, MNIST_CHECKSUMS } from './mnist';
export { loadFashionMnist, clearFashionMnistCache, FASHION_CLASSES, type FashionMnistOptions } from './fashion-mnist';
export { breastCancer, digits, iris, wine, parseLabeledCsv, type ClassicData, type ClassicOptions } from './classic';
export { sevenSegment, xor, type ToyOptions } from './toy';
export { CharVocab } from './char-vocab';
export { type CharPairs, type CharPairOptions, START_TOKEN } from './char-pairs';
export { addition, ADDITION_CHARS, type AdditionOptions } from './addition';
export { dates, DATE_CHARS, DATE_QUESTION_LENGTH, type DatesOptions } from './dates';
export { DATE_FORMATS, DATE_CASES, calendarDate, isoDate, type CalendarDate } from './date-formats';
export { sineWave, type SineWave, type SineWaveOptions } from './sine-wave';
