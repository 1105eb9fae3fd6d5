import { type Tensor, isGradEnabled, markIntermediate, worthRecycling } from '@tapegrad/core';
import { Module } from '../module';
import { ReLU } from './activations';
import { declareKeepsNoTensors, keepsNoTensors } from './keeps-no-tensors';
import { MaxPool2d } from './pooling';

/** A module taking one tensor to one tensor. */
export type Layer = { forward(x: Tensor): Tensor } & Module;

/**
 * Layers applied in order. As in PyTorch, the layers are the children `0`, `1`, … — parameters
 * are named `0.weight`, `2.bias`, so state dicts load into `torch.nn.Sequential` with
 * `strict=True` — and `net[i]` is the i-th layer. Checkpoints written before this naming
 * (`layers.0.weight`) still load: {@link Sequential.upgradeStateDictKey} renames them.
 *
 * @example
 * const net = new Sequential(new Linear(2, 10), new Sigmoid(), new Linear(10, 3));
 * net.forward(x); // [N, 3]; net[0] is the first Linear
 */
export class Sequential extends Module {
  readonly [index: number]: Layer;
  #length = 0;

  constructor(...layers: Layer[]) {
    super();
    for (const layer of layers) this.add(layer);
  }

  /** The layers, in order (a copy). */
  get layers(): Layer[] {
    return Array.from({ length: this.#length }, (_, i) => this[i]);
  }

  /** The number of layers. */
  get length(): number {
    return this.#length;
  }

  /** Appends a layer as the next child (`String(length)`); returns `this`. */
  add(layer: Layer): this {
    this.registerModule(String(this.#length++), layer);
    return this;
  }

  /**
   * Runs the layers in order. Between two built-in layers (which keep no tensor of a call), the
   * intermediate result is seen by no one else, so it is marked as the tape's alone: a backward
   * that frees the graph then reuses its buffer for the next step instead of leaving megabytes
   * of activations to the garbage collector. Not when a hook or an override wraps either
   * layer's forward, and never for a tensor sharing its buffer with the input, the output or
   * an intermediate that a layer may keep.
   *
   * A built-in ReLU directly before a built-in MaxPool2d runs after it instead: max commutes
   * with ReLU, so the output and every gradient are the same (ties and NaN included), on a
   * quarter of the elements for a 2×2 pool.
   */
  forward(x: Tensor): Tensor {
    const n = this.#length;
    const track = isGradEnabled();
    const input = x;
    // Private intermediates large enough to be worth reusing, and the intermediates next to a
    // layer that may keep them (whose buffers — a view of a private result is not private —
    // must not be given back); made only when needed, since small nets have none.
    let inner: Tensor[] | null = null;
    let kept: Tensor[] | null = null;
    let safePrev = false;
    for (let i = 0; i < n; i++) {
      const layer = this[i];
      const safe = keepsNoTensors(layer);
      if (track && i > 0) {
        if (!(safe && safePrev)) (kept ??= []).push(x);
        else if (worthRecycling(x)) (inner ??= []).push(x);
      }
      const next = i + 1 < n ? this[i + 1] : null;
      if (safe && next !== null && commutesWithNext(layer, next)) {
        const pooled = next.forward(x);
        if (track && worthRecycling(pooled)) (inner ??= []).push(pooled);
        x = layer.forward(pooled);
        i++;
      } else {
        x = layer.forward(x);
      }
      safePrev = safe;
    }
    if (inner !== null) {
      const seen = new Set<ArrayBufferLike>([input.data.buffer, x.data.buffer]);
      if (kept !== null) for (const t of kept) seen.add(t.data.buffer);
      for (const t of inner) if (!seen.has(t.data.buffer)) markIntermediate(t);
    }
    return x;
  }

  /** `layers.<i>.<rest>`, the naming before PyTorch's, is `<i>.<rest>`. */
  override upgradeStateDictKey(key: string): string | undefined {
    const m = /^layers\.(\d+)\.(.+)$/.exec(key);
    return m !== null ? `${m[1]}.${m[2]}` : undefined;
  }
}

/**
 * Whether `layer` then `next` may run as `next` then `layer`: a built-in ReLU before a built-in
 * MaxPool2d, neither wrapped by a hook (max(relu(a), relu(b)) = relu(max(a, b)), and the first
 * maximum of a window is the same element either way wherever the gradient is not zero).
 */
function commutesWithNext(layer: Layer, next: Layer): boolean {
  return layer.constructor === ReLU && next.constructor === MaxPool2d && keepsNoTensors(next);
}

declareKeepsNoTensors(Sequential, (s) => s.layers.every(keepsNoTensors));
