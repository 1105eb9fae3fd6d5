import { defineOp, runOp } from '../autograd/op';
import { noGrad } from '../autograd/grad-mode';
import { checkNumber, checkOptions, checkTensor } from '../check';
import { DTypeError, ShapeError, fmtShape } from '../errors';
import type { Tensor } from '../tensor';
import { add } from './add';
import { mul } from './mul';
import { neg } from './neg';
import { pow } from './pow';
import { reshape } from './reshape';
import { sub } from './sub';
import { sum } from './sum';
import { checkFloat } from './util';

/** Which of the optional operands the node has (they follow x, mean and var in its inputs). */
interface BatchNormAttrs {
  eps: number;
  hasWeight: boolean;
  hasBias: boolean;
}

/** The operands of a batchNorm node by role (weight and bias are null when absent). */
function operands(inputs: readonly Tensor[], { hasWeight, hasBias }: BatchNormAttrs) {
  const [x, mean, variance] = inputs;
  const weight = hasWeight ? inputs[3] : null;
  const bias = hasBias ? inputs[hasWeight ? 4 : 3] : null;
  return { x, mean, variance, weight, bias };
}

/** `[1, C, 1, …]` for x: a per-channel vector made to broadcast against it. */
const perChannel = (x: Tensor, v: Tensor): Tensor => reshape(v, [1, v.shape[0], ...x.shape.slice(2).map(() => 1)]);

/** Every axis of x but the channel axis 1. */
const otherAxes = (x: Tensor): number[] => x.shape.map((_, a) => a).filter((a) => a !== 1);

/**
 * y = (x − mean)·(var + eps)^(−1/2)·weight + bias per channel (axis 1), as one tape node, so that
 * an exporter sees one normalisation (ONNX's BatchNormalization). Backward, in tensor ops (so it
 * is differentiable again), with s = (var + eps)^(−1/2) and g = gy·weight:
 * gx = g·s, gmean = −Σ g·s, gvar = −½·Σ g·(x − mean)·s³, gweight = Σ gy·(x − mean)·s, gbias = Σ gy,
 * the sums over every axis but the channel's.
 */
const batchNormOp = defineOp<BatchNormAttrs>({
  name: 'batchNorm',
  forward: (inputs, attrs) =>
    noGrad(() => {
      const { x, mean, variance, weight, bias } = operands(inputs, attrs);
      let y = mul(sub(x, perChannel(x, mean)), perChannel(x, pow(add(variance, attrs.eps), -0.5)));
      if (weight !== null) y = mul(y, perChannel(x, weight));
      return bias === null ? y : add(y, perChannel(x, bias));
    }),
  backward: (gy, node) => {
    const { x, mean, variance, weight } = operands(node.inputs, node.attrs);
    const axes = otherAxes(x);
    const s = pow(add(variance, node.attrs.eps), -0.5);
    const centred = sub(x, perChannel(x, mean));
    const g = weight === null ? gy : mul(gy, perChannel(x, weight));
    const gx = mul(g, perChannel(x, s));
    const grads: (Tensor | null)[] = [
      node.needsGrad(0) ? gx : null,
      node.needsGrad(1) ? neg(sum(gx, axes)) : null,
      node.needsGrad(2) ? mul(sum(mul(g, centred), axes), mul(pow(s, 3), -0.5)) : null,
    ];
    if (node.attrs.hasWeight) grads.push(node.needsGrad(3) ? sum(mul(gy, mul(centred, perChannel(x, s))), axes) : null);
    if (node.attrs.hasBias) grads.push(node.needsGrad(grads.length) ? sum(gy, axes) : null);
    return grads;
  },
});

/**
 * Batch normalisation with given statistics (`torch.nn.functional.batch_norm` with
 * `training=False`): x `[N, C, …]` normalised per channel (axis 1) by `mean` and `variance`
 * `[C]`, then scaled by `weight` and shifted by `bias` `[C]` when given:
 * y = (x − mean)/√(var + eps)·weight + bias, `eps` 1e-5 unless given. Differentiable in every
 * operand (twice). The
 * BatchNorm layers call it in evaluation mode, with their running statistics.
 *
 * @example
 * batchNorm(tensor([[1, 2], [3, 4]]), tensor([2, 3]), tensor([1, 1]), null, null, { eps: 0 }).toArray(); // [[-1, -1], [1, 1]]
 * batchNorm(x, bn.runningMean, bn.runningVar, bn.weight, bn.bias);
 */
export function batchNorm(
  x: Tensor,
  mean: Tensor,
  variance: Tensor,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options?: { eps?: number },
): Tensor {
  const fn = 'batchNorm';
  checkTensor(fn, 'x', x);
  if (x.ndim < 2) throw new ShapeError(`${fn}: x must be [N, C, …] (rank ≥ 2), got ${fmtShape(x.shape)}`);
  checkFloat(fn, 'x', x);
  const c = x.shape[1];
  const vectors = { mean, variance, weight, bias };
  for (const [name, v] of Object.entries(vectors)) {
    if (v === null && (name === 'weight' || name === 'bias')) continue;
    checkTensor(fn, name, v);
    if (v!.ndim !== 1 || v!.shape[0] !== c) {
      throw new ShapeError(
        `${fn}: ${name} must be [C] = [${c}] for x of shape ${fmtShape(x.shape)}, got ${fmtShape(v!.shape)}`,
      );
    }
    if (v!.dtype !== x.dtype) throw new DTypeError(`${fn}: ${name} is ${v!.dtype} but x is ${x.dtype}`);
  }
  const o = checkOptions(fn, options, ['eps']);
  const eps = o.eps === undefined ? 1e-5 : checkNumber(fn, 'eps', o.eps, { min: 0 });
  const inputs = [x, mean, variance, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return runOp(batchNormOp, inputs, { eps, hasWeight: weight !== null, hasBias: bias !== null });
}
