import {
  type DType,
  Rng,
  Tensor,
  ValueError,
  add,
  checkBoolean,
  checkDType,
  checkFunction,
  checkInteger,
  checkOptions,
  describe,
  linear,
  matmulT,
} from '@tapegrad/core';
import { type Initializer, uniform, zeros } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { declareKeepsNoTensors } from './keeps-no-tensors';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Add a learnable bias (default true). */
  bias?: boolean;
  /** Weight initialiser, called with shape `[out, in]` (default PyTorch's U(±1/√in)). */
  init?: Initializer;
  /** Bias initialiser (default: PyTorch's U(±1/√in), or zeros — the book's — when `init` is given). */
  biasInit?: Initializer;
  /** Generator for the initialisers (default core's default generator). */
  rng?: Rng;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/**
 * Fully connected layer y = x·Wᵀ + b — the book's Affine. The weight is stored `[out, in]`,
 * as PyTorch does, so state dicts and safetensors files map one-to-one onto `torch.nn.Linear`
 * and fan-in-based initialisers agree with PyTorch's; the fused `linear` op reads Wᵀ in place,
 * so no transpose is ever materialised (forward x·Wᵀ + b in one node, backward gy·W, gyᵀ·x and
 * the column sums of gy, each only for inputs that need it). The book's
 * `[in, out]` layout is {@link MatMul}'s.
 *
 * @example
 * const fc = new Linear(784, 100, { init: init.normal(0.01), rng: new Rng(0) });
 * fc.forward(zeros([32, 784])).shape; // [32, 100]
 */
export class Linear extends Module {
  /** `[out, in]`. */
  weight: Parameter;
  /** `[out]`, or null without bias. */
  bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    checkInteger('Linear', 'inFeatures', inFeatures, { min: 1 });
    checkInteger('Linear', 'outFeatures', outFeatures, { min: 1 });
    const o = checkOptions('Linear', options, ['bias', 'init', 'biasInit', 'rng', 'dtype']);
    const bias = o.bias === undefined ? true : checkBoolean('Linear', 'bias', o.bias);
    const dtype = o.dtype === undefined ? 'float32' : checkDType('Linear', o.dtype);
    if (o.rng !== undefined && !(o.rng instanceof Rng)) {
      throw new ValueError(`Linear: rng must be an Rng, got ${describe(o.rng)}`);
    }
    const rng = o.rng as Rng | undefined;
    const bound = 1 / Math.sqrt(inFeatures);
    // PyTorch: kaiming_uniform(a=√5) gives U(±1/√in) for the weight, and the bias uses the same bound.
    const given = (k: 'init' | 'biasInit'): Initializer | undefined =>
      o[k] === undefined ? undefined : checkFunction<Initializer>('Linear', k, o[k]);
    const wInit = given('init') ?? uniform(-bound, bound);
    const bInit = given('biasInit') ?? (o.init ? zeros : uniform(-bound, bound));
    const ctx = { rng, dtype, fanIn: inFeatures, fanOut: outFeatures };
    this.weight = new Parameter(wInit([outFeatures, inFeatures], ctx));
    this.bias = bias ? new Parameter(bInit([outFeatures], ctx)) : null;
  }

  /** x `[N, in]` (or `[in]`) → `[N, out]` (or `[out]`). */
  forward(x: Tensor): Tensor {
    const last = x.shape[x.ndim - 1];
    if (x.ndim < 1 || last !== this.inFeatures) {
      throw new ValueError(
        `Linear.forward: x must end in ${this.inFeatures} features, got shape [${x.shape.join(',')}] ` +
          `(weight is [${this.outFeatures},${this.inFeatures}])`,
      );
    }
    const x2 = x.ndim === 2 ? x : x.reshape([-1, last]);
    // One fused node (gemm + bias rows) when the dtypes agree; mixed dtypes take the composed
    // path, which promotes as the ops do.
    let y: Tensor;
    if (x2.dtype === this.weight.dtype) y = linear(x2, this.weight, this.bias);
    else {
      y = matmulT(x2, this.weight, false, true);
      if (this.bias !== null) y = add(y, this.bias);
    }
    return x.ndim === 2 ? y : y.reshape([...x.shape.slice(0, -1), this.outFeatures]);
  }

  override extraRepr(): string {
    return `in=${this.inFeatures}, out=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

declareKeepsNoTensors(Linear);
