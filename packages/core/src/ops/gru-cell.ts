import { isGradEnabled } from '../autograd/grad-mode';
import { defineOp, runOp } from '../autograd/op';
import { checkTensor } from '../check';
import { empty } from '../creation';
import { ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import type { Tensor } from '../tensor';
import { add } from './add';
import { checkCellOperands, columnSums, gemmInto, gemmNew, scratch } from './cell-util';
import { linear } from './linear';
import { mul } from './mul';
import { gradsByRecomputing } from './recompute';
import { sigmoid } from './sigmoid';
import { chunk } from './split';
import { sub } from './sub';
import { tanh } from './tanh';

/** One GRU step in tensor ops: the fused op's definition and its rule under createGraph. */
function gruCellComposite(x: Tensor, h: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor, bHh?: Tensor): Tensor {
  const [xr, xz, xn] = chunk(linear(x, wIh, bIh ?? null), 3, 1);
  const [hr, hz, hn] = chunk(linear(h, wHh, bHh ?? null), 3, 1);
  const r = sigmoid(add(xr, hr));
  const z = sigmoid(add(xz, hz));
  const n = tanh(add(xn, mul(r, hn)));
  return add(n, mul(z, sub(h, n)));
}

/**
 * The fused step: x·W_ihᵀ and h·W_hhᵀ on the gemm, one kernel for the gates and the update.
 * Backward: one kernel for the gates' adjoint, the products' adjoints on the gemm.
 */
const gruCellOp = defineOp<void>({
  name: 'gruCell',
  forward: ([x, h, wIh, wHh, bIh, bHh], _attrs, save) => {
    const [batch, inSize] = x.shape;
    const hidden = wHh.shape[1];
    const g = 3 * hidden;
    const xw = scratch('cell.xw', x, batch * g);
    const hw = scratch('cell.hw', x, batch * g);
    gemmInto(x.data, 0, wIh.data, xw, 0, batch, g, inSize, false, true);
    gemmInto(h.data, 0, wHh.data, hw, 0, batch, g, hidden, false, true);
    const out = empty([batch, hidden], x.dtype);
    const acts = empty([batch, 4 * hidden], x.dtype);
    kernels().gruCell({
      xw,
      hw,
      bIh: bIh?.data ?? null,
      bHh: bHh?.data ?? null,
      h: h.data,
      batch,
      hidden,
      out: out.data,
      acts: acts.data,
    });
    save(acts);
    return out;
  },
  backward: (gy, node) => {
    if (isGradEnabled()) return gradsByRecomputing(node, gy, gruCellComposite);
    const [x, h, wIh, wHh] = node.inputs;
    const [batch, inSize] = x.shape;
    const hidden = wHh.shape[1];
    const g = 3 * hidden;
    const gXw = scratch('cell.gXw', x, batch * g);
    const gHw = scratch('cell.gHw', x, batch * g);
    const gH = empty([batch, hidden], x.dtype);
    kernels().gruCellBackward({
      gOut: gy.data,
      acts: node.saved![0].data,
      h: h.data,
      batch,
      hidden,
      gXw,
      gHw,
      gH: gH.data,
    });
    let gh: Tensor | null = null;
    if (node.needsGrad(1)) {
      gh = gemmNew(x, gHw, 0, wHh.data, batch, hidden, g, false, false);
      kernels().binary('add', gh.data, gH.data, gh.data);
    }
    const biased = node.inputs.length > 4;
    return [
      node.needsGrad(0) ? gemmNew(x, gXw, 0, wIh.data, batch, inSize, g, false, false) : null,
      gh,
      node.needsGrad(2) ? gemmNew(x, gXw, 0, x.data, g, inSize, batch, true, false) : null,
      node.needsGrad(3) ? gemmNew(x, gHw, 0, h.data, g, hidden, batch, true, false) : null,
      ...(biased
        ? [
            node.needsGrad(4) ? columnSums(x, gXw, batch, g) : null,
            node.needsGrad(5) ? columnSums(x, gHw, batch, g) : null,
          ]
        : []),
    ];
  },
});

/**
 * One GRU step for a batch (PyTorch's `torch.gru_cell`, gates r, z, n): x `[B, in]`, h `[B, H]`,
 * w_ih `[3H, in]`, w_hh `[3H, H]`, optional biases `[3H]` — h' `[B, H]`:
 * r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r·h_n), h' = (1 − z)·n + z·h, where
 * x_· = x·w_ihᵀ + b_ih and h_· = h·w_hhᵀ + b_hh. One tape node; gradients of any order hold.
 *
 * @example
 * const h1 = gruCell(x, zeros([8, 32]), wIh, wHh, bIh, bHh); // x [8, in], wIh [96, in]
 */
export function gruCell(
  x: Tensor,
  h: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh: Tensor | null = null,
  bHh: Tensor | null = null,
): Tensor {
  const [batch, hidden] = checkCellOperands('gruCell', 3, x, wIh, wHh, bIh, bHh);
  checkTensor('gruCell', 'h', h, { dtype: x.dtype });
  if (h.ndim !== 2 || h.shape[0] !== batch || h.shape[1] !== hidden) {
    throw new ShapeError(
      `gruCell: h must be [B, H] = [${batch},${hidden}] for x ${fmtShape(x.shape)}, got ${fmtShape(h.shape)}`,
    );
  }
  return runOp(gruCellOp, bIh === null ? [x, h, wIh, wHh] : [x, h, wIh, wHh, bIh, bHh!], undefined);
}

export { gruCellComposite };
