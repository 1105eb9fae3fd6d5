import { empty } from '../creation';
import { checkBoolean, checkTensor } from '../check';
import { ValueError } from '../errors';
import { kernels } from '../kernels';
import { normalizeAxis, splitAt } from '../shape';
import { Tensor } from '../tensor';

function argExtremum(
  name: string,
  sign: 1 | -1,
  x: Tensor,
  axis: number | null | undefined,
  keepdims: boolean,
): Tensor {
  checkTensor(name, 'x', x);
  checkBoolean(name, 'keepdims', keepdims);
  if (x.size === 0)
    throw new ValueError(`${name}: cannot take ${name} of an empty tensor (shape [${x.shape.join(',')}])`);
  if (axis === undefined || axis === null) {
    const out = empty(keepdims ? x.shape.map(() => 1) : [], 'int32');
    kernels().argExtremumAxis(x.data, 1, x.size, 1, sign, out.data as Int32Array);
    return out;
  }
  const a = normalizeAxis(name, axis, x.ndim);
  const [outer, len, inner] = splitAt(x.shape, a);
  const shape = x.shape.flatMap((d, i) => (i === a ? (keepdims ? [1] : []) : [d]));
  const out = empty(shape, 'int32');
  kernels().argExtremumAxis(x.data, outer, len, inner, sign, out.data as Int32Array);
  return out;
}

/**
 * Index of the first maximum along `axis` (over the flattened tensor when omitted), as int32.
 * Not differentiable: the result never requires grad.
 *
 * @example
 * argmax(tensor([[1, 9], [8, 2]]), 1); // [1, 0]
 */
export function argmax(x: Tensor, axis?: number | null, keepdims = false): Tensor {
  return argExtremum('argmax', 1, x, axis, keepdims);
}

/**
 * Index of the first minimum along `axis`, as int32 (no gradient).
 *
 * @example
 * argmin(tensor([3, 1, 2])); // 1
 */
export function argmin(x: Tensor, axis?: number | null, keepdims = false): Tensor {
  return argExtremum('argmin', -1, x, axis, keepdims);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The int32 index of the first largest value along `axis` (default: of the flattened tensor): {@link argmax}.
     *
     * @example
     * tensor([[1, 5], [3, 2]]).argmax(1); // [1, 0]
     */
    argmax(axis?: number | null, keepdims?: boolean): Tensor;
    /**
     * The int32 index of the first smallest value along `axis` (default: of the flattened tensor): {@link argmin}.
     *
     * @example
     * tensor([[1, 5], [3, 2]]).argmin(1); // [0, 1]
     */
    argmin(axis?: number | null, keepdims?: boolean): Tensor;
  }
}

Tensor.prototype.argmax = function (axis, keepdims = false) {
  return argmax(this, axis, keepdims);
};
Tensor.prototype.argmin = function (axis, keepdims = false) {
  return argmin(this, axis, keepdims);
};
