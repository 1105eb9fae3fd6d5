/**
 * The JS backend: plain typed-array loops for every kernel and dtype. It is the complete
 * reference: the accelerated backends are tested against it and fall back to it.
 */
import type { KernelBackend } from '../backend';
import { convForward, convWeightGrad } from './conv';
import * as elementwise from './elementwise';
import { gemm } from './gemm';
import * as recurrent from './recurrent';
import { lstmSequenceLoops } from './recurrent-sequence';
import * as reduce from './reduce';
import * as scan from './scan';
import * as strided from './strided';
import * as window from './window';

/**
 * The pure-JS backend: always available, and the reference the others are tested against.
 *
 * @example
 * const prev = setBackend(jsBackend); try { run(); } finally { setBackend(prev); }
 */
export const jsBackend: KernelBackend = Object.freeze({
  name: 'js',
  ...elementwise,
  ...strided,
  ...reduce,
  ...window,
  ...scan,
  ...recurrent,
  ...lstmSequenceLoops({ gemm, ...recurrent }),
  gemm,
  convForward,
  convWeightGrad,
});
export { convByGemm } from './conv';
