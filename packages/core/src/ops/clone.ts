import { defineOp, runOp } from '../autograd/op';
import { checkTensor } from '../check';
import { emptyOverwritten } from '../creation';
import { Tensor } from '../tensor';

const cloneOp = defineOp({
  name: 'clone',
  forward: ([x]) => {
    const y = emptyOverwritten(x.shape, x.dtype);
    y.data.set(x.data);
    return y;
  },
  backward: (gy) => [gy],
});

/**
 * A copy of `x` in storage of its own, recorded (PyTorch's `clone`): the gradient flows back to
 * `x` unchanged, and writing into the copy in place leaves `x` as it was. `x.detach()` is the
 * opposite: the same storage, cut from the graph; `x.detach().clone()` is a constant copy.
 *
 * @example
 * const y = clone(x); // y.data !== x.data, y.creator records 'clone'
 */
export function clone(x: Tensor): Tensor {
  checkTensor('clone', 'x', x);
  return runOp(cloneOp, [x], undefined);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * A recorded copy in storage of its own: {@link clone}.
     *
     * @example
     * const frozen = w.detach().clone(); // a snapshot later steps do not change
     */
    clone(): Tensor;
  }
}

Tensor.prototype.clone = function () {
  return clone(this);
};
