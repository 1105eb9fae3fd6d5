/**
 * The platform the kernels run on: the one module that imports `#platform`, which package.json
 * maps to platform/node.ts under the `node` condition (a browser build maps it to its own
 * implementation of {@link Platform}). Everything else imports the platform from here.
 */
export { platform } from '#platform';
export type { Platform, PlatformWorker } from './types';
