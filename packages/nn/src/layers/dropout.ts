import {
  Rng,
  Tensor,
  ValueError,
  checkNumber,
  checkOptions,
  checkTensor,
  describe,
  getDefaultRng,
  mul,
  zeros,
  type DType,
} from '@tapegrad/core';
import { Module } from '../module';
import { declareKeepsNoTensors } from './keeps-no-tensors';

/**
 * Inverted dropout of `x` (PyTorch's `F.dropout` in training): each element zeroed with
 * probability `p`, the rest scaled by 1/(1−p), the mask drawn from `rng`; `p` 0 returns x.
 *
 * @example
 * dropout(x, 0.1, new Rng(0));
 */
export function dropout(x: Tensor, p: number, rng: Rng = getDefaultRng()): Tensor {
  checkTensor('dropout', 'x', x);
  checkNumber('dropout', 'p', p, { min: 0, below: 1 });
  checkRng('dropout', rng);
  if (p === 0) return x;
  return mul(x, dropoutMask(x.shape, x.dtype, p, rng));
}

function checkRng(who: string, rng: unknown): void {
  if (!(rng instanceof Rng)) throw new ValueError(`${who}: rng must be an Rng, got ${describe(rng)}`);
}

/** 1/(1−p) with probability 1−p, else 0, for every element of `shape`, drawn from `rng`. */
function dropoutMask(shape: readonly number[], dtype: DType, p: number, rng: Rng): Tensor {
  const mask = zeros(shape, { dtype });
  const keep = 1 - p;
  const scale = 1 / keep;
  const d = mask.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.random() < keep ? scale : 0;
  return mask;
}

/**
 * Inverted dropout: in training, zeroes each element with probability `p` and scales the rest
 * by 1/(1−p), so evaluation is the identity (the book scales at test time instead; the
 * expectations agree). Masks are drawn from `rng`, so runs are reproducible.
 *
 * @example
 * const drop = new Dropout(0.5, { rng: new Rng(0) });
 * drop.eval().forward(x); // x unchanged
 */
export class Dropout extends Module {
  /** The generator masks are drawn from. */
  rng: Rng;

  constructor(
    readonly p = 0.5,
    options: { rng?: Rng } = {},
  ) {
    super();
    const who = this.constructor.name;
    checkNumber(who, 'p', p, { min: 0, below: 1 });
    const o = checkOptions(who, options, ['rng']);
    if (o.rng !== undefined) checkRng(who, o.rng);
    this.rng = options.rng ?? getDefaultRng();
  }

  forward(x: Tensor): Tensor {
    return this.training ? dropout(x, this.p, this.rng) : x;
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Channel dropout (`torch.nn.Dropout2d`): in training, zeroes whole channels of `[N, C, H, W]`
 * (or `[C, H, W]`) inputs with probability `p` and scales the rest by 1/(1−p) — for
 * convolutional features, where neighbouring pixels are correlated. Evaluation is the identity.
 *
 * @example
 * const drop = new Dropout2d(0.2, { rng: new Rng(0) });
 * drop.forward(x); // each [n, c] plane kept (×1.25) or zeroed
 */
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) {
      throw new ValueError(`Dropout2d.forward: x must be [N, C, H, W] or [C, H, W], got [${x.shape.join(',')}]`);
    }
    if (!this.training || this.p === 0) return x;
    const planes = x.shape.map((d, a) => (a < x.ndim - 2 ? d : 1));
    return mul(x, dropoutMask(planes, x.dtype, this.p, this.rng));
  }
}

declareKeepsNoTensors(Dropout);
declareKeepsNoTensors(Dropout2d);
