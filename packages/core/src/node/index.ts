/**
 * `@tapegrad/core/node`: the Node.js-only helpers the other packages share (file system), kept
 * out of the main entry point so that it bundles for the browser.
 *
 * @example
 * import { makeDir } from '@tapegrad/core/node';
 * makeDir('runs/spiral'); // creates runs/ and runs/spiral as needed
 *
 * @packageDocumentation
 */
export { FileSystemError, makeDir } from './make-dir';
