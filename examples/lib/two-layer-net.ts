import { accuracyOf } from '@tapegrad/cli';
import { noGrad, Rng, type DType, type Tensor } from '@tapegrad/core';
import { init, Linear, Module, ReLU, Sigmoid, softmaxCrossEntropy, type Initializer, type Layer } from '@tapegrad/nn';

/** Options of {@link TwoLayerNet}. */
export interface TwoLayerNetOptions {
  /** Hidden activation (the books use sigmoid in ch. 4 of book 1 and book 2, ReLU in ch. 5). */
  activation?: 'sigmoid' | 'relu';
  /** Weight initialiser (default the books' `0.01·randn`); biases start at zero. */
  init?: Initializer;
  /** Initialiser of the second layer's weights (default `init`), e.g. LeCun after He. */
  init2?: Initializer;
  rng?: Rng;
  dtype?: DType;
}

/**
 * The books' TwoLayerNet (Affine → Sigmoid/ReLU → Affine → SoftmaxWithLoss), written with
 * `@tapegrad/nn` layers: `predict` gives the scores, `loss` the softmax cross-entropy and
 * `accuracy` the fraction of rows whose argmax matches the labels.
 *
 * @example
 * const net = new TwoLayerNet(2, 10, 3, { activation: 'sigmoid', rng: new Rng(0) });
 * net.loss(x, labels).backward();
 */
export class TwoLayerNet extends Module {
  fc1: Linear;
  act: Layer;
  fc2: Linear;

  constructor(inputSize: number, hiddenSize: number, outputSize: number, options: TwoLayerNetOptions = {}) {
    super();
    const { rng = new Rng(0), dtype = 'float32' } = options;
    const w1 = options.init ?? init.normal(0.01);
    const w2 = options.init2 ?? w1;
    this.fc1 = new Linear(inputSize, hiddenSize, { init: w1, rng, dtype });
    this.act = options.activation === 'relu' ? new ReLU() : new Sigmoid();
    this.fc2 = new Linear(hiddenSize, outputSize, { init: w2, rng, dtype });
  }

  /** Class scores (logits) `[N, outputSize]`. */
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }

  /** The book's `predict`. */
  predict(x: Tensor): Tensor {
    return this.forward(x);
  }

  /** Mean softmax cross-entropy against int32 labels `[N]` or one-hot targets `[N, C]`. */
  loss(x: Tensor, t: Tensor): Tensor {
    return softmaxCrossEntropy(this.forward(x), t);
  }

  /** Fraction of rows classified correctly (no tape). */
  accuracy(x: Tensor, t: Tensor): number {
    return noGrad(() => accuracyOf(this.forward(x), t));
  }
}
