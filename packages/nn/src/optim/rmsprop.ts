import type { Tensor, TypedArray } from '@tapegrad/core';
import { type OptionSpec, optionChecks as c } from './option-checks';
import { type ParamState, type ParamsInput, Optimizer, buffer } from './optimizer';

/** Hyper-parameters of {@link RMSProp}. */
export interface RMSPropOptions {
  lr: number;
  /** Smoothing constant α ∈ [0, 1] of the squared-gradient average (the book's decay rate). */
  alpha: number;
  /** Added to the root of the average. */
  eps: number;
  /** L2 penalty λ added to the gradient. */
  weightDecay: number;
  /** Momentum μ on the scaled step (0 = none). */
  momentum: number;
  /** Normalise by the variance estimate v − ḡ² instead of v. */
  centered: boolean;
}

const DEFAULTS: RMSPropOptions = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false };
const SPEC: OptionSpec<RMSPropOptions> = {
  lr: c.lr,
  alpha: c.unit,
  eps: c.positive,
  weightDecay: c.nonNegative,
  momentum: c.nonNegative,
  centered: c.boolean,
};

/**
 * RMSProp (Hinton), PyTorch's formulation: g ← ∇ + λw, v ← αv + (1−α)g², d = √v + ε (or
 * √(v − ḡ²) + ε when centered, ḡ ← αḡ + (1−α)g); with momentum b ← μb + g/d and w ← w − lr·b,
 * else w ← w − lr·g/d.
 *
 * @example
 * const opt = new RMSProp(model.parameters(), { lr: 0.01 });
 * opt.step();
 */
export class RMSProp extends Optimizer<RMSPropOptions> {
  constructor(params: ParamsInput<RMSPropOptions>, options: Partial<RMSPropOptions> = {}) {
    super(params, SPEC, DEFAULTS, options);
  }

  protected slots(o: RMSPropOptions): readonly string[] {
    const s = ['squareAvg'];
    if (o.momentum > 0) s.push('momentumBuffer');
    if (o.centered) s.push('gradAvg');
    return s;
  }

  protected knownSlots(): readonly string[] {
    return ['squareAvg', 'momentumBuffer', 'gradAvg'];
  }

  protected update(p: Tensor, g: TypedArray, state: ParamState, _step: number, o: RMSPropOptions): ParamState {
    const w = p.data;
    const { lr, alpha, eps, weightDecay, momentum, centered } = o;
    const v = buffer(state, 'squareAvg');
    const b = momentum > 0 ? buffer(state, 'momentumBuffer') : null;
    const ga = centered ? buffer(state, 'gradAvg') : null;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] + weightDecay * w[i];
      const vi = alpha * v[i] + (1 - alpha) * gi * gi;
      v[i] = vi;
      let d: number;
      if (ga !== null) {
        const m = alpha * ga[i] + (1 - alpha) * gi;
        ga[i] = m;
        d = Math.sqrt(vi - m * m) + eps;
      } else d = Math.sqrt(vi) + eps;
      if (b !== null) {
        const bi = momentum * b[i] + gi / d;
        b[i] = bi;
        w[i] -= lr * bi;
      } else w[i] -= (lr * gi) / d;
    }
    return state;
  }
}
