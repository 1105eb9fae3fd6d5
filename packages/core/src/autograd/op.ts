import type { Tensor } from '../tensor';
import { isGradEnabled } from './grad-mode';
import { hooks } from './op-hooks';
import { recordVersions } from './version';

/** The gradients a backward rule returns: one per input, `null` where an input gets none. */
export type Grads = readonly (Tensor | null)[];

/** What an op's definition provides: a forward on raw data and a backward in tensor ops. */
export interface OpSpec<A> {
  /** Shown in errors and graph exports. */
  readonly name: string;
  /**
   * Computes the output from the inputs with kernels; never records. `save` keeps extra tensors
   * for backward (the inputs are always available; the output when `savesOutput`).
   */
  forward(inputs: readonly Tensor[], attrs: A, save: (...t: Tensor[]) => void): Tensor;
  /**
   * The gradients w.r.t. each input given the output's gradient `gy`. Written in tensor ops so
   * that it is itself recorded under `createGraph`.
   */
  backward(gy: Tensor, node: Node<A>): Grads;
  /** Keep the output for backward (exp, sigmoid, tanh, softmax ...). */
  readonly savesOutput?: boolean;
  /**
   * Called when the engine frees a node after a backward without retainGraph, before its saved
   * tensors are dropped: an op whose saved buffers are its own (never handed out) may reuse them.
   */
  released?(node: Node<A>): void;
}

/** An op: the object a tape node points at. Made by {@link defineOp}. */
export type Op<A> = Readonly<OpSpec<A>>;

/**
 * Defines a differentiable primitive. The node recorded for each call holds this object itself,
 * not a name looked up in a registry.
 *
 * @example
 * const expOp = defineOp<void>({ name: 'exp', savesOutput: true,
 *   forward: ([x]) => map(x, 'exp'), backward: (gy, n) => [mul(gy, n.output!)] });
 */
export function defineOp<A = void>(spec: OpSpec<A>): Op<A> {
  const op = Object.freeze({ ...spec });
  if (!builtinsSealed) builtins.add(op);
  return op;
}

// The ops defined while @tapegrad/core loads: tapegrad's own, whose backward rules are known to
// keep nothing of the gradient they receive, so the engine may reuse its buffer once the rule
// has run (autograd/backward.ts). Ops defined later (nn's, a user's) are not trusted with that.
const builtins = new WeakSet<object>();
let builtinsSealed = false;

/** @internal Ends the built-in ops (core's index calls it once every op module has loaded). */
export function sealBuiltinOps(): void {
  builtinsSealed = true;
}

/** @internal Whether `op` is one of core's own ops (see {@link sealBuiltinOps}). */
export function isBuiltinOp(op: Op<unknown>): boolean {
  return builtins.has(op);
}

let nextNodeId = 0;

/** A recorded application of an op: the tape's unit. */
export class Node<A = unknown> {
  /** Creation order; stable ids for graph exports. */
  readonly id = nextNodeId++;
  /** Tensors saved by the forward; `null` once released after a backward without retainGraph. */
  saved: Tensor[] | null;
  /** The output, kept only for ops that declare `savesOutput`. */
  output: Tensor | null;
  /** Where the user created this node (only captured in anomaly mode). */
  callSite: string | null = null;
  /**
   * The versions of the inputs, saved tensors and output when recorded (see autograd/version.ts);
   * null when all were 0.
   */
  versions: number[] | null = null;

  constructor(
    readonly op: Op<A>,
    readonly inputs: readonly Tensor[],
    readonly attrs: A,
    saved: Tensor[],
    output: Tensor | null,
  ) {
    this.saved = saved;
    this.output = output;
  }

  /** True once a backward without `retainGraph` has freed this node's buffers. */
  get released(): boolean {
    return this.saved === null;
  }

  /** Whether input `i` needs a gradient (rules may skip work for the others). */
  needsGrad(i: number): boolean {
    return this.inputs[i].requiresGrad;
  }

  /** Frees what forward saved (the engine calls this after a backward without retainGraph). */
  release(): void {
    if (this.saved !== null) this.op.released?.(this);
    this.saved = null;
    this.output = null;
  }
}

const NO_SAVE: Tensor[] = [];
// One saver for all ops, so a forward costs no closure allocation. runOp restores the previous
// value afterwards, which keeps it correct if a forward ever runs another op.
let pendingSaved: Tensor[] = NO_SAVE;
const saver = (...t: Tensor[]): void => {
  pendingSaved = t;
};

/**
 * Runs `op` forward and, when recording and some input requires grad, records a node on the
 * output. Every public op funnels through here.
 */
export function runOp<A>(op: Op<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  const outer = pendingSaved;
  pendingSaved = NO_SAVE;
  const out = op.forward(inputs, attrs, saver);
  const saved = pendingSaved;
  pendingSaved = outer;
  if (hooks.afterForward !== null) hooks.afterForward(op, inputs, out);
  if (!isGradEnabled()) return out;
  let any = false;
  for (let i = 0; i < inputs.length; i++) if (inputs[i].requiresGrad) any = true;
  if (!any) return out;
  const node = new Node(op, inputs, attrs, saved, op.savesOutput ? out : null);
  node.versions = recordVersions(inputs, saved, node.output);
  if (hooks.onRecord !== null) hooks.onRecord(node);
  out.setCreator(node);
  return out;
}
