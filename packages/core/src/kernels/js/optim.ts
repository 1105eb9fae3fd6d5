import type { KernelBackend } from '../backend';

/** The reference Adam step (see AdamArgs), in float64 arithmetic. */
export const adam: KernelBackend['adam'] = ({ w, g, m, v, stepSize, beta1, beta2, eps, rootBc2, l2, shrink }) => {
  for (let i = 0; i < w.length; i++) {
    const wi = w[i] * shrink;
    const gi = g[i] + l2 * w[i];
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    const vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - (stepSize * mi) / (Math.sqrt(vi) / rootBc2 + eps);
  }
};
