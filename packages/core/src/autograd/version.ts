/**
 * In-place detection, as PyTorch's version counters: every in-place write the library makes or
 * exposes (optimiser steps, `loadStateDict`, `copy_`/`fill_`/`zero_`, gradient accumulation)
 * increments the written tensor's version; a node remembers the versions of what its backward
 * reads (its inputs, what it saved, its output when it keeps it), and backward refuses to run a
 * rule whose tensors have changed since, instead of returning a gradient of other values.
 */
import { GraphError, fmtShape } from '../errors';
import type { Tensor } from '../tensor';
import type { Node } from './op';

/**
 * Counts an in-place write to `t`'s data (and so to its views'): call it after writing
 * `t.data` yourself, so that a backward needing the old values fails instead of silently using
 * the new ones (PyTorch's `torch.autograd.graph.increment_version`).
 *
 * @example
 * w.data[0] = 100; incrementVersion(w);
 * y.backward(); // GraphError if y's graph saved w: … is at version 1; expected version 0
 */
export function incrementVersion(t: Tensor): void {
  const c = (t.versionCounter ??= { value: 0 });
  c.value++;
}

function versionOf(t: Tensor): number {
  const c = t.versionCounter;
  return c === null ? 0 : c.value;
}

/**
 * The versions of what a node's backward reads, in the order inputs, saved, output; null when
 * all are 0 (the usual case for everything but parameters that an optimiser has stepped).
 *
 * @example
 * node.versions = recordVersions(inputs, saved, node.output); // runOp, when it records
 */
export function recordVersions(
  inputs: readonly Tensor[],
  saved: readonly Tensor[],
  output: Tensor | null,
): number[] | null {
  let any = false;
  for (let i = 0; i < inputs.length; i++) if (versionOf(inputs[i]) !== 0) any = true;
  for (let i = 0; i < saved.length; i++) if (versionOf(saved[i]) !== 0) any = true;
  if (output !== null && versionOf(output) !== 0) any = true;
  if (!any) return null;
  const v = inputs.map(versionOf);
  for (const t of saved) v.push(versionOf(t));
  if (output !== null) v.push(versionOf(output));
  return v;
}

/**
 * Throws unless every tensor `node`'s backward reads is at the version it had when recorded.
 *
 * @example
 * for (const t of order) checkVersions(t.creator!); // runBackward, before any rule runs
 */
export function checkVersions(node: Node): void {
  const v = node.versions;
  const { inputs, saved, output } = node;
  let k = 0;
  for (let i = 0; i < inputs.length; i++, k++) {
    if (versionOf(inputs[i]) !== (v === null ? 0 : v[k])) modified(node, inputs[i], `input ${i}`, v, k);
  }
  if (saved !== null) {
    for (let i = 0; i < saved.length; i++, k++) {
      if (versionOf(saved[i]) !== (v === null ? 0 : v[k])) modified(node, saved[i], `saved tensor ${i}`, v, k);
    }
  }
  if (output !== null && versionOf(output) !== (v === null ? 0 : v[k])) modified(node, output, 'the output', v, k);
}

function modified(node: Node, t: Tensor, what: string, v: readonly number[] | null, k: number): never {
  const name = t.name ? ` '${t.name}'` : '';
  throw new GraphError(
    `backward: a tensor needed for gradient computation was modified by an in-place operation: ` +
      `${what} of '${node.op.name}' (${t.dtype} ${fmtShape(t.shape)}${name}) is at version ${versionOf(t)}; ` +
      `expected version ${v === null ? 0 : v[k]}. Write to it after backward() (an optimiser's step after ` +
      `loss.backward()), or compute the graph again after the write`,
  );
}
