import {
  Rng,
  Tensor,
  ValueError,
  checkNumber,
  checkOptions,
  describe,
  getDefaultRng,
  mul,
  zerosLike,
} from '@tapegrad/core';
import { Module } from '../module';

/**
 * Inverted dropout of `x` (PyTorch's `F.dropout` in training): each element zeroed with
 * probability `p`, the rest scaled by 1/(1−p), the mask drawn from `rng`; `p` 0 returns x.
 *
 * @example
 * dropout(x, 0.1, new Rng(0));
 */
export function dropout(x: Tensor, p: number, rng: Rng = getDefaultRng()): Tensor {
  if (p === 0) return x;
  const mask = zerosLike(x);
  const keep = 1 - p;
  const scale = 1 / keep;
  const d = mask.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.random() < keep ? scale : 0;
  return mul(x, mask);
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
    checkNumber('Dropout', 'p', p, { min: 0, below: 1 });
    const o = checkOptions('Dropout', options, ['rng']);
    if (o.rng !== undefined && !(o.rng instanceof Rng)) {
      throw new ValueError(`Dropout: rng must be an Rng, got ${describe(o.rng)}`);
    }
    this.rng = options.rng ?? getDefaultRng();
  }

  forward(x: Tensor): Tensor {
    return this.training ? dropout(x, this.p, this.rng) : x;
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
