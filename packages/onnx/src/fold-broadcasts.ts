import type { Tensor } from '@tapegrad/core';
import { type Dim, broadcastDims } from './dims';
import type { Trace } from './trace';

/** Ops whose ONNX counterparts broadcast their inputs NumPy-style by themselves. */
const BROADCASTING = new Set(['add', 'sub', 'mul', 'div', 'pow', 'where', 'maximum', 'minimum']);

/** What {@link foldBroadcasts} found. */
export interface Folded {
  /** Broadcast outputs replaced by their inputs. */
  readonly aliases: Map<Tensor, Tensor>;
  /** Constant leaves whose consumers all broadcast: they may be stored at any shape that broadcasts to theirs. */
  readonly compactable: Set<Tensor>;
}

/**
 * tapegrad records broadcasting as explicit broadcastTo nodes (so every rule sees equal shapes),
 * or, for constants, as constants already of the broadcast shape; ONNX's elementwise ops
 * broadcast by themselves. A broadcastTo whose output only feeds such ops, and whose removal
 * leaves each consumer's output extents unchanged, is folded away (the alias sends its output to
 * its input); a constant leaf feeding only such ops, whose other inputs already have the output's
 * extents, is compactable. So `x.add(b)` exports as one Add, and `x.mul(0.5)` multiplies by a
 * scalar instead of a constant of the batch's shape.
 *
 * @example
 * const { aliases, compactable } = foldBroadcasts(trace, dims, (t) => twin.get(t) !== t);
 */
export function foldBroadcasts(
  trace: Trace,
  dims: ReadonlyMap<Tensor, readonly Dim[]>,
  isConstant: (leaf: Tensor) => boolean,
): Folded {
  const consumers = new Map<Tensor, Tensor[]>();
  for (const t of trace.tensors) {
    for (const x of t.creator?.inputs ?? []) {
      const list = consumers.get(x) ?? [];
      if (!list.includes(t)) list.push(t);
      consumers.set(x, list);
    }
  }
  const aliases = new Map<Tensor, Tensor>();
  const resolve = (t: Tensor): Tensor => aliases.get(t) ?? t;
  /** Whether `out`'s inputs (other than `skip`) broadcast to exactly its extents. */
  const keepsShape = (out: Tensor, skip: Tensor | null = null): boolean => {
    let shape: Dim[] | null = [];
    for (const x of out.creator!.inputs) if (x !== skip) shape = shape && broadcastDims(shape, dims.get(resolve(x))!);
    const want = dims.get(out)!;
    return shape !== null && shape.length === want.length && shape.every((d, k) => d === want[k] && d !== null);
  };
  const onlyBroadcasting = (t: Tensor): Tensor[] | null => {
    const users = consumers.get(t) ?? [];
    const ok =
      users.length > 0 && !trace.outputs.includes(t) && users.every((u) => BROADCASTING.has(u.creator!.op.name));
    return ok ? users : null;
  };
  for (const t of trace.tensors) {
    if (t.creator?.op.name !== 'broadcastTo') continue;
    const users = onlyBroadcasting(t);
    if (users === null) continue;
    aliases.set(t, resolve(t.creator.inputs[0]));
    if (!users.every((u) => keepsShape(u))) aliases.delete(t);
  }
  const compactable = new Set<Tensor>();
  for (const t of trace.tensors) {
    if (t.creator !== null || !isConstant(t)) continue;
    const users = onlyBroadcasting(t);
    if (users?.every((u) => u.creator!.inputs.filter((x) => x === t).length === 1 && keepsShape(u, t)))
      compactable.add(t);
  }
  return { aliases, compactable };
}
