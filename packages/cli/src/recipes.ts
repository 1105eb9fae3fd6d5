import { AdaGrad, Adam, AdamW, RMSProp, SGD, type ParamsInput } from '@tapegrad/nn';
import type { DataName } from './data';
import type { ModelSpec } from './model-spec';

/** Optimisers the CLI accepts. */
export const OPTIMIZERS = ['sgd', 'momentum', 'adagrad', 'rmsprop', 'adam', 'adamw'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/** Training settings of `tapegrad train`; each flag overrides one. */
export interface Recipe extends ModelSpec {
  optimizer: OptimizerName;
  lr: number;
  epochs: number;
  batchSize: number;
}

/** Defaults per data set: the books' settings where they have one. */
export const RECIPES: Record<DataName, Recipe> = {
  mnist: { layers: [784, 100, 10], activation: 'relu', optimizer: 'adam', lr: 1e-3, epochs: 5, batchSize: 100 },
  'fashion-mnist': {
    layers: [784, 100, 10],
    activation: 'relu',
    optimizer: 'adam',
    lr: 1e-3,
    epochs: 5,
    batchSize: 100,
  },
  // "Deep Learning from Scratch 2", ch. 1: 2-10-3 sigmoid, SGD lr 1.0, batch 30, 300 epochs
  spiral: { layers: [2, 10, 3], activation: 'sigmoid', optimizer: 'sgd', lr: 1, epochs: 300, batchSize: 30 },
  iris: { layers: [4, 16, 3], activation: 'relu', optimizer: 'adam', lr: 1e-2, epochs: 100, batchSize: 16 },
  'breast-cancer': {
    layers: [30, 16, 2],
    activation: 'relu',
    optimizer: 'adam',
    lr: 1e-3,
    epochs: 50,
    batchSize: 32,
  },
};

/**
 * The optimiser named on the command line; `momentum` is SGD with μ = 0.9.
 *
 * @example
 * const opt = makeOptimizer('adam', model.parameters(), 1e-3);
 */
export function makeOptimizer(name: OptimizerName, params: ParamsInput, lr: number): SGD | AdaGrad | RMSProp | Adam {
  switch (name) {
    case 'sgd':
      return new SGD(params, { lr });
    case 'momentum':
      return new SGD(params, { lr, momentum: 0.9 });
    case 'adagrad':
      return new AdaGrad(params, { lr });
    case 'rmsprop':
      return new RMSProp(params, { lr });
    case 'adam':
      return new Adam(params, { lr });
    case 'adamw':
      return new AdamW(params, { lr });
  }
}
