import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import type { Tensor } from '../tensor';

/**
 * Zeros shaped like its input, recorded from it: what a backward rule returns where the
 * derivative is 0 by its formula (pow(x, 0), a constant branch), so that under createGraph the
 * zero is still a differentiable result of the incoming gradient (its own derivative is 0, again
 * recorded) instead of a constant the engine must refuse. Exactly 0 even where `g` is ±∞ or NaN,
 * which `g·0` would not be.
 */
const zeroGradientOp = defineOp({
  name: 'zeroGradient',
  forward: ([g]) => empty(g.shape, g.dtype),
  backward: (gg) => [zeroGradient(gg)],
});

/**
 * A zero gradient recorded from `g` (same shape and dtype); see {@link zeroGradientOp}.
 *
 * @example
 * backward: (gy) => [zeroGradient(gy)], // d/dx of a constant
 */
export function zeroGradient(g: Tensor): Tensor {
  return runOp(zeroGradientOp, [g], undefined);
}
