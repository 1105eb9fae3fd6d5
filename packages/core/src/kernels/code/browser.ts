/**
 * How kernels/index.ts reaches the code of the WASM and native backends in a browser: the WASM
 * backend is imported (an ES module cannot `require` on demand, and a bundle holds it anyway;
 * nothing runs until `ready()` or the first op), and there is no native backend.
 * package.json's `#kernel-code` import picks this file under the `browser` condition.
 */
import type * as Native from '../native';
import * as wasm from '../wasm';

/** The WASM backend's code. */
export const wasmCode = (): typeof wasm => wasm;
/** No native backend in a browser. */
export const nativeCode = (): typeof Native | null => null;
