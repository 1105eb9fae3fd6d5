/** The argument record of KernelBackend.adam (see there). */
import type { TypedArray } from '../dtype';

/**
 * One Adam step on a parameter, in place: g' = g + l2·w, m ← β1·m + (1−β1)·g',
 * v ← β2·v + (1−β2)·g'², w ← w·shrink − stepSize·m / (√v / rootBc2 + eps) — bias correction
 * folded into stepSize = lr/(1 − β1ᵗ) and rootBc2 = √(1 − β2ᵗ); shrink is AdamW's 1 − lr·λ.
 */
export interface AdamArgs {
  w: TypedArray;
  g: TypedArray;
  m: TypedArray;
  v: TypedArray;
  stepSize: number;
  beta1: number;
  beta2: number;
  eps: number;
  rootBc2: number;
  l2: number;
  shrink: number;
}
