import { Tensor, ValueError, matmulT } from '@tapegrad/core';
import { Module } from '../module';
import { Parameter } from '../parameter';

/**
 * The book's MatMul layer: y = x·W with W `[in, out]` as given (no bias, no copy of W's data).
 *
 * @example
 * const layer = new MatMul(randn([2, 3]));
 * layer.forward(ones([4, 2])).shape; // [4, 3]
 */
export class MatMul extends Module {
  /** `[in, out]`. */
  weight: Parameter;

  constructor(weight: Tensor) {
    super();
    if (weight.ndim !== 2) {
      throw new ValueError(`MatMul: weight must be 2-D [in, out], got shape [${weight.shape.join(',')}]`);
    }
    this.weight = weight instanceof Parameter ? weight : new Parameter(weight);
  }

  /** x `[N, in]` → `[N, out]`. */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 2 || x.shape[1] !== this.weight.shape[0]) {
      throw new ValueError(
        `MatMul.forward: x must be [N,${this.weight.shape[0]}], got [${x.shape.join(',')}] ` +
          `(weight is [${this.weight.shape.join(',')}])`,
      );
    }
    return matmulT(x, this.weight, false, false);
  }

  override extraRepr(): string {
    return `in=${this.weight.shape[0]}, out=${this.weight.shape[1]}`;
  }
}
