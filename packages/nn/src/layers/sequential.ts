import type { Tensor } from '@tapegrad/core';
import { Module } from '../module';

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

  forward(x: Tensor): Tensor {
    for (let i = 0; i < this.#length; i++) x = this[i].forward(x);
    return x;
  }

  /** `layers.<i>.<rest>`, the naming before PyTorch's, is `<i>.<rest>`. */
  override upgradeStateDictKey(key: string): string | undefined {
    const m = /^layers\.(\d+)\.(.+)$/.exec(key);
    return m !== null ? `${m[1]}.${m[2]}` : undefined;
  }
}
