import { type DType, Rng, ValueError, checkInteger, checkOptions, describe } from '@tapegrad/core';
import type { Initializer } from '../init';
import { ReLU, Sigmoid, Tanh } from './activations';
import { Linear } from './linear';
import { type Layer, Sequential } from './sequential';

/** Options of {@link mlp}. */
export interface MlpOptions {
  /** Hidden activation: a name or a factory (default `'relu'`). */
  activation?: 'relu' | 'sigmoid' | 'tanh' | (() => Layer);
  /** Weight initialiser of every Linear (default PyTorch's). */
  init?: Initializer;
  /** Bias initialiser of every Linear. */
  biasInit?: Initializer;
  /** Learnable biases (default true). */
  bias?: boolean;
  /** Generator for the initialisers. */
  rng?: Rng;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/**
 * A multi-layer perceptron: Linear layers of the given sizes with the activation between them
 * (none after the last, which outputs logits).
 *
 * @example
 * const net = mlp([784, 100, 10], { activation: 'relu' });
 * mlp([2, 10, 3], { activation: 'sigmoid', init: init.normal(0.01), rng: new Rng(0) }); // the book's spiral net
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Sequential {
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new ValueError(`mlp: sizes must list at least [in, out], got ${describe(sizes)}`);
  }
  sizes.forEach((s, i) => checkInteger('mlp', `sizes[${i}]`, s, { min: 1 }));
  checkOptions('mlp', options, ['activation', 'init', 'biasInit', 'bias', 'rng', 'dtype']);
  const { activation = 'relu', init, biasInit, bias, rng, dtype } = options;
  const act =
    typeof activation === 'function'
      ? activation
      : { relu: () => new ReLU(), sigmoid: () => new Sigmoid(), tanh: () => new Tanh() }[activation];
  if (act === undefined)
    throw new ValueError(`mlp: unknown activation '${String(activation)}'; use relu, sigmoid, tanh`);
  const net = new Sequential();
  for (let i = 0; i + 1 < sizes.length; i++) {
    if (i > 0) net.add(act());
    net.add(new Linear(sizes[i], sizes[i + 1], { init, biasInit, bias, rng, dtype }));
  }
  return net;
}
