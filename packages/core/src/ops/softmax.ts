import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { normalizeAxis, splitAt } from '../shape';
import { Tensor } from '../tensor';
import { exp } from './exp';
import { mul } from './mul';
import { sub } from './sub';
import { sum } from './sum';
import { checkFloat } from './util';

/** softmax backward: y·(gy − Σ(gy·y)) along the axis. */
const softmaxOp = defineOp<{ axis: number }>({
  name: 'softmax',
  savesOutput: true,
  forward: ([x], { axis }) => {
    const out = empty(x.shape, x.dtype);
    const [outer, len, inner] = splitAt(x.shape, axis);
    kernels().softmaxAxis(x.data, outer, len, inner, out.data);
    return out;
  },
  backward: (gy, node) => {
    const y = node.output!;
    return [mul(y, sub(gy, sum(mul(gy, y), node.attrs.axis, true)))];
  },
});

/** logSoftmax backward: gy − softmax(x)·Σgy = gy − exp(y)·Σgy along the axis. */
const logSoftmaxOp = defineOp<{ axis: number }>({
  name: 'logSoftmax',
  savesOutput: true,
  forward: ([x], { axis }) => {
    const [outer, len, inner] = splitAt(x.shape, axis);
    const lse = empty([outer * inner], x.dtype).data;
    kernels().logSumExpAxis(x.data, outer, len, inner, lse);
    const out = empty(x.shape, x.dtype);
    const xd = x.data;
    const od = out.data;
    for (let o = 0; o < outer; o++) {
      for (let l = 0; l < len; l++) {
        const b = (o * len + l) * inner;
        for (let i = 0; i < inner; i++) od[b + i] = xd[b + i] - lse[o * inner + i];
      }
    }
    return out;
  },
  backward: (gy, node) => [sub(gy, mul(exp(node.output!), sum(gy, node.attrs.axis, true)))],
});

/**
 * Softmax along `axis` (default the last), max-shifted so it never overflows.
 *
 * @example
 * softmax(tensor([[1000, 1000]])); // [[0.5, 0.5]]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  checkFloat('softmax', 'x', x);
  return runOp(softmaxOp, [x], { axis: normalizeAxis('softmax', axis, x.ndim) });
}

/**
 * log(softmax(x)) along `axis`, computed as x − logΣexp(x) (stable where log(softmax) is not).
 *
 * @example
 * logSoftmax(tensor([0, 0])); // [-0.6931, -0.6931]
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  checkFloat('logSoftmax', 'x', x);
  return runOp(logSoftmaxOp, [x], { axis: normalizeAxis('logSoftmax', axis, x.ndim) });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * Softmax along `axis` (default the last): {@link softmax}.
     *
     * @example
     * tensor([0, 0]).softmax(); // [0.5, 0.5]
     */
    softmax(axis?: number): Tensor;
    /**
     * log(softmax) along `axis` (default the last), computed stably: {@link logSoftmax}.
     *
     * @example
     * tensor([0, 0]).logSoftmax(); // [-0.693…, -0.693…]
     */
    logSoftmax(axis?: number): Tensor;
  }
}

Tensor.prototype.softmax = function (axis = -1) {
  return softmax(this, axis);
};
Tensor.prototype.logSoftmax = function (axis = -1) {
  return logSoftmax(this, axis);
};
