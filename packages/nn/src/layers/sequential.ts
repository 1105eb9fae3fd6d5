import { type Tensor, isGradEnabled, markIntermediate } from '@tapegrad/core';
import { Module } from '../module';
import { declareKeepsNoTensors, keepsNoTensors } from './keeps-no-tensors';

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
   */
  forward(x: Tensor): Tensor {
    const n = this.#length;
    if (!isGradEnabled() || n < 2) {
      for (let i = 0; i < n; i++) x = this[i].forward(x);
      return x;
    }
    // Buffers someone else may see: the input's, the output's, and those of intermediates
    // next to a layer that may keep them (a view of a private result is not private).
    const seen = new Set<ArrayBufferLike>([x.data.buffer]);
    const inner: Tensor[] = [];
    let safePrev = false;
    for (let i = 0; i < n; i++) {
      const layer = this[i];
      const safe = keepsNoTensors(layer);
      if (i > 0) {
        if (safe && safePrev) inner.push(x);
        else seen.add(x.data.buffer);
      }
      x = layer.forward(x);
      safePrev = safe;
    }
    seen.add(x.data.buffer);
    for (const t of inner) if (!seen.has(t.data.buffer)) markIntermediate(t);
    return x;
  }

  /** `layers.<i>.<rest>`, the naming before PyTorch's, is `<i>.<rest>`. */
  override upgradeStateDictKey(key: string): string | undefined {
    const m = /^layers\.(\d+)\.(.+)$/.exec(key);
    return m !== null ? `${m[1]}.${m[2]}` : undefined;
  }
}

declareKeepsNoTensors(Sequential);
