import {
  Tensor,
  ValueError,
  abs,
  add,
  checkNumber,
  checkOptions,
  checkTensor,
  describe,
  full,
  incrementVersion,
  mul,
  noGrad,
  square,
  sum,
} from '@tapegrad/core';

/** Strengths of the lecture's penalties. */
export interface PenaltyOptions {
  /** L1 strength (default 0). */
  l1?: number;
  /** L2 strength (default 0). */
  l2?: number;
  /** The batch size m the penalty is divided by (default 1). */
  batchSize?: number;
}

function check(who: string, options: PenaltyOptions): [number, number, number] {
  const o = checkOptions(who, options, ['l1', 'l2', 'batchSize']);
  return [
    checkNumber(who, 'l1', o.l1 ?? 0, { min: 0 }),
    checkNumber(who, 'l2', o.l2 ?? 0, { min: 0 }),
    checkNumber(who, 'batchSize', o.batchSize ?? 1, { above: 0 }),
  ];
}

/**
 * Adds the lecture's regularisation to the gradients in place, after `backward()` and before
 * `step()`: `w.grad += (l1·sign(w) + l2·w) / m`. Parameters without a gradient are skipped.
 *
 * @example
 * loss.backward();
 * applyPenalty(model.parameters(), { l2: 0.1, batchSize: 32 }); opt.step();
 */
export function applyPenalty(params: Iterable<Tensor>, options: PenaltyOptions): void {
  const [l1, l2, m] = check('applyPenalty', options);
  for (const p of params) {
    const g = p.grad;
    if (g === null) continue;
    const w = p.data;
    const gd = g.data;
    for (let i = 0; i < w.length; i++) gd[i] += (l1 * Math.sign(w[i]) + l2 * w[i]) / m;
  }
}

/**
 * The loss term whose gradient {@link applyPenalty} adds: (l1·Σ|w| + ½·l2·Σw²) / m, recorded on
 * the tape (add it to the loss instead of calling applyPenalty, not both).
 *
 * @example
 * const loss = softmaxCrossEntropy(y, t).add(penalty(model.parameters(), { l2: 0.1, batchSize: 32 }));
 * loss.backward();
 */
export function penalty(params: Iterable<Tensor>, options: PenaltyOptions): Tensor {
  const [l1, l2, m] = check('penalty', options);
  let total: Tensor | null = null;
  for (const p of params) {
    let term: Tensor | null = null;
    if (l1 !== 0) term = mul(sum(abs(p)), l1 / m);
    if (l2 !== 0) {
      const sq = mul(sum(square(p)), (0.5 * l2) / m);
      term = term === null ? sq : add(term, sq);
    }
    if (term !== null) total = total === null ? term : add(total, term);
  }
  return total ?? full([], 0);
}

/**
 * Scales all gradients together so that their global L2 norm is at most `maxNorm` (the book's
 * `clip_grads`: rate = maxNorm / (norm + 1e-6), applied when < 1). Returns the norm before
 * clipping.
 *
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 5.0);
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): number {
  checkNumber('clipGradNorm', 'maxNorm', maxNorm, { above: 0 });
  const iterable = params as unknown as { [Symbol.iterator]?: unknown } | null;
  if (iterable === null || typeof iterable !== 'object' || typeof iterable[Symbol.iterator] !== 'function') {
    throw new ValueError(`clipGradNorm: params must be an iterable of Tensors, got ${describe(params)}`);
  }
  const list = [...params];
  list.forEach((p, i) => checkTensor('clipGradNorm', `params[${i}]`, p));
  return noGrad(() => {
    let sq = 0;
    for (const p of list) {
      const g = p.grad;
      if (g === null) continue;
      const d = g.data;
      for (let i = 0; i < d.length; i++) sq += d[i] * d[i];
    }
    const norm = Math.sqrt(sq);
    const rate = maxNorm / (norm + 1e-6);
    if (rate < 1) {
      for (const p of list) {
        const g = p.grad;
        if (g === null) continue;
        const d = g.data;
        for (let i = 0; i < d.length; i++) d[i] *= rate;
        incrementVersion(g);
      }
    }
    return norm;
  });
}
