import { type Tensor, checkOneOf, checkOptions } from '@tapegrad/core';
import { Module } from '../module';
import { bceWithLogits, binaryCrossEntropy } from './bce';
import { type Reduction, mseLoss } from './mse';
import { softmaxCrossEntropy } from './softmax-cross-entropy';

/**
 * {@link softmaxCrossEntropy} as a module (the book's SoftmaxWithLoss layer).
 *
 * @example
 * const lossFn = new SoftmaxCrossEntropyLoss();
 * lossFn.forward(logits, labels).backward();
 */
export class SoftmaxCrossEntropyLoss extends Module {
  forward(logits: Tensor, labels: Tensor): Tensor {
    return softmaxCrossEntropy(logits, labels);
  }
}

/**
 * {@link mseLoss} as a module.
 *
 * @example
 * const lossFn = new MSELoss({ reduction: 'halfSum' });
 * lossFn.forward(y, t);
 */
export class MSELoss extends Module {
  readonly reduction: Reduction;

  constructor(options: { reduction?: Reduction } = {}) {
    super();
    const o = checkOptions('MSELoss', options, ['reduction']);
    this.reduction = checkOneOf('MSELoss', 'reduction', o.reduction ?? 'mean', ['mean', 'sum', 'halfSum'] as const);
  }

  forward(y: Tensor, t: Tensor): Tensor {
    return mseLoss(y, t, { reduction: this.reduction });
  }

  override extraRepr(): string {
    return `reduction=${this.reduction}`;
  }
}

/**
 * {@link bceWithLogits} as a module.
 *
 * @example
 * const lossFn = new BCEWithLogitsLoss();
 * lossFn.forward(logits, targets);
 */
export class BCEWithLogitsLoss extends Module {
  forward(logits: Tensor, targets: Tensor): Tensor {
    return bceWithLogits(logits, targets);
  }
}

/**
 * {@link binaryCrossEntropy} (on probabilities, clipped at 1e-10) as a module.
 *
 * @example
 * const lossFn = new BCELoss();
 * lossFn.forward(sigmoid(logits), targets);
 */
export class BCELoss extends Module {
  forward(probs: Tensor, targets: Tensor): Tensor {
    return binaryCrossEntropy(probs, targets);
  }
}
