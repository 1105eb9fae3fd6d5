import { TapegradError } from '@tapegrad/core';

/**
 * A data file or package that cannot be used: missing, truncated, corrupt, a wrong magic number,
 * a checksum mismatch, image and label counts that disagree. `file` names the culprit.
 *
 * @example
 * try { loadMnist({ dir: '/data/mnist' }); }
 * catch (e) { if (e instanceof DatasetError) console.error(e.file, e.message); }
 */
export class DatasetError extends TapegradError {
  /** The file (or package) the problem was found in, when there is one. */
  readonly file: string | null;

  constructor(message: string, file: string | null = null) {
    super(message);
    this.file = file;
  }
}
