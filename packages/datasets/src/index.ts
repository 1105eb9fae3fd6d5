/**
 * tapegrad datasets: spiral, MNIST, Fashion-MNIST and small classic sets as Tensors, plus
 * Dataset / DataLoader and preprocessing helpers. Nothing is downloaded at run time.
 *
 * @example
 * import { spiral } from '@tapegrad/datasets';
 * const { x, t } = spiral(); // x [300, 2], t [300, 3] one-hot
 *
 * @packageDocumentation
 */
export const VERSION = '0.1.0';
export { DatasetError } from './errors';
export type { LabeledData } from './types';
export { oneHot, labelTensor } from './one-hot';
export { spiral, type SpiralOptions } from './spiral';
