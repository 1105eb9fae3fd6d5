import { noGrad } from '../autograd/grad-mode';
import { checkTensor } from '../check';
import { defineOp, runOp } from '../autograd/op';
import { empty } from '../creation';
import { kernels } from '../kernels';
import { broadcastShapes } from '../shape';
import type { Tensor } from '../tensor';
import { broadcastTo, prepareBinary } from './broadcast';
import { mul } from './mul';
import type { TensorLike } from './util';

/** where's backward routes gy through the mask: gy·c to `a`, gy·(1−c) to `b` (c constant). */
const whereOp = defineOp<{ mask: Tensor }>({
  name: 'where',
  forward: ([a, b], { mask }) => {
    const out = empty(a.shape, a.dtype);
    kernels().where(mask.data, a.data, b.data, out.data);
    return out;
  },
  backward: (gy, node) => {
    const { mask } = node.attrs;
    const inv = empty(mask.shape, mask.dtype);
    for (let i = 0; i < inv.size; i++) inv.data[i] = 1 - mask.data[i];
    return [node.needsGrad(0) ? mul(gy, mask) : null, node.needsGrad(1) ? mul(gy, inv) : null];
  },
});

/**
 * Picks `a` where `cond` is non-zero and `b` elsewhere, broadcasting all three.
 *
 * @example
 * where(tensor([1, 0]), tensor([1, 2]), tensor([10, 20])); // [1, 20]
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor('where', 'cond', cond);
  let [x, y] = prepareBinary('where', a, b);
  const shape = broadcastShapes('where', cond.shape, x.shape);
  x = broadcastTo(x, shape);
  y = broadcastTo(y, shape);
  const mask = noGrad(() => {
    // Tested in cond's own dtype: a cast first would turn a tiny float64 (1e-50) into 0.
    const m = broadcastTo(cond, shape).data;
    const out = empty(shape, x.dtype);
    for (let i = 0; i < out.size; i++) out.data[i] = m[i] !== 0 ? 1 : 0;
    return out;
  });
  return runOp(whereOp, [x, y], { mask });
}
