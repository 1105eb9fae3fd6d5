import type { Tensor } from '@tapegrad/core';
import { Module } from '../module';

/** A module taking one tensor to one tensor. */
export type Layer = Module & { forward(x: Tensor): Tensor };

/**
 * Layers applied in order. Parameters are named `layers.<i>.<name>`.
 *
 * @example
 * const net = new Sequential(new Linear(2, 10), new Sigmoid(), new Linear(10, 3));
 * net.forward(x); // [N, 3]
 */
export class Sequential extends Module {
  readonly layers: Layer[];

  constructor(...layers: Layer[]) {
    super();
    this.layers = layers;
  }

  /** Appends a layer; returns `this`. */
  add(layer: Layer): this {
    this.layers.push(layer);
    return this;
  }

  forward(x: Tensor): Tensor {
    for (const layer of this.layers) x = layer.forward(x);
    return x;
  }
}
