import { checkBoolean, checkOptions, checkTensor } from '../check';
import { GraphError, fmtShape } from '../errors';
import { Tensor, viewOf } from '../tensor';
import { shapesEqual } from '../shape';
import { POOL_MIN_ELEMENTS, giveBuffer, poolableBuffer } from '../buffer-pool';
import { allocationCount, detachedCopy, empty } from '../creation';
import { isGradEnabled, setGradEnabled } from './grad-mode';
import { type Node, isBuiltinOp } from './op';
import { Recycler } from './intermediates';
import { hooks } from './op-hooks';
import { checkVersions, incrementVersion } from './version';

// Gradients are summed with the add op (Tensor.prototype.add, which ops/add.ts attaches), so the
// sums are recorded under createGraph; the tape itself imports no op.

/** Options of `backward()`. */
export interface BackwardOptions {
  /** Keep the saved tensors so that the graph can be walked again. Default: `createGraph`. */
  readonly retainGraph?: boolean;
  /** Record the backward rules so the gradients are themselves differentiable. Default false. */
  readonly createGraph?: boolean;
}

/**
 * Tensors reachable from `roots` through creators, in topological order (inputs before the
 * tensors made from them). Iterative, so a 100,000-op chain cannot overflow the stack.
 */
export function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: { t: Tensor; i: number }[] = [];
  for (const root of roots) {
    if (root.creator === null || visited.has(root)) continue;
    visited.add(root);
    stack.push({ t: root, i: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const inputs = (top.t.creator as Node).inputs;
      if (top.i < inputs.length) {
        const x = inputs[top.i++];
        if (x.creator !== null && x.requiresGrad && !visited.has(x)) {
          visited.add(x);
          stack.push({ t: x, i: 0 });
        }
      } else {
        stack.pop();
        order.push(top.t);
      }
    }
  }
  return order;
}

/**
 * The engine: propagates `seeds` (one per root) backwards through the recorded graph.
 * With `targets`, returns the gradient of each target (null where unreached), runs only the
 * nodes that lie between the roots and the targets (an inner `grad` stops at its own inputs and
 * leaves an outer graph untouched), and leaves every `.grad` untouched (the functional API).
 * Without, accumulates into leaves' `.grad` (and into tensors that `retainGrad()`), as
 * `backward()` does. A leaf's hooks see its total gradient of this pass, once, as PyTorch's.
 * `retainGraph` defaults to `createGraph`, since a differentiable gradient refers back to the
 * forward graph.
 */
export function runBackward(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  options: BackwardOptions & { targets?: readonly Tensor[] } = {},
): (Tensor | null)[] {
  const { createGraph = false, targets } = options;
  const retainGraph = options.retainGraph ?? createGraph;
  const targetGrads = targets ? new Map<Tensor, Tensor | null>(targets.map((t) => [t, null])) : null;
  const grads = new Map<Tensor, Tensor>();
  const leafGrads = new Map<Tensor, Tensor>();
  // A leaf's .grad may take over its gradient's buffer instead of copying it (PyTorch steals a
  // gradient nothing else refers to) when this pass made that buffer and nothing else holds it
  // — see Ownership. Only for backward() without createGraph and without op hooks watching.
  const owners = !targetGrads && !createGraph && hooks.afterBackward === null ? new Ownership() : null;
  // Forward tensors marked as held by the tape alone go back to the pool once this pass has
  // released every node that reads them (see autograd/intermediates.ts).
  const recycler = owners !== null && !retainGraph ? new Recycler() : null;
  const gradsSet: Tensor[] = [];
  const prevMode = isGradEnabled();
  setGradEnabled(createGraph);
  try {
    const accumulate = (m: Map<Tensor, Tensor>, t: Tensor, g: Tensor): void => {
      const prev = m.get(t);
      m.set(t, prev ? prev.add(g) : g);
    };
    const deliver = (t: Tensor, g: Tensor): void => {
      owners?.delivered(g);
      if (t.creator !== null) accumulate(grads, t, g);
      else if (!targetGrads || targetGrads.has(t)) accumulate(leafGrads, t, g);
    };
    // Under createGraph the seeds stand for variables (a private alias when constant), so every
    // gradient is recorded from them and a rule that breaks the recording is caught below.
    roots.forEach((r, i) => deliver(r, createGraph ? variableSeed(seeds[i]) : seeds[i]));
    const order = topoOrder(roots);
    const runs = targetGrads ? nodesToRun(order, targetGrads) : null;
    // Before any rule runs (in the order they would), so that the error leaves every .grad and
    // the graph as they were.
    for (let k = order.length - 1; k >= 0; k--) {
      if (runs === null || runs.has(order[k])) checkVersions(order[k].creator as Node);
    }
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k];
      let gy = grads.get(t);
      if (gy === undefined) {
        recycler?.skipped(t.creator as Node);
        continue;
      }
      grads.delete(t);
      owners?.taken(gy);
      if (runs !== null && !runs.has(t) && !targetGrads!.has(t)) continue;
      const hooked = t.applyHooks(gy);
      if (t.hasHooks) owners?.claim(gy);
      if (hooked !== gy) owners?.claim(hooked);
      gy = hooked;
      if (targetGrads?.has(t)) targetGrads.set(t, gy);
      if (runs !== null && !runs.has(t)) continue;
      if (!targetGrads && t.retainsGrad) {
        accumulateLeafGrad(t, gy, createGraph);
        if (recycler !== null) gradsSet.push(t);
      }
      const node = t.creator as Node;
      if (node.released) {
        throw new GraphError(
          `backward: trying to backward through '${node.op.name}' a second time, but its saved tensors ` +
            `were released by the first backward; pass { retainGraph: true } to the first backward()`,
        );
      }
      if (hooks.beforeBackward !== null) hooks.beforeBackward(node);
      const gxs = node.op.backward(gy, node);
      checkGrads(node, gxs);
      if (createGraph && gy.requiresGrad) checkDifferentiable(node, gxs);
      if (hooks.afterBackward !== null) hooks.afterBackward(node, gxs);
      for (let i = 0; i < gxs.length; i++) {
        const g = gxs[i];
        const x = node.inputs[i];
        if (g !== null && x.requiresGrad) deliver(x, g);
      }
      // gy is dead now if this pass made it, no hook saw it, it (or a view of it) was handed on
      // to no one still live, and the rule that read it is one of core's own, which keeps none
      // of its incoming gradient: then its buffer goes back to the pool.
      if (owners !== null) {
        if (!isBuiltinOp(node.op)) owners.claim(gy);
        if (owners.consumed(gy)) giveBuffer(gy.data);
      }
      if (!retainGraph) {
        recycler?.ran(node);
        node.release();
      }
    }
    for (const [t, g] of leafGrads) {
      const h = t.applyHooks(g);
      if (targetGrads) targetGrads.set(t, h);
      else accumulateLeafGrad(t, h, createGraph, h === g && !t.hasHooks && owners !== null && owners.exclusive(h));
      if (recycler !== null) gradsSet.push(t);
    }
    recycler?.finish(gradsSet);
    return targets ? targets.map((t) => targetGrads!.get(t) ?? null) : [];
  } finally {
    setGradEnabled(prevMode);
    if (hooks.beforeBackward !== null) hooks.beforeBackward(null);
  }
}

function variableSeed(seed: Tensor): Tensor {
  if (seed.requiresGrad) return seed;
  const v = viewOf(seed, seed.shape);
  v.requiresGrad = true;
  return v;
}

/**
 * The tensors of `order` whose creator must run to reach a target: some input is a target or
 * itself leads to one. A target with no target behind it is read but not expanded.
 */
function nodesToRun(order: readonly Tensor[], targets: ReadonlyMap<Tensor, unknown>): Set<Tensor> {
  const runs = new Set<Tensor>();
  for (const t of order) {
    if ((t.creator as Node).inputs.some((x) => targets.has(x) || runs.has(x))) runs.add(t);
  }
  return runs;
}

/**
 * Under createGraph a rule written in tensor ops returns gradients recorded from `gy`; one that
 * computed them with raw loops returns constants, and every higher derivative through it would
 * silently be zero. Refuse that instead.
 */
function checkDifferentiable(node: Node, gxs: readonly (Tensor | null)[]): void {
  for (let i = 0; i < gxs.length; i++) {
    const g = gxs[i];
    if (g === null || !node.inputs[i].requiresGrad || g.requiresGrad) continue;
    throw new GraphError(
      `${node.op.name}: its backward rule is not differentiable (the gradient for input ${i} of shape ` +
        `${fmtShape(node.inputs[i].shape)} is not recorded from the incoming gradient), so createGraph / ` +
        `higher-order gradients cannot pass through it; write the rule with tensor ops`,
    );
  }
}

/**
 * `tensor.backward(gy)`: seeds a scalar with 1, requires `gy` otherwise, and accumulates into
 * the leaves' `.grad`.
 */
export function backward(root: Tensor, gy?: Tensor | null, options: BackwardOptions = {}): void {
  checkTensor('backward', 'root', root);
  if (gy !== undefined && gy !== null) checkTensor('backward', 'gy', gy);
  const o = checkOptions('backward', options, ['retainGraph', 'createGraph']);
  if (o.retainGraph !== undefined) checkBoolean('backward', 'retainGraph', o.retainGraph);
  if (o.createGraph !== undefined) checkBoolean('backward', 'createGraph', o.createGraph);
  if (!root.requiresGrad) {
    throw new GraphError(
      `backward: the tensor of shape ${fmtShape(root.shape)} does not require grad and has no creator; ` +
        `set requiresGrad on an input before computing it`,
    );
  }
  let seed: Tensor;
  if (gy === undefined || gy === null) {
    if (root.size !== 1) {
      throw new GraphError(
        `backward: a gradient must be given for a non-scalar output of shape ${fmtShape(root.shape)}; ` +
          `call y.backward(gy) with gy of that shape, or reduce y (e.g. y.sum()) first`,
      );
    }
    seed = empty(root.shape, root.dtype);
    seed.data[0] = 1;
  } else {
    if (!shapesEqual(gy.shape, root.shape) || gy.dtype !== root.dtype) {
      throw new GraphError(
        `backward: gradient of shape ${fmtShape(gy.shape)} (${gy.dtype}) does not match the output ` +
          `of shape ${fmtShape(root.shape)} (${root.dtype})`,
      );
    }
    seed = gy;
  }
  runBackward([root], [seed], options);
}

/**
 * Which gradients a leaf may take over as its .grad without a copy (PyTorch steals a gradient
 * nothing else refers to; without reference counts, this is the conservative equivalent). A
 * gradient qualifies when its buffer was allocated during this pass by an op (a fresh output:
 * so it is no forward tensor, seed, constant or view of one), exactly one gradient delivered in
 * the pass uses that buffer (a rule may hand one tensor to several inputs, as add's gy, or views
 * of it, as reshape's), and no hook returned it (a hook may keep what it returns). A sum of
 * contributions made by the engine is never delivered, so it qualifies. The one way to defeat
 * this is a custom backward rule that keeps a fresh tensor it returns somewhere else.
 *
 * Only buffers the pool could take are tracked (poolableBuffer); a gradient over a smaller one is
 * never given back and is copied into .grad, as before any of this: for a small net the
 * bookkeeping cost more than the copies (figure C, a 2-10-3 MLP, took 1.12× the CPU time).
 */
class Ownership {
  private readonly start = allocationCount();
  private readonly claimed = new Set<ArrayBufferLike>();
  private readonly seen = new Map<ArrayBufferLike, number>();
  private readonly live = new Map<ArrayBufferLike, number>();
  private readonly deliveredTensors = new WeakSet<Tensor>();

  /** Marks a tensor's buffer as held outside this pass's gradients (a hook or a rule may keep it). */
  claim(t: Tensor): void {
    const b = trackedBuffer(t);
    if (b !== null) this.claimed.add(b);
  }

  delivered(g: Tensor): void {
    const b = trackedBuffer(g);
    if (b === null) return;
    this.seen.set(b, (this.seen.get(b) ?? 0) + 1);
    this.live.set(b, (this.live.get(b) ?? 0) + 1);
    this.deliveredTensors.add(g);
  }

  /**
   * The pass took `gy` off the pending gradients of its tensor: if it is a delivered gradient (not
   * a sum the engine made of several), that delivery is no longer live. Called before the rule
   * runs, so that a rule handing `gy` itself on (sub's, add's gx) leaves that delivery live.
   */
  taken(gy: Tensor): void {
    const b = trackedBuffer(gy);
    if (b !== null && this.deliveredTensors.has(gy)) this.live.set(b, this.live.get(b)! - 1);
  }

  /**
   * Called once `gy`'s rule has run; returns whether its buffer is now dead: this pass allocated
   * it (gy or the tensor it views), nobody claimed it, and no gradient delivered over it is still
   * live. A sum the engine made and a rule then handed on is such a delivery: counting its
   * release here, not in `taken`, once returned the pending gradient of the next tensor to the
   * pool (a conv before training-mode BatchNorm got a weight gradient 1000× too small).
   */
  consumed(gy: Tensor): boolean {
    const b = trackedBuffer(gy);
    if (b === null) return false;
    return gy.allocation > this.start && !this.claimed.has(b) && (this.live.get(b) ?? 0) === 0;
  }

  exclusive(g: Tensor): boolean {
    const b = trackedBuffer(g);
    if (b === null) return false;
    return g.allocation > this.start && !this.claimed.has(b) && (this.seen.get(b) ?? 0) <= 1;
  }
}

/**
 * `t`'s buffer if Ownership tracks it (poolableBuffer), else null. A tensor `empty` made, or a
 * view of one, spans its whole buffer, so its length tells without reading `.buffer` (which
 * makes V8 move a small array's data off the heap: for a small net, the larger part of the
 * bookkeeping's cost); any other tensor may be a small window on a large buffer.
 */
function trackedBuffer(t: Tensor): ArrayBufferLike | null {
  if (t.allocation > 0 && t.data.length < POOL_MIN_ELEMENTS) return null;
  const b = t.data.buffer;
  return poolableBuffer(b) ? b : null;
}

function accumulateLeafGrad(t: Tensor, g: Tensor, createGraph: boolean, owned = false): void {
  if (createGraph) {
    t.grad = t.grad === null ? g : t.grad.add(g);
  } else if (t.grad === null) {
    // A private copy (a rule may hand the same tensor to several inputs, as add's gy), unless
    // the buffer is this pass's own (see Ownership): then only a new tensor over it.
    t.grad = owned ? new Tensor(g.data, g.shape) : detachedCopy(g);
  } else if (t.grad.creator !== null || t.grad.dtype !== g.dtype) {
    t.grad = detachedCopy(t.grad.add(g));
  } else {
    const a = t.grad.data;
    const b = g.data;
    for (let i = 0; i < a.length; i++) a[i] += b[i];
    incrementVersion(t.grad);
  }
}

function checkGrads(node: Node, gxs: readonly (Tensor | null)[]): void {
  const inputs = node.inputs;
  if (gxs.length !== inputs.length) {
    throw new GraphError(`${node.op.name}: backward rule returned ${gxs.length} gradients for ${inputs.length} inputs`);
  }
  for (let i = 0; i < gxs.length; i++) {
    const g = gxs[i];
    if (g === null || !inputs[i].requiresGrad) continue;
    if (!shapesEqual(g.shape, inputs[i].shape) || g.dtype !== inputs[i].dtype) {
      throw new GraphError(
        `${node.op.name}: backward rule returned a gradient of shape ${fmtShape(g.shape)} (${g.dtype}) ` +
          `for input ${i} of shape ${fmtShape(inputs[i].shape)} (${inputs[i].dtype})`,
      );
    }
  }
}

declare module '../tensor' {
  interface Tensor {
    /**
     * Back-propagates from this tensor, accumulating into the leaves' `.grad`. A scalar is seeded
     * with 1; any other shape needs `gy`: {@link backward}.
     *
     * @example
     * x.mul(x).sum().backward(); x.grad; // 2x
     */
    backward(gy?: Tensor | null, options?: BackwardOptions): void;
  }
}

Tensor.prototype.backward = function (gy, options) {
  backward(this, gy, options);
};
