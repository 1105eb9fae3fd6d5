import type { Tensor } from '../tensor';
import type { Node, Op } from './op';

/**
 * Optional checks the engine calls when set (anomaly mode installs them). `null` when off, so
 * the hot path pays one comparison.
 */
export const hooks: {
  afterForward: ((op: Op<unknown>, inputs: readonly Tensor[], out: Tensor) => void) | null;
  onRecord: ((node: Node<unknown>) => void) | null;
  /** Called with the node whose rule is about to run, and with null when backward ends. */
  beforeBackward: ((node: Node<unknown> | null) => void) | null;
  afterBackward: ((node: Node<unknown>, grads: readonly (Tensor | null)[]) => void) | null;
} = { afterForward: null, onRecord: null, beforeBackward: null, afterBackward: null };
