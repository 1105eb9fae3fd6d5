import { checkBoolean, checkOptions, checkString, Tensor, ValueError } from '@tapegrad/core';
import { DatasetError } from './errors';
import { parseIdx } from './idx';
import { labelTensor, oneHot } from './one-hot';
import type { LabeledData } from './types';

/** `UNIT[p] = p / 255` in float32: a table lookup converts pixels about twice as fast as dividing. */
const UNIT = Float32Array.from({ length: 256 }, (_, p) => p / 255);

/**
 * Which part of a data set to load.
 *
 * @example
 * const split: SplitName = 'test';
 * loadMnist({ split });
 */
export type SplitName = 'train' | 'test';

/**
 * Options shared by the image loaders (`loadMnist`, `loadFashionMnist`).
 *
 * @example
 * const options: ImageSetOptions = { split: 'test', flatten: false, oneHot: true };
 * loadMnist(options).x.shape; // [10000, 1, 28, 28]
 */
export interface ImageSetOptions {
  /** `'train'` (default) or `'test'`. */
  split?: SplitName;
  /** Scale pixels from 0–255 to [0, 1] (default true). */
  normalize?: boolean;
  /** `x` as `[N, rows·cols]` (default true) or `[N, 1, rows, cols]`. */
  flatten?: boolean;
  /** `t` one-hot float32 `[N, 10]` (true) or the int32 labels (default false). */
  oneHot?: boolean;
  /** A directory with your own IDX files (official names, plain or `.gz`) instead of the npm package. */
  dir?: string;
}

/**
 * Images and labels as raw bytes: what the in-memory caches keep.
 *
 * @example
 * const raw: RawImageSet = imageSetFromIdx(imageBytes, imageFile, labelBytes, labelFile);
 * raw.images.length === raw.count * raw.rows * raw.cols;
 */
export interface RawImageSet {
  /** Pixels, uint8, `count·rows·cols`. */
  images: Uint8Array;
  /** Labels, uint8, `count`. */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** The option names every image loader takes. */
export const IMAGE_SET_OPTIONS = ['split', 'normalize', 'flatten', 'oneHot', 'dir'] as const;

/**
 * Checks a loader's options object (unknown keys, booleans, `dir` a non-empty string, the split
 * name); returns the split and the checked options.
 *
 * @example
 * const { split, options } = checkImageSetOptions('loadMnist', { split: 'test' });
 * checkImageSetOptions('loadMnist', { flaten: false }); // ValueError: loadMnist: unknown option 'flaten' (did you mean 'flatten'?) …
 */
export function checkImageSetOptions<O extends ImageSetOptions>(
  loader: string,
  options: O,
  extra: readonly string[] = [],
): { split: SplitName; options: O } {
  const o = checkOptions(loader, options, [...IMAGE_SET_OPTIONS, ...extra]) as Record<string, unknown>;
  for (const key of ['normalize', 'flatten', 'oneHot'] as const) {
    if (o[key] !== undefined) checkBoolean(loader, key, o[key]);
  }
  for (const key of ['dir', ...extra]) if (o[key] !== undefined) checkString(loader, key, o[key]);
  return { split: checkSplit(loader, o.split ?? 'train'), options: o as O };
}

/**
 * Checks the split name, throwing a ValueError naming the loader and the valid names.
 *
 * @example
 * checkSplit('loadMnist', 'test'); // 'test'
 * checkSplit('loadMnist', 'val'); // ValueError
 */
export function checkSplit(loader: string, split: unknown): SplitName {
  if (split === 'train' || split === 'test') return split;
  throw new ValueError(`${loader}: unknown split '${String(split)}'; valid: 'train', 'test'`);
}

/**
 * Parses an images IDX file (uint8 `[N, rows, cols]`) and a labels IDX file (uint8 `[N]`,
 * each < `numClasses`) into a {@link RawImageSet}; every mismatch is a DatasetError naming the file.
 *
 * @example
 * const raw = imageSetFromIdx(readBytes(imgFile), imgFile, readBytes(lblFile), lblFile);
 * raw.count; // 60000
 */
export function imageSetFromIdx(
  imageBytes: Uint8Array,
  imageFile: string,
  labelBytes: Uint8Array,
  labelFile: string,
  numClasses = 10,
): RawImageSet {
  const img = parseIdx(imageBytes, imageFile);
  if (img.type !== 'uint8' || img.shape.length !== 3) {
    throw new DatasetError(
      `IDX file ${imageFile}: expected uint8 images [N, rows, cols], got ${img.type} [${img.shape.join(',')}]`,
      imageFile,
    );
  }
  const lbl = parseIdx(labelBytes, labelFile);
  if (lbl.type !== 'uint8' || lbl.shape.length !== 1) {
    throw new DatasetError(
      `IDX file ${labelFile}: expected uint8 labels [N], got ${lbl.type} [${lbl.shape.join(',')}]`,
      labelFile,
    );
  }
  const [count, rows, cols] = img.shape;
  if (lbl.shape[0] !== count) {
    throw new DatasetError(
      `IDX file ${labelFile}: ${lbl.shape[0]} labels for ${count} images in ${imageFile}`,
      labelFile,
    );
  }
  const labels = lbl.data as Uint8Array;
  for (let i = 0; i < count; i++) {
    if (labels[i] >= numClasses) {
      throw new DatasetError(
        `IDX file ${labelFile}: label ${labels[i]} at index ${i} is not a class 0..${numClasses - 1}`,
        labelFile,
      );
    }
  }
  return { images: img.data as Uint8Array, labels, count, rows, cols };
}

/**
 * Turns raw bytes into tensors: `x` float32 (scaled to [0, 1] unless `normalize` is false,
 * flat or `[N, 1, rows, cols]`), `labels` int32 and `t` (one-hot or the labels). Fresh arrays on
 * every call, so callers may modify them without touching the cache.
 *
 * @example
 * const { x, t } = toLabeledData(raw, { flatten: false, oneHot: true });
 * x.shape; // [N, 1, 28, 28]
 */
export function toLabeledData(raw: RawImageSet, options: ImageSetOptions, numClasses = 10): LabeledData {
  const { normalize = true, flatten = true } = options;
  const src = raw.images;
  const x = new Float32Array(src.length);
  if (normalize) for (let i = 0; i < src.length; i++) x[i] = UNIT[src[i]];
  else x.set(src);
  const shape = flatten ? [raw.count, raw.rows * raw.cols] : [raw.count, 1, raw.rows, raw.cols];
  const labels = labelTensor(raw.labels);
  return { x: new Tensor(x, shape), t: options.oneHot ? oneHot(labels, numClasses) : labels, labels };
}

/**
 * Options of {@link loadFashionMnist}.
 *
 * @example
 * const options: FashionMnistOptions = { split: 'test', cacheDir: '/tmp/tapegrad-cache' };
 * loadFashionMnist(options).x.shape; // [10000, 784]
 */
export interface FashionMnistOptions extends ImageSetOptions {
  /** Where the converted cache file lives (default `$TAPEGRAD_CACHE`, else `~/.cache/tapegrad`). */
  cacheDir?: string;
}
