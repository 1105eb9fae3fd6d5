import {
  DTypeError,
  ShapeError,
  Tensor,
  astype,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkTensor,
  clip,
  defineOp,
  full,
  isFloat,
  log,
  mul,
  neg,
  runOp,
  sigmoid,
  sub,
  sum,
} from '@tapegrad/core';

function checkPair(who: string, y: Tensor, t: Tensor): Tensor {
  checkTensor(who, 'input', y);
  checkTensor(who, 'targets', t);
  if (!isFloat(y.dtype)) throw new DTypeError(`${who}: input must be float32 or float64, got ${y.dtype}`);
  if (y.ndim !== t.ndim || y.shape.some((d, i) => d !== t.shape[i])) {
    throw new ShapeError(
      `${who}: input and targets must have the same shape, got [${y.shape.join(',')}] and [${t.shape.join(',')}]`,
    );
  }
  return t.dtype === y.dtype ? t : astype(t, y.dtype);
}

/**
 * Σ over elements of max(x,0) − x·t + log(1 + e^−|x|), the stable form of
 * −t·log σ(x) − (1−t)·log(1−σ(x)). Backward: gx = (σ(x) − t)·gy, gt = −x·gy (the mean is a
 * separate node).
 */
const bceWithLogitsOp = defineOp({
  name: 'bceWithLogits',
  forward: ([x, t]) => {
    const xd = x.data;
    const td = t.data;
    let total = 0;
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i];
      total += Math.max(v, 0) - v * td[i] + Math.log1p(Math.exp(-Math.abs(v)));
    }
    return full([], total, { dtype: x.dtype });
  },
  backward: (gy, node) => {
    const [x, t] = node.inputs;
    return [node.needsGrad(0) ? mul(sub(sigmoid(x), t), gy) : null, node.needsGrad(1) ? mul(neg(x), gy) : null];
  },
});

/**
 * Binary cross-entropy on logits (sigmoid fused in, stable for any logit), averaged over all
 * elements (`reduction: 'sum'` adds them). Targets are probabilities in [0, 1].
 *
 * @example
 * bceWithLogits(tensor([0]), tensor([1])); // log 2 = 0.6931
 * bceWithLogits(model.forward(x), t).backward();
 */
export function bceWithLogits(logits: Tensor, targets: Tensor, options: { reduction?: 'mean' | 'sum' } = {}): Tensor {
  const t = checkPair('bceWithLogits', logits, targets);
  const o = checkOptions('bceWithLogits', options, ['reduction']);
  const total = runOp(bceWithLogitsOp, [logits, t], undefined);
  return reduce('bceWithLogits', total, logits.size, o.reduction);
}

// The mean over no elements is NaN (as PyTorch), never a silent 0.
function reduce(who: string, total: Tensor, n: number, reduction: unknown = 'mean'): Tensor {
  if (checkOneOf(who, 'reduction', reduction, ['mean', 'sum'] as const) === 'sum') return total;
  return mul(total, n === 0 ? NaN : 1 / n);
}

/**
 * The largest float below 1 in `dtype` that `1 − eps` may round to: 1 − 1e-10 is exactly 1 in
 * float32, which would give log(0), so float32 uses its own largest value below 1.
 */
function upperClip(eps: number, dtype: string): number {
  const hi = 1 - eps;
  return dtype === 'float32' && Math.fround(hi) === 1 ? 1 - 2 ** -24 : hi;
}

/**
 * Binary cross-entropy of probabilities: −mean(t·log p + (1−t)·log(1−p)), with p clipped to
 * [1e-10, 1 − 1e-10] first, as the lecture's `np.clip(a, 1e-10, 1-1e-10)` (in float32 the upper
 * bound is the largest float below 1). Prefer {@link bceWithLogits} for training.
 *
 * @example
 * binaryCrossEntropy(tensor([0.5]), tensor([1])); // 0.6931
 * binaryCrossEntropy(tensor([0]), tensor([1])); // 23.03 (clipped, not Infinity)
 */
export function binaryCrossEntropy(
  probs: Tensor,
  targets: Tensor,
  options: { reduction?: 'mean' | 'sum'; eps?: number } = {},
): Tensor {
  const t = checkPair('binaryCrossEntropy', probs, targets);
  const o = checkOptions('binaryCrossEntropy', options, ['reduction', 'eps']);
  const eps = checkNumber('binaryCrossEntropy', 'eps', o.eps ?? 1e-10, { above: 0, below: 0.5 });
  const p = clip(probs, eps, upperClip(eps, probs.dtype));
  const ll = sum(mul(t, log(p)).add(mul(sub(1, t), log(sub(1, p)))));
  return reduce('binaryCrossEntropy', neg(ll), probs.size, o.reduction);
}
