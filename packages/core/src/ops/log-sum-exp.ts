import { noGrad } from '../autograd/grad-mode';
import { checkBoolean, checkTensor } from '../check';
import { normalizeAxes } from '../shape';
import { Tensor } from '../tensor';
import { add } from './add';
import { exp } from './exp';
import { max } from './extremum';
import { log } from './log';
import { reshape } from './reshape';
import { sub } from './sub';
import { type AxisArg, sum } from './sum';
import { checkFloat } from './util';

/**
 * log Σ exp(x) over `axis` (all when omitted), stable: m + log Σ exp(x − m) with m the max held
 * constant (its gradient cancels exactly), so the gradient is softmax(x) and every order of
 * derivative is available. Over an axis of extent 0 it is −∞ (the log of an empty sum), as
 * PyTorch's `logsumexp`.
 *
 * @example
 * logSumExp(tensor([1000, 1000])); // 1000.6931
 */
export function logSumExp(x: Tensor, axis?: AxisArg, keepdims = false): Tensor {
  checkTensor('logSumExp', 'x', x);
  checkFloat('logSumExp', 'x', x);
  const axes = normalizeAxes('logSumExp', axis, x.ndim);
  checkBoolean('logSumExp', 'keepdims', keepdims);
  // Over an empty axis the sum of no exponentials is 0 and the result −∞, as PyTorch; there is
  // no max to shift by.
  if (axes.some((a) => x.shape[a] === 0)) {
    const lse = log(sum(exp(x), axes, true));
    return keepdims
      ? lse
      : reshape(
          lse,
          x.shape.filter((_, i) => !axes.includes(i)),
        );
  }
  const m = noGrad(() => {
    const mx = max(x, axes, true);
    const d = mx.data;
    // An all −∞ (or +∞) slice would give NaN from x − m; shift by 0 there instead.
    for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) d[i] = 0;
    return mx;
  });
  const lse = add(log(sum(exp(sub(x, m)), axes, true)), m);
  return keepdims
    ? lse
    : reshape(
        lse,
        x.shape.filter((_, i) => !axes.includes(i)),
      );
}

declare module '../tensor' {
  interface Tensor {
    /**
     * log Σ exp over `axis` (default all), computed stably: {@link logSumExp}.
     *
     * @example
     * tensor([0, 0]).logSumExp(); // 0.693…
     */
    logSumExp(axis?: number | number[] | null, keepdims?: boolean): Tensor;
  }
}

Tensor.prototype.logSumExp = function (axis, keepdims = false) {
  return logSumExp(this, axis, keepdims);
};
