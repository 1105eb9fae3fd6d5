import { type Tensor, type TypedArray, kernels } from '@tapegrad/core';
import { type OptionSpec, optionChecks as c } from './option-checks';
import { type ParamState, type ParamsInput, Optimizer, buffer } from './optimizer';

/** Hyper-parameters of {@link Adam} and {@link AdamW}. */
export interface AdamOptions {
  lr: number;
  /** Decay rates (β1, β2) ∈ [0, 1) of the first and second moment averages. */
  betas: readonly [number, number];
  /** Added to √v̂; > 0. */
  eps: number;
  /** Adam: L2 penalty added to the gradient (g + λw). AdamW: decoupled decay (w ← w − lr·λw). */
  weightDecay: number;
}

const SPEC: OptionSpec<AdamOptions> = { lr: c.lr, betas: c.betas, eps: c.positive, weightDecay: c.nonNegative };

/**
 * Adam (Kingma & Ba 2015) with bias correction: g ← ∇ + λw, m ← β1m + (1−β1)g,
 * v ← β2v + (1−β2)g², w ← w − lr·m̂/(√v̂ + ε) with m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999] });
 * opt.step();
 */
export class Adam extends Optimizer<AdamOptions> {
  /** The options a group gets by default. */
  static readonly DEFAULTS: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };
  /** Whether weight decay is decoupled from the gradient (AdamW). */
  protected readonly decoupled: boolean = false;

  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, SPEC, (new.target as typeof Adam).DEFAULTS, options);
  }

  protected slots(): readonly string[] {
    return ['expAvg', 'expAvgSq'];
  }

  protected knownSlots(): readonly string[] {
    return ['expAvg', 'expAvgSq'];
  }

  protected update(p: Tensor, g: TypedArray, state: ParamState, step: number, o: AdamOptions): ParamState {
    const { lr, betas, eps, weightDecay } = o;
    const [b1, b2] = betas;
    kernels().adamStep({
      w: p.data,
      g,
      m: buffer(state, 'expAvg'),
      v: buffer(state, 'expAvgSq'),
      stepSize: lr / (1 - b1 ** step),
      b1,
      b2,
      eps,
      rootBc2: Math.sqrt(1 - b2 ** step),
      l2: this.decoupled ? 0 : weightDecay,
      shrink: this.decoupled ? 1 - lr * weightDecay : 1,
    });
    return state;
  }
}

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with weight decay decoupled from the gradient —
 * w ← w·(1 − lr·λ) first, then the Adam step on the raw gradient. Default λ = 0.01, as PyTorch.
 *
 * @example
 * const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
 * opt.step();
 */
export class AdamW extends Adam {
  static override readonly DEFAULTS: AdamOptions = { ...Adam.DEFAULTS, weightDecay: 0.01 };
  protected override readonly decoupled: boolean = true;
}
