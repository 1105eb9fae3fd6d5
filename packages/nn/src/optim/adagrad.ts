import type { Tensor, TypedArray } from '@tapegrad/core';
import { type OptionSpec, optionChecks as c } from './option-checks';
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
const SPEC: OptionSpec<AdaGradOptions> = {
  lr: c.lr,
  lrDecay: c.nonNegative,
  weightDecay: c.nonNegative,
  eps: c.positive,
};

/**
 * AdaGrad (Duchi et al. 2011), as the book and PyTorch: g ← ∇ + λw, h ← h + g²,
 * w ← w − lr_t·g / (√h + ε), lr_t = lr / (1 + (t−1)·lrDecay).
 *
 * @example
 * const opt = new AdaGrad(model.parameters(), { lr: 0.1 });
 * opt.step();
 */
export class AdaGrad extends Optimizer<AdaGradOptions> {
  constructor(params: ParamsInput<AdaGradOptions>, options: Partial<AdaGradOptions> = {}) {
    super(params, SPEC, DEFAULTS, options);
  }

  protected slots(): readonly string[] {
    return ['sum'];
  }

  protected knownSlots(): readonly string[] {
    return ['sum'];
  }

  protected update(p: Tensor, g: TypedArray, state: ParamState, step: number, o: AdaGradOptions): ParamState {
    const w = p.data;
    const { lr, lrDecay, weightDecay, eps } = o;
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
