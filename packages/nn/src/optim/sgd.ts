import { type Tensor, type TypedArray, ValueError, full, kernels } from '@tapegrad/core';
import { type OptionSpec, optionChecks as c } from './option-checks';
import { type ParamState, type ParamsInput, Optimizer, buffer } from './optimizer';

/** Hyper-parameters of {@link SGD}. */
export interface SGDOptions {
  lr: number;
  /** Momentum factor μ ≥ 0 (0 = plain SGD). */
  momentum: number;
  /** Dampening τ ∈ [0, 1] of the gradient added to the momentum buffer. */
  dampening: number;
  /** Nesterov momentum (needs μ > 0 and no dampening). */
  nesterov: boolean;
  /** L2 penalty λ ≥ 0 added to the gradient: g + λw. */
  weightDecay: number;
}

const DEFAULTS: SGDOptions = { lr: 0.01, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };
const SPEC: OptionSpec<SGDOptions> = {
  lr: c.lr,
  momentum: c.nonNegative,
  dampening: c.unit,
  nesterov: c.boolean,
  weightDecay: c.nonNegative,
};

/**
 * Stochastic gradient descent, PyTorch's formulation: g ← ∇ + λw; with momentum
 * b ← μb + (1−τ)g (b = g the first time) and g ← g + μb (Nesterov) or g ← b; then w ← w − lr·g.
 * With constant lr this equals the book's Momentum (v ← μv − lr·∇, w ← w + v). Options may
 * differ per parameter group.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 * new SGD([{ params: a, lr: 0.1 }, { params: b }], { lr: 0.01, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, SPEC, DEFAULTS, options);
  }

  protected override checkGroup(fn: string, prefix: string, o: SGDOptions): void {
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new ValueError(
        `${fn}: ${prefix}nesterov needs momentum > 0 and dampening 0, got ${o.momentum} and ${o.dampening}`,
      );
    }
  }

  // The momentum buffer is made from the first gradient (b = g), as PyTorch's None buffer.
  protected slots(): readonly string[] {
    return [];
  }

  protected knownSlots(): readonly string[] {
    return ['momentumBuffer'];
  }

  protected update(p: Tensor, g: TypedArray, state: ParamState, _step: number, o: SGDOptions): ParamState {
    const w = p.data;
    const { lr, momentum, dampening, nesterov, weightDecay } = o;
    if (momentum === 0) {
      // w ← (1 − lr·λ)·w − lr·g in one pass (a WASM SIMD kernel for float32).
      kernels().axpby(-lr, g, 1 - lr * weightDecay, w);
      return state;
    }
    const fresh = !state.has('momentumBuffer');
    const s = fresh ? state.set('momentumBuffer', full(p.shape, 0, { dtype: p.dtype })) : state;
    const b = buffer(s, 'momentumBuffer');
    const keep = 1 - dampening;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] + weightDecay * w[i];
      const bi = fresh ? gi : momentum * b[i] + keep * gi;
      b[i] = bi;
      w[i] -= lr * (nesterov ? gi + momentum * bi : bi);
    }
    return s;
  }
}
