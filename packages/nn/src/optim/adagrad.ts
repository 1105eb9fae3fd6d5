import type { TypedArray } from '@tapegrad/core';
import { type ParamState, type ParamsInput, Optimizer, buffer } from './optimizer';

/** Hyper-parameters of {@link AdaGrad}. */
export interface AdaGradOptions {
  lr: number;
  /** lr is divided by 1 + (t−1)·lrDecay. */
  lrDecay: number;
  /** L2 penalty λ added to the gradient. */
  weightDecay: number;
  /** Added to √h (PyTorch 1e-10; the book uses 1e-7). */
  eps: number;
}

const DEFAULTS: AdaGradOptions = { lr: 0.01, lrDecay: 0, weightDecay: 0, eps: 1e-10 };

/**
 * AdaGrad (Duchi et al. 2011), as the book and PyTorch: g ← ∇ + λw, h ← h + g²,
 * w ← w − lr_t·g / (√h + ε), lr_t = lr / (1 + (t−1)·lrDecay).
 *
 * @example
 * const opt = new AdaGrad(model.parameters(), { lr: 0.1 });
 * opt.step();
 */
export class AdaGrad extends Optimizer<AdaGradOptions> {
  constructor(params: ParamsInput, options: Partial<AdaGradOptions> = {}) {
    super(params, DEFAULTS, options);
  }

  protected slots(): readonly string[] {
    return ['sum'];
  }

  protected update(w: TypedArray, g: TypedArray, state: ParamState, step: number): ParamState {
    const { lr, lrDecay, weightDecay, eps } = this.options;
    const clr = lr / (1 + (step - 1) * lrDecay);
    const h = buffer(state, 'sum');
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] + weightDecay * w[i];
      const hi = h[i] + gi * gi;
      h[i] = hi;
      w[i] -= (clr * gi) / (Math.sqrt(hi) + eps);
    }
    return state;
  }
}
