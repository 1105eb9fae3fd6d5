import { defineOp, runOp } from '../autograd/op';
import { checkBoolean, checkTensor } from '../check';
import { empty } from '../creation';
import { ValueError } from '../errors';
import { kernels } from '../kernels';
import { normalizeAxes, reducedShape } from '../shape';
import { Tensor } from '../tensor';
import { broadcastTo } from './broadcast';
import { mul } from './mul';
import { reshape } from './reshape';
import { type AxisArg, reduceAxes } from './sum';

/**
 * Max/min backward: the gradient goes to the entries equal to the result. Ties share it equally
 * (each of k tied entries gets gy/k, like `torch.amax`), so the rule is a valid subgradient and
 * sums to gy. The tie mask is a constant, so the rule is differentiable w.r.t. gy only.
 */
function extremumOp(name: 'max' | 'min', sign: 1 | -1) {
  return defineOp<{ axes: number[]; keepdims: boolean }>({
    name,
    savesOutput: true,
    forward: ([x], { axes, keepdims }) =>
      reduceAxes(x, axes, keepdims, (src, outer, len, inner, out) =>
        kernels().extremumAxis(src, outer, len, inner, sign, out),
      ),
    backward: (gy, node) => {
      const x = node.inputs[0];
      const keptShape = reducedShape(x.shape, node.attrs.axes, true);
      const y = node.output!.data;
      // share[i] = 1/k where x[i] ties with its reduction's result (k ties), else 0.
      const yb = empty(x.shape, x.dtype);
      kernels().stridedCopy(y, 0, broadcastStrides(keptShape), x.shape, yb.data);
      const mask = empty(x.shape, x.dtype);
      kernels().binary('eq', x.data, yb.data, mask.data);
      const counts = reduceAxes(mask, node.attrs.axes, true, kernels().sumAxis);
      const cb = empty(x.shape, x.dtype);
      kernels().stridedCopy(counts.data, 0, broadcastStrides(keptShape), x.shape, cb.data);
      kernels().binary('div', mask.data, cb.data, mask.data);
      return [mul(broadcastTo(reshape(gy, keptShape), x.shape), mask)];
    },
  });
}

function broadcastStrides(keptShape: readonly number[]): number[] {
  const strides = new Array<number>(keptShape.length);
  let s = 1;
  for (let i = keptShape.length - 1; i >= 0; i--) {
    strides[i] = keptShape[i] === 1 ? 0 : s;
    s *= keptShape[i];
  }
  return strides;
}

const maxOp = extremumOp('max', 1);
const minOp = extremumOp('min', -1);

function reduce(name: 'max' | 'min', x: Tensor, axis: AxisArg, keepdims: boolean): Tensor {
  checkTensor(name, 'x', x);
  checkBoolean(name, 'keepdims', keepdims);
  const axes = normalizeAxes(name, axis, x.ndim);
  for (const a of axes) {
    if (x.shape[a] === 0)
      throw new ValueError(`${name}: cannot reduce over axis ${a} of extent 0 (shape [${x.shape.join(',')}])`);
  }
  return runOp(name === 'max' ? maxOp : minOp, [x], { axes, keepdims });
}

/**
 * Maximum over `axis` (all when omitted). The gradient flows to the maximal entries, shared
 * equally among ties. NaN propagates.
 *
 * @example
 * max(tensor([[1, 5], [7, 2]]), 1); // [5, 7]
 */
export function max(x: Tensor, axis?: AxisArg, keepdims = false): Tensor {
  return reduce('max', x, axis, keepdims);
}

/**
 * Minimum over `axis` (all when omitted); gradient as for {@link max}.
 *
 * @example
 * min(tensor([3, 1, 2])); // 1
 */
export function min(x: Tensor, axis?: AxisArg, keepdims = false): Tensor {
  return reduce('min', x, axis, keepdims);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The largest value over `axis` (default all); ties share the gradient: {@link max}.
     *
     * @example
     * tensor([[1, 5], [3, 2]]).max(1); // [5, 3]
     */
    max(axis?: number | number[] | null, keepdims?: boolean): Tensor;
    /**
     * The smallest value over `axis` (default all); ties share the gradient: {@link min}.
     *
     * @example
     * tensor([[1, 5], [3, 2]]).min(1); // [1, 2]
     */
    min(axis?: number | number[] | null, keepdims?: boolean): Tensor;
  }
}

Tensor.prototype.max = function (axis, keepdims = false) {
  return max(this, axis, keepdims);
};
Tensor.prototype.min = function (axis, keepdims = false) {
  return min(this, axis, keepdims);
};
