import { defineOp, runOp } from '../autograd/op';
import { checkTensor } from '../check';
import { isFloat } from '../dtype';
import { DTypeError, ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import type { Tensor } from '../tensor';
import { gemmOf, product } from './matmul';
import { sum } from './sum';

/**
 * y = x·wᵀ + b in one node (PyTorch's `addmm`): one gemm that reads wᵀ in place, then the bias
 * added row by row — no broadcast tensor, no separate add node, and the bias gradient is a
 * plain column sum instead of an un-broadcast. Backward: gx = gy·w, gw = gyᵀ·x, gb = Σ_rows gy,
 * each computed only for inputs that require a gradient, in tensor ops (twice differentiable).
 */
const linearOp = defineOp<void>({
  name: 'linear',
  forward: ([x, w, b]) => {
    const out = gemmOf(x, w, false, true);
    if (b !== undefined) kernels().addRows(out.data, b.data, out.shape[0], out.shape[1]);
    return out;
  },
  backward: (gy, node) => {
    const [x, w] = node.inputs;
    return [
      node.needsGrad(0) ? product(gy, w, false, false) : null,
      node.needsGrad(1) ? product(gy, x, true, false) : null,
      ...(node.inputs.length > 2 ? [node.needsGrad(2) ? sum(gy, 0) : null] : []),
    ];
  },
});

/**
 * The fully connected map `x·wᵀ + b` with PyTorch's layout (`torch.nn.functional.linear`):
 * x `[N, in]`, w `[out, in]`, optional b `[out]` → `[N, out]`, as one tape node. All operands
 * share one floating dtype.
 *
 * @example
 * linear(zeros([32, 784]), zeros([100, 784]), zeros([100])).shape; // [32, 100]
 */
export function linear(x: Tensor, w: Tensor, b: Tensor | null = null): Tensor {
  checkTensor('linear', 'x', x);
  checkTensor('linear', 'w', w);
  if (b !== null) checkTensor('linear', 'b', b);
  const shapes = (): string =>
    `x is ${fmtShape(x.shape)}, w is ${fmtShape(w.shape)}${b ? `, b is ${fmtShape(b.shape)}` : ''}`;
  if (x.ndim !== 2 || w.ndim !== 2 || x.shape[1] !== w.shape[1]) {
    throw new ShapeError(`linear: x must be [N, in] and w [out, in] with the same in: ${shapes()}`);
  }
  if (b !== null && (b.ndim !== 1 || b.shape[0] !== w.shape[0])) {
    throw new ShapeError(`linear: b must be [out] = [${w.shape[0]}]: ${shapes()}`);
  }
  for (const [name, t] of [
    ['w', w],
    ['b', b],
  ] as const) {
    if (t !== null && t.dtype !== x.dtype) {
      throw new DTypeError(`linear: ${name} is ${t.dtype} but x is ${x.dtype}; cast one with astype (${shapes()})`);
    }
  }
  if (!isFloat(x.dtype)) throw new DTypeError(`linear: needs a floating dtype, got ${x.dtype} (${shapes()})`);
  return runOp(linearOp, b === null ? [x, w] : [x, w, b], undefined);
}
