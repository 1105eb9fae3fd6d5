import { POOL_MIN_ELEMENTS, giveBuffer } from '../buffer-pool';
import { checkTensor } from '../check';
import type { Tensor } from '../tensor';
import type { Node } from './op';

/**
 * Forward tensors that only the tape holds, whose buffers a backward pass may reuse.
 *
 * Why: a training step's activations (a conv layer's 7 MB output, its ReLU, the pooling's
 * argmax) are made afresh every step and left to the garbage collector, which V8 counts as
 * external memory: on figure E's SimpleConvNet that set off two scavenges and a mark-compact
 * every step, and the collector's threads took the second core from the kernels. JavaScript
 * has no reference counts to tell when an activation is dead, so the code that makes one
 * declares it instead: a container that passes a layer's output only to the next layer (nn's
 * Sequential, for its built-in layers) or an op's private saved array.
 *
 * The backward pass gives a marked tensor's buffer to the pool once it is safe: the pass frees
 * the graph (no retainGraph, no createGraph, no functional targets, no op hooks), it has run
 * and released every node it saw that reads the tensor, no node it skipped reads it, and no
 * gradient it set holds that buffer.
 */
/**
 * Declares that nothing but the autograd tape holds `t` or any view of its buffer — no
 * variable, closure, module field or hook — so that once a `backward()` that frees the graph
 * has run every node reading it, its buffer is reused for later tensors (see
 * `bufferPoolStats`). Reading `t` after that gives undefined values. A container calls this for
 * intermediate results it never hands out; user code rarely needs it. Returns `t`.
 *
 * @example
 * const h = markIntermediate(conv.forward(x)); // only the next layer sees h
 * return pool.forward(relu.forward(h));
 */
export function markIntermediate(t: Tensor): Tensor {
  checkTensor('markIntermediate', 't', t);
  t.intermediate = true;
  return t;
}

/**
 * @internal Whether marking `t` can save anything: the pool keeps no array below
 * POOL_MIN_ELEMENTS, so a container need not track smaller ones.
 */
export function worthRecycling(t: Tensor): boolean {
  checkTensor('worthRecycling', 't', t);
  return t.size >= POOL_MIN_ELEMENTS;
}

/**
 * @internal One backward pass's bookkeeping of marked tensors: those read by the nodes it ran
 * and released are candidates; those read by nodes it skipped are kept.
 */
export class Recycler {
  // Made on first use: most passes meet no marked tensor.
  private candidates: Set<Tensor> | null = null;
  private kept: Set<Tensor> | null = null;

  /** `node` ran and is about to be released (call before `node.release()`, which drops `saved`). */
  ran(node: Node): void {
    this.collect(node, true);
  }

  /** `node` was in the graph but did not run: whatever it reads stays live. */
  skipped(node: Node): void {
    this.collect(node, false);
  }

  /**
   * Gives back the candidates' buffers, except those kept or held by the gradients of `holders`
   * (the tensors whose .grad the pass set).
   */
  finish(holders: readonly Tensor[]): void {
    if (this.candidates === null) return;
    const held = new Set<ArrayBufferLike>();
    if (this.kept !== null) for (const t of this.kept) held.add(t.data.buffer);
    for (const h of holders) if (h.grad !== null) held.add(h.grad.data.buffer);
    const given = new Set<ArrayBufferLike>();
    for (const t of this.candidates) {
      const b = t.data.buffer;
      if (held.has(b) || given.has(b)) continue;
      given.add(b);
      giveBuffer(t.data);
    }
  }

  private collect(node: Node, ran: boolean): void {
    for (const x of node.inputs) if (x.intermediate) this.add(x, ran);
    if (node.saved !== null) for (const s of node.saved) if (s.intermediate) this.add(s, ran);
    if (node.output !== null && node.output.intermediate) this.add(node.output, ran);
  }

  private add(t: Tensor, ran: boolean): void {
    if (ran) (this.candidates ??= new Set()).add(t);
    else (this.kept ??= new Set()).add(t);
  }
}
