import { isGradEnabled } from '../autograd/grad-mode';
import { defineOp, runOp } from '../autograd/op';
import { checkTensor } from '../check';
import { empty } from '../creation';
import { ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import type { Tensor } from '../tensor';
import { add } from './add';
import { biasGrads, checkCellOperands, gemmNew, scratch } from './cell-util';
import { stack } from './concat';
import { linear } from './linear';
import { gemmInto } from './matmul';
import { mul } from './mul';
import { gradsByRecomputing } from './recompute';
import { sigmoid } from './sigmoid';
import { slice } from './slice';
import { chunk } from './split';
import { tanh } from './tanh';

/**
 * One LSTM step in tensor ops: the definition the fused op computes, and the rule it is
 * differentiated by under createGraph. `state` packs h and c as [2, B, H].
 */
function lstmCellComposite(x: Tensor, state: Tensor, wIh: Tensor, wHh: Tensor, bIh?: Tensor, bHh?: Tensor): Tensor {
  const gates = add(linear(x, wIh, bIh ?? null), linear(slice(state, [0]), wHh, bHh ?? null));
  const [i, f, g, o] = chunk(gates, 4, 1);
  const c = add(mul(sigmoid(f), slice(state, [1])), mul(sigmoid(i), tanh(g)));
  return stack([mul(sigmoid(o), tanh(c)), c], 0);
}

/**
 * The fused step: two products on the gemm (x·W_ihᵀ and h·W_hhᵀ, h read in place from the
 * packed state), then one kernel for the gates and the state update. Backward: one kernel for
 * the gates' adjoint, then the products' adjoints on the gemm (gh written straight into the h
 * half of the state's gradient, whose c half the kernel wrote). Under createGraph the rule is
 * the composite's, so higher derivatives hold.
 */
const lstmCellOp = defineOp<void>({
  name: 'lstmCell',
  forward: ([x, state, wIh, wHh, bIh, bHh], _attrs, save) => {
    const [batch, inSize] = x.shape;
    const hidden = wHh.shape[1];
    const g = 4 * hidden;
    const xw = scratch('cell.xw', x, batch * g);
    const hw = scratch('cell.hw', x, batch * g);
    gemmInto(x.data, 0, wIh.data, xw, 0, batch, g, inSize, false, true);
    gemmInto(state.data, 0, wHh.data, hw, 0, batch, g, hidden, false, true);
    const out = empty([2, batch, hidden], x.dtype);
    const acts = empty([batch, 5 * hidden], x.dtype);
    const bh = batch * hidden;
    kernels().lstmCell({
      xw,
      xwOff: 0,
      hw,
      bIh: bIh?.data ?? null,
      bHh: bHh?.data ?? null,
      c: state.data,
      cOff: bh,
      batch,
      hidden,
      hOut: out.data,
      hOutOff: 0,
      cOut: out.data,
      cOutOff: bh,
      acts: acts.data,
      actsOff: 0,
    });
    save(acts);
    return out;
  },
  backward: (gy, node) => {
    if (isGradEnabled()) return gradsByRecomputing(node, gy, lstmCellComposite);
    const [x, state, wIh, wHh] = node.inputs;
    const [batch, inSize] = x.shape;
    const hidden = wHh.shape[1];
    const g = 4 * hidden;
    const gGates = scratch('cell.gGates', x, batch * g);
    const gState = empty([2, batch, hidden], x.dtype);
    const bh = batch * hidden;
    kernels().lstmCellBackward({
      gh: gy.data,
      ghOff: 0,
      gc: gy.data,
      gcOff: bh,
      ghIn: null,
      ghInOff: 0,
      gcIn: null,
      gcInOff: 0,
      acts: node.saved![0].data,
      actsOff: 0,
      c: state.data,
      cOff: bh,
      batch,
      hidden,
      gGates,
      gGatesOff: 0,
      gcPrev: gState.data,
      gcPrevOff: bh,
    });
    gemmInto(gGates, 0, wHh.data, gState.data, 0, batch, hidden, g, false, false);
    const biased = node.inputs.length > 4;
    return [
      node.needsGrad(0) ? gemmNew(x, gGates, 0, wIh.data, batch, inSize, g, false, false) : null,
      node.needsGrad(1) ? gState : null,
      node.needsGrad(2) ? gemmNew(x, gGates, 0, x.data, g, inSize, batch, true, false) : null,
      node.needsGrad(3) ? gemmNew(x, gGates, 0, state.data, g, hidden, batch, true, false) : null,
      // Both biases get Σ_rows gGates, each its own tensor (a gradient buffer may become a .grad).
      ...(biased ? biasGrads(node, x, gGates, batch, g) : []),
    ];
  },
});

/**
 * One LSTM step for a batch (PyTorch's `torch.lstm_cell`, gates i, f, g, o): x `[B, in]`, the
 * state `[2, B, H]` packing h (state[0]) and c (state[1]), w_ih `[4H, in]`, w_hh `[4H, H]`,
 * optional biases `[4H]` — the new state `[2, B, H]`:
 * c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c') with (i, f, g, o) = x·w_ihᵀ + b_ih + h·w_hhᵀ + b_hh.
 * One tape node (two products and one fused gate kernel; float32 runs the gates in WASM SIMD);
 * its rule is the composite's, so gradients of any order hold.
 *
 * @example
 * const s1 = lstmCell(x, zeros([2, 8, 32]), wIh, wHh, bIh, bHh); // x [8, in], wIh [128, in]
 * const h1 = s1.slice(0); // [8, 32]
 */
export function lstmCell(
  x: Tensor,
  state: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh: Tensor | null = null,
  bHh: Tensor | null = null,
): Tensor {
  const [batch, hidden] = checkCellOperands('lstmCell', 4, x, wIh, wHh, bIh, bHh);
  checkTensor('lstmCell', 'state', state, { dtype: x.dtype });
  if (state.ndim !== 3 || state.shape[0] !== 2 || state.shape[1] !== batch || state.shape[2] !== hidden) {
    throw new ShapeError(
      `lstmCell: state must be [2, B, H] = [2,${batch},${hidden}] (h and c for x ${fmtShape(x.shape)}), got ${fmtShape(state.shape)}`,
    );
  }
  return runOp(lstmCellOp, bIh === null ? [x, state, wIh, wHh] : [x, state, wIh, wHh, bIh, bHh!], undefined);
}

export { lstmCellComposite };
