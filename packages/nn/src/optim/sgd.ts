import { type TypedArray, ValueError, kernels } from '@tapegrad/core';
import { type ParamState, type ParamsInput, Optimizer, buffer } from './optimizer';

/** Hyper-parameters of {@link SGD}. */
export interface SGDOptions {
  lr: number;
  /** Momentum factor μ (0 = plain SGD). */
  momentum: number;
  /** Dampening of the gradient added to the momentum buffer. */
  dampening: number;
  /** Nesterov momentum (needs μ > 0 and no dampening). */
  nesterov: boolean;
  /** L2 penalty λ added to the gradient: g + λw. */
  weightDecay: number;
}

const DEFAULTS: SGDOptions = { lr: 0.01, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };

/**
 * Stochastic gradient descent, PyTorch's formulation: g ← ∇ + λw; with momentum
 * b ← μb + (1−τ)g (b = g at the first step) and g ← g + μb (Nesterov) or g ← b; then w ← w − lr·g.
 * With constant lr this equals the book's Momentum (v ← μv − lr·∇, w ← w + v).
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * opt.step();
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput, options: Partial<SGDOptions> = {}) {
    super(params, DEFAULTS, options);
    const { momentum, dampening, nesterov } = this.options;
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new ValueError(`SGD: nesterov needs momentum > 0 and dampening 0, got ${momentum} and ${dampening}`);
    }
  }

  protected slots(): readonly string[] {
    return this.options.momentum !== 0 ? ['momentumBuffer'] : [];
  }

  protected update(w: TypedArray, g: TypedArray, state: ParamState, step: number): ParamState {
    const { lr, momentum, dampening, nesterov, weightDecay } = this.options;
    if (momentum === 0) {
      // w ← (1 − lr·λ)·w − lr·g in one pass (a WASM SIMD kernel for float32).
      kernels().axpby(-lr, g, 1 - lr * weightDecay, w);
      return state;
    }
    const b = buffer(state, 'momentumBuffer');
    const keep = 1 - dampening;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] + weightDecay * w[i];
      const bi = step === 1 ? gi : momentum * b[i] + keep * gi;
      b[i] = bi;
      w[i] -= lr * (nesterov ? gi + momentum * bi : bi);
    }
    return state;
  }
}
