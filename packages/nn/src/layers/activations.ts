import { Tensor, checkInteger, checkNumber, leakyRelu, relu, sigmoid, softmax, tanh } from '@tapegrad/core';
import { Module } from '../module';
import { declareKeepsNoTensors } from './keeps-no-tensors';

/**
 * Elementwise logistic function, the book's Sigmoid layer.
 *
 * @example
 * new Sigmoid().forward(tensor([0])); // [0.5]
 * new Sequential(new Linear(2, 10), new Sigmoid());
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/**
 * Elementwise hyperbolic tangent.
 *
 * @example
 * new Tanh().forward(tensor([0])); // [0]
 * mlp([2, 4, 1], { activation: 'tanh' });
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/**
 * max(x, 0), the book's Relu layer (relu'(0) = 0, as PyTorch).
 *
 * @example
 * new ReLU().forward(tensor([-1, 2])); // [0, 2]
 * mlp([784, 100, 10], { activation: 'relu' });
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/**
 * x for x > 0, else slope·x (default slope 0.01, as PyTorch).
 *
 * @example
 * new LeakyReLU(0.1).forward(tensor([-10, 2])); // [-1, 2]
 * mlp([2, 8, 1], { activation: () => new LeakyReLU(0.2) });
 */
export class LeakyReLU extends Module {
  constructor(readonly slope = 0.01) {
    super();
    checkNumber('LeakyReLU', 'slope', slope);
  }

  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.slope);
  }

  override extraRepr(): string {
    return `slope=${this.slope}`;
  }
}

/**
 * Softmax along `axis` (default the last). For training, feed logits to `softmaxCrossEntropy`
 * instead, which fuses the two stably.
 *
 * @example
 * new Softmax().forward(tensor([[0, 0]])); // [[0.5, 0.5]]
 * new Sequential(model, new Softmax()); // probabilities for prediction
 */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
    checkInteger('Softmax', 'axis', axis);
  }

  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }

  override extraRepr(): string {
    return `axis=${this.axis}`;
  }
}

declareKeepsNoTensors(Sigmoid);
declareKeepsNoTensors(Tanh);
declareKeepsNoTensors(ReLU);
declareKeepsNoTensors(LeakyReLU);
declareKeepsNoTensors(Softmax);
