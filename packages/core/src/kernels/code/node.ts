/**
 * How kernels/index.ts reaches the code of the WASM and native backends in Node.js: `require`d
 * on first use, so that importing tapegrad does not load a dozen modules it may never run.
 * package.json's `#kernel-code` import picks this file under the `node` condition and
 * code/browser.ts under `browser`.
 */
import type * as Native from '../native';
import type * as Wasm from '../wasm';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (see above) */
/** The WASM backend's code, loaded by the first call. */
export const wasmCode = (): typeof Wasm => require('../wasm') as typeof Wasm;
/** The native backend's code, loaded by the first call. */
export const nativeCode = (): typeof Native | null => require('../native') as typeof Native;
/* eslint-enable @typescript-eslint/no-require-imports */
