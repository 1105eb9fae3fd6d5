import { type Op, defineOp, runOp } from '../autograd/op';
import { empty, emptyOverwritten } from '../creation';
import { ValueError } from '../errors';
import { kernels } from '../kernels';
import { Tensor } from '../tensor';
import { mul } from './mul';
import { checkFloat, mapUnary } from './util';

/**
 * gy where x > 0, else 0, in one pass (PyTorch's threshold_backward): relu's backward as an op
 * of its own, so a step makes one tensor here instead of a mask and a product. It is linear in
 * gy with the same mask, so its own rule is itself; x only decides the mask (no gradient).
 */
const reluGradOp: Op<void> = defineOp({
  name: 'reluGrad',
  forward: ([gy, x]) => {
    const out = emptyOverwritten(x.shape, x.dtype);
    kernels().reluGrad(gy.data, x.data, out.data);
    return out;
  },
  backward: (gg, node) => [runOp(reluGradOp, [gg, node.inputs[1]], undefined), null],
});

/**
 * relu'(x) = 1 for x > 0, else 0 (relu'(0) = 0, as PyTorch). The mask is a constant, so the
 * second derivative is 0, which is right everywhere but the kink.
 */
const reluOp = defineOp({
  name: 'relu',
  forward: ([x]) => mapUnary('relu', x),
  backward: (gy, node) => {
    const x = node.inputs[0];
    if (gy.dtype === x.dtype && gy.size === x.size) return [runOp(reluGradOp, [gy, x], undefined)];
    return [mul(gy, mapUnary('step', x))];
  },
});

/** leakyRelu'(x) = 1 for x > 0, else the slope (also at 0). */
const leakyReluOp = defineOp<{ slope: number }>({
  name: 'leakyRelu',
  forward: ([x], { slope }) => {
    const out = empty(x.shape, x.dtype);
    kernels().leakyRelu(x.data, slope, out.data);
    return out;
  },
  backward: (gy, node) => {
    const x = node.inputs[0];
    const d = empty(x.shape, x.dtype);
    const s = node.attrs.slope;
    for (let i = 0; i < d.size; i++) d.data[i] = x.data[i] > 0 ? 1 : s;
    return [mul(gy, d)];
  },
});

/**
 * max(x, 0) elementwise.
 *
 * @example
 * relu(tensor([-1, 2])); // [0, 2]
 */
export function relu(x: Tensor): Tensor {
  checkFloat('relu', 'x', x);
  return runOp(reluOp, [x], undefined);
}

/**
 * x for x > 0, else `slope`·x (default slope 0.01, as PyTorch).
 *
 * @example
 * leakyRelu(tensor([-10, 2]), 0.1); // [-1, 2]
 */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  checkFloat('leakyRelu', 'x', x);
  if (!Number.isFinite(slope)) throw new ValueError(`leakyRelu: slope must be finite, got ${slope}`);
  return runOp(leakyReluOp, [x], { slope });
}

declare module '../tensor' {
  interface Tensor {
    /**
     * max(x, 0), elementwise: {@link relu}.
     *
     * @example
     * tensor([-1, 2]).relu(); // [0, 2]
     */
    relu(): Tensor;
    /**
     * x where positive, else `slope`·x (default 0.01): {@link leakyRelu}.
     *
     * @example
     * tensor([-1, 2]).leakyRelu(0.1); // [-0.1, 2]
     */
    leakyRelu(slope?: number): Tensor;
  }
}

Tensor.prototype.relu = function () {
  return relu(this);
};
Tensor.prototype.leakyRelu = function (slope) {
  return leakyRelu(this, slope);
};
