/**
 * What @tapegrad/nn does only in Node.js: checkpoint files, the terminal progress bar, the
 * default output stream and loading the optional plotting package. package.json's
 * `#nn-platform` import picks this file under the `node` condition and platform/browser.ts,
 * with the same exports, under `browser`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CheckpointError } from '../errors';
import type { OutputStream } from '../trainer/progress';

export { writeAtomic } from '../checkpoint/atomic-write';
export { SingleBar as ProgressBar } from 'cli-progress';

/**
 * The bytes of `file`; a CheckpointError ('io') names `who` and the file when they cannot be read.
 *
 * @example
 * readFile('load', 'model.safetensors').length;
 */
export function readFile(who: string, file: string): Uint8Array {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new CheckpointError(`${who}: cannot read '${file}': ${(e as Error).message}`, 'io');
  }
}

/** The same bytes as a Buffer (what Node.js callers of encodeSafetensors have always had). */
export const nodeBytes = (bytes: Uint8Array): Uint8Array => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);

/** Where the Trainer reports by default. */
export const defaultOutput = (): OutputStream => process.stdout;

/** An absolute path for `file`. */
export const resolvePath = (file: string): string => path.resolve(file);

/* eslint-disable @typescript-eslint/no-require-imports -- an optional package, loaded on first use */
/** Loads an installed package by name (it throws MODULE_NOT_FOUND when it is missing). */
export const loadPackage = (id: string): unknown => require(id);
/* eslint-enable @typescript-eslint/no-require-imports */
