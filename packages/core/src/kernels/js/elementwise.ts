import type { KernelBackend } from '../backend';

/**
 * The reference elementwise kernels over equal-length typed arrays (see KernelBackend for each
 * one's contract). Each writes into `out` (which may alias an input) and allocates nothing. One
 * loop per operation so V8 keeps each monomorphic.
 */

export const binary: KernelBackend['binary'] = (kind, a, b, out) => {
  const n = out.length;
  switch (kind) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      return;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      return;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      return;
    case 'pow':
      for (let i = 0; i < n; i++) out[i] = Math.pow(a[i], b[i]);
      return;
    case 'eq':
      for (let i = 0; i < n; i++) out[i] = a[i] === b[i] ? 1 : 0;
      return;
    case 'gt':
      for (let i = 0; i < n; i++) out[i] = a[i] > b[i] ? 1 : 0;
      return;
    case 'lt':
      for (let i = 0; i < n; i++) out[i] = a[i] < b[i] ? 1 : 0;
      return;
    case 'ge':
      for (let i = 0; i < n; i++) out[i] = a[i] >= b[i] ? 1 : 0;
      return;
    case 'le':
      for (let i = 0; i < n; i++) out[i] = a[i] <= b[i] ? 1 : 0;
      return;
    case 'maximum':
      for (let i = 0; i < n; i++) out[i] = a[i] >= b[i] ? a[i] : b[i];
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) out[i] = a[i] <= b[i] ? a[i] : b[i];
      return;
  }
};

export const binaryScalar: KernelBackend['binaryScalar'] = (kind, a, s, out) => {
  const n = out.length;
  switch (kind) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + s;
      return;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * s;
      return;
    case 'pow':
      if (s === 2) for (let i = 0; i < n; i++) out[i] = a[i] * a[i];
      else for (let i = 0; i < n; i++) out[i] = Math.pow(a[i], s);
      return;
    case 'rsub':
      for (let i = 0; i < n; i++) out[i] = s - a[i];
      return;
    case 'rdiv':
      for (let i = 0; i < n; i++) out[i] = s / a[i];
      return;
  }
};

export const unary: KernelBackend['unary'] = (kind, a, out) => {
  const n = out.length;
  switch (kind) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -a[i];
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(a[i]);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(a[i]);
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(a[i]);
      return;
    case 'abs':
      for (let i = 0; i < n; i++) out[i] = Math.abs(a[i]);
      return;
    case 'sign':
      for (let i = 0; i < n; i++) out[i] = a[i] > 0 ? 1 : a[i] < 0 ? -1 : 0;
      return;
    case 'sigmoid':
      // Stable for large |x|: never exponentiates a positive number.
      for (let i = 0; i < n; i++) {
        const x = a[i];
        if (x >= 0) out[i] = 1 / (1 + Math.exp(-x));
        else {
          const e = Math.exp(x);
          out[i] = e / (1 + e);
        }
      }
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(a[i]);
      return;
    case 'relu':
      // NaN stays NaN, as PyTorch: a diverged network must not look healthy.
      for (let i = 0; i < n; i++) out[i] = a[i] <= 0 ? 0 : a[i];
      return;
    case 'step':
      // relu'(x): 1 where x > 0, else 0 (relu'(0) = 0, as PyTorch).
      for (let i = 0; i < n; i++) out[i] = a[i] > 0 ? 1 : 0;
      return;
    case 'square':
      for (let i = 0; i < n; i++) out[i] = a[i] * a[i];
      return;
    case 'reciprocal':
      for (let i = 0; i < n; i++) out[i] = 1 / a[i];
      return;
  }
};

/** Leaky ReLU: `x` where x > 0, else `slope·x`. */
export const leakyRelu: KernelBackend['leakyRelu'] = (a, slope, out) => {
  for (let i = 0; i < out.length; i++) out[i] = a[i] > 0 ? a[i] : slope * a[i];
};

/** `out[i] = min(max(a[i], lo), hi)`. */
export const clip: KernelBackend['clip'] = (a, lo, hi, out) => {
  for (let i = 0; i < out.length; i++) {
    const x = a[i];
    out[i] = x < lo ? lo : x > hi ? hi : x;
  }
};

/** `out[i] = cond[i] !== 0 ? a[i] : b[i]`. */
export const where: KernelBackend['where'] = (cond, a, b, out) => {
  for (let i = 0; i < out.length; i++) out[i] = cond[i] !== 0 ? a[i] : b[i];
};

/** Copies `src` into `out`, converting element type as the typed arrays do (int32 truncates). */
export const cast: KernelBackend['cast'] = (src, out) => {
  if (out instanceof Int32Array && !(src instanceof Int32Array)) {
    for (let i = 0; i < out.length; i++) out[i] = Math.trunc(src[i]);
  } else out.set(src);
};

/**
 * y = β·y + α·x in place (BLAS axpby) — an optimiser's update, e.g. plain SGD
 * w ← (1 − lr·λ)·w − lr·g. Unrolled by four (~1.6× faster in V8 than the plain loop).
 */
export const axpby: KernelBackend['axpby'] = (alpha, x, beta, y) => {
  const n = y.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    y[i] = beta * y[i] + alpha * x[i];
    y[i + 1] = beta * y[i + 1] + alpha * x[i + 1];
    y[i + 2] = beta * y[i + 2] + alpha * x[i + 2];
    y[i + 3] = beta * y[i + 3] + alpha * x[i + 3];
  }
  for (; i < n; i++) y[i] = beta * y[i] + alpha * x[i];
};

/** y[r, :] += b for each of `rows` rows of `cols`: a bias row added to a row-major matrix. */
export const addRows: KernelBackend['addRows'] = (y, b, rows, cols) => {
  for (let r = 0, o = 0; r < rows; r++, o += cols) for (let j = 0; j < cols; j++) y[o + j] += b[j];
};

/** out = x > 0 ? gy : 0: relu's backward from its input x. */
export const reluGrad: KernelBackend['reluGrad'] = (gy, x, out) => {
  for (let i = 0; i < out.length; i++) out[i] = x[i] > 0 ? gy[i] : 0;
};

/** One Adam step in double arithmetic (see AdamArgs). */
export const adamStep: KernelBackend['adamStep'] = ({ w, g, m, v, stepSize, b1, b2, eps, rootBc2, l2, shrink }) => {
  for (let i = 0; i < w.length; i++) {
    const wi = w[i] * shrink;
    const gi = g[i] + l2 * w[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - (stepSize * mi) / (Math.sqrt(vi) / rootBc2 + eps);
  }
};

/** out = gy·y·(1 − y): sigmoid's backward from its output y. */
export const sigmoidGrad: KernelBackend['sigmoidGrad'] = (gy, y, out) => {
  for (let i = 0; i < out.length; i++) out[i] = gy[i] * y[i] * (1 - y[i]);
};
