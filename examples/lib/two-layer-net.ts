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

/**
 * Fraction of rows of `scores` `[N, C]` whose argmax equals the label (int32 `[N]` or one-hot `[N, C]`).
 *
 * @example
 * accuracyOf(tensor([[0.1, 0.9]]), tensor([1], { dtype: 'int32' })); // 1
 */
export function accuracyOf(scores: Tensor, t: Tensor): number {
  const [n, c] = scores.shape;
  const s = scores.data;
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (s[i * c + j] > s[i * c + best]) best = j;
    let label: number;
    if (t.ndim === 1) label = t.data[i];
    else {
      label = 0;
      for (let j = 1; j < c; j++) if (t.data[i * c + j] > t.data[i * c + label]) label = j;
    }
    if (best === label) correct++;
  }
  return n === 0 ? 0 : correct / n;
}

/**
 * Accuracy over a large set in chunks (keeps memory flat for 60,000 MNIST rows).
 *
 * @example
 * evaluateAccuracy((x) => net.forward(x), test.x, test.labels); // 0.9713
 */
export function evaluateAccuracy(forward: (x: Tensor) => Tensor, x: Tensor, labels: Tensor, chunk = 2000): number {
  return noGrad(() => {
    const n = x.shape[0];
    let correct = 0;
    for (let start = 0; start < n; start += chunk) {
      const end = Math.min(n, start + chunk);
      const xs = x.slice([start, end]);
      const ls = labels.slice([start, end]);
      correct += accuracyOf(forward(xs), ls) * (end - start);
    }
    return correct / n;
  });
}
