import { type Op, defineOp, runOp } from '../autograd/op';
import { checkInteger, checkTensor } from '../check';
import { empty } from '../creation';
import { ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import { sizeOf } from '../shape';
import { Tensor } from '../tensor';

interface TriangleAttrs {
  diagonal: number;
  upper: boolean;
}

/** Keeping a triangle is linear and self-adjoint: the backward keeps the same triangle of gy. */
const triangleOp: Op<TriangleAttrs> = defineOp<TriangleAttrs>({
  name: 'triangle',
  forward: ([x], { diagonal, upper }) => {
    const out = empty(x.shape, x.dtype);
    const r = x.ndim;
    const [rows, cols] = [x.shape[r - 2], x.shape[r - 1]];
    kernels().triangle(x.data, sizeOf(x.shape.slice(0, -2)), rows, cols, diagonal, upper, out.data);
    return out;
  },
  backward: (gy, node) => [runOp(triangleOp, [gy], node.attrs)],
});

function triangle(fn: string, x: Tensor, diagonal: number, upper: boolean): Tensor {
  checkTensor(fn, 'x', x);
  checkInteger(fn, 'diagonal', diagonal);
  if (x.ndim < 2) throw new ShapeError(`${fn}: x must have at least 2 axes, got shape ${fmtShape(x.shape)}`);
  return runOp(triangleOp, [x], { diagonal, upper });
}

/**
 * The upper triangle of the last two axes (PyTorch's `torch.triu`): entries (i, j) with
 * j − i ≥ `diagonal` are kept, the rest zeroed. With `ones([T, T])` and diagonal 1 it is the mask
 * of future positions a causal attention hides.
 *
 * @example
 * triu(ones([3, 3])); // [[1, 1, 1], [0, 1, 1], [0, 0, 1]]
 * triu(ones([3, 3]), 1); // [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle('triu', x, diagonal, true);
}

/**
 * The lower triangle of the last two axes (PyTorch's `torch.tril`): entries (i, j) with
 * j − i ≤ `diagonal` are kept, the rest zeroed.
 *
 * @example
 * tril(ones([3, 3])); // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * tril(ones([2, 3]), -1); // [[0, 0, 0], [1, 0, 0]]
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle('tril', x, diagonal, false);
}

declare module '../tensor' {
  interface Tensor {
    /**
     * The upper triangle of the last two axes: {@link triu}.
     *
     * @example
     * ones([2, 2]).triu(); // [[1, 1], [0, 1]]
     */
    triu(diagonal?: number): Tensor;
    /**
     * The lower triangle of the last two axes: {@link tril}.
     *
     * @example
     * ones([2, 2]).tril(); // [[1, 0], [1, 1]]
     */
    tril(diagonal?: number): Tensor;
  }
}

Tensor.prototype.triu = function (diagonal = 0) {
  return triu(this, diagonal);
};
Tensor.prototype.tril = function (diagonal = 0) {
  return tril(this, diagonal);
};
