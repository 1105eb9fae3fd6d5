/**
 * @tapegrad/nn in a browser, which package.json's `#nn-platform` import picks under the
 * `browser` condition (same exports as platform/node.ts): no file system, so `save(model, file)`
 * and `load(model, file)` throw a CheckpointError pointing to the byte and Blob forms
 * (`saveBytes`, `loadBytes`, `saveBlob`, `loadBlob`); the Trainer reports to the console; the
 * terminal progress bar and `Trainer.plot` (which writes files) are unavailable.
 */
import { CheckpointError } from '../errors';
import type { OutputStream } from '../trainer/progress';

const noFiles = (who: string, file: string): never => {
  throw new CheckpointError(
    `${who}: '${file}' is a file, and a browser has no file system: use saveBytes/loadBytes or saveBlob/loadBlob`,
    'io',
  );
};

/** No file system in a browser: throws a CheckpointError ('io'). */
export const writeAtomic = (who: string, file: string, _bytes: Uint8Array): void => noFiles(who, file);

/** No file system in a browser: throws a CheckpointError ('io'). */
export const readFile = (who: string, file: string): Uint8Array => noFiles(who, file);

/** Bytes stay a Uint8Array (there is no Buffer). */
export const nodeBytes = (bytes: Uint8Array): Uint8Array => bytes;

/** Whole lines to the console: the Trainer's `verbose` output in a browser. */
export function defaultOutput(): OutputStream {
  let pending = '';
  return {
    write(chunk: string) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) console.log(line);
      return true;
    },
  };
}

/** Paths are left as given. */
export const resolvePath = (file: string): string => file;

/** Packages are bundled with the page, not loaded at run time. */
export const loadPackage = (id: string): never => {
  throw new Error(`${id} cannot be loaded at run time in a browser (it writes files; use it from Node.js)`);
};

/** The Trainer's terminal progress bar, which needs a terminal: `progress: 'bar'` throws here. */
export class ProgressBar {
  constructor(_options: object) {
    throw new Error("a progress bar needs a terminal; in a browser use progress: 'lines' or verbose: 0");
  }
  start(_total: number, _value: number, _payload: object): void {}
  update(_value: number, _payload?: object): void {}
  stop(): void {}
}
