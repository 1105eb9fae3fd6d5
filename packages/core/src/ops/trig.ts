import { defineOp, runOp } from '../autograd/op';
import { Tensor } from '../tensor';
import { mul } from './mul';
import { neg } from './neg';
import { checkFloat, mapUnary } from './util';

// sin and cos share a file: each one's derivative is the other.

/** sin'(x) = cos(x). */
const sinOp = defineOp({
  name: 'sin',
  forward: ([x]) => mapUnary('sin', x),
  backward: (gy, node) => [mul(gy, cos(node.inputs[0]))],
});

/** cos'(x) = −sin(x). */
const cosOp = defineOp({
  name: 'cos',
  forward: ([x]) => mapUnary('cos', x),
  backward: (gy, node) => [mul(gy, neg(sin(node.inputs[0])))],
});

/**
 * The sine, elementwise (radians).
 *
 * @example
 * sin(tensor([0, Math.PI / 2])); // [0, 1]
 */
export function sin(x: Tensor): Tensor {
  checkFloat('sin', 'x', x);
  return runOp(sinOp, [x], undefined);
}

/**
 * The cosine, elementwise (radians).
 *
 * @example
 * cos(tensor([0, Math.PI])); // [1, -1]
 */
export function cos(x: Tensor): Tensor {
  checkFloat('cos', 'x', x);
  return runOp(cosOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The sine, elementwise: {@link sin}.
     *
     * @example
     * tensor([0]).sin(); // [0]
     */
    sin(): Tensor;
    /**
     * The cosine, elementwise: {@link cos}.
     *
     * @example
     * tensor([0]).cos(); // [1]
     */
    cos(): Tensor;
  }
}

Tensor.prototype.sin = function () {
  return sin(this);
};
Tensor.prototype.cos = function () {
  return cos(this);
};
