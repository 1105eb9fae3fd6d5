import { isGradEnabled } from '../autograd/grad-mode';
import { defineOp, runOp } from '../autograd/op';
import { checkTensor } from '../check';
import { empty } from '../creation';
import { ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import type { Tensor } from '../tensor';
import { biasGrads, checkCellOperands, pooled, recycle, scratch } from './cell-util';
import { gemmInto } from './matmul';
import { stack } from './concat';
import { lstmCellComposite } from './lstm-cell';
import { gradsByRecomputing } from './recompute';
import { slice } from './slice';

/** The LSTM over a sequence in tensor ops: the fused op's definition and its rule under createGraph. */
function lstmSequenceComposite(
  x: Tensor,
  state0: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh?: Tensor,
  bHh?: Tensor,
): Tensor {
  const states = [state0];
  for (let t = 0; t < x.shape[0]; t++) {
    states.push(lstmCellComposite(slice(x, [t]), states[t], wIh, wHh, bIh, bHh));
  }
  return stack([stack(states.map((s) => slice(s, [0]))), stack(states.map((s) => slice(s, [1])))]);
}

/**
 * The whole sequence in one node. Forward: the lstmSequence kernel writes every state into the
 * buffer [2, T+1, B, H] (h_0 … h_T, then c_0 … c_T) and the activations. Backward: the
 * lstmSequenceBackward kernel gives the pre-activations' gradient dG of every step, dX and the
 * initial state's gradient; then [dW_ih, dW_hh] = dGᵀ·[X, H] as one product over all steps (rows
 * T·B; the forward kept the rows [x_t, h_{t−1}]), and the biases' column sums.
 */
const lstmSequenceOp = defineOp<void>({
  name: 'lstmSequence',
  forward: ([x, state0, wIh, wHh, bIh, bHh], _attrs, save) => {
    const [steps, batch, inSize] = x.shape;
    const hidden = wHh.shape[1];
    const bh = batch * hidden;
    const out = empty([2, steps + 1, batch, hidden], x.dtype);
    out.data.set(state0.data.subarray(0, bh), 0);
    out.data.set(state0.data.subarray(bh, 2 * bh), (steps + 1) * bh);
    const acts = pooled(x, [steps, batch, 5 * hidden]);
    const xh = pooled(x, [steps, batch, inSize + hidden]);
    kernels().lstmSequence({
      x: x.data,
      wIh: wIh.data,
      wHh: wHh.data,
      bIh: bIh?.data ?? null,
      bHh: bHh?.data ?? null,
      steps,
      batch,
      inSize,
      hidden,
      out: out.data,
      acts: acts.data,
      xh: xh.data,
    });
    save(acts, out, xh);
    return out;
  },
  // The activations and rows are the op's own: reused by the next call once the engine frees the node.
  released: (node) => {
    recycle(node.saved![0]);
    recycle(node.saved![2]);
  },
  backward: (gy, node) => {
    if (isGradEnabled()) return gradsByRecomputing(node, gy, lstmSequenceComposite);
    const [x, , wIh, wHh] = node.inputs;
    const [acts, out, xh] = node.saved!;
    const [steps, batch, inSize] = x.shape;
    const hidden = wHh.shape[1];
    const g = 4 * hidden;
    const dG = scratch('lstm.dG', x, steps * batch * g);
    const gx = node.needsGrad(0) ? empty(x.shape, x.dtype) : null;
    const gState0 = node.needsGrad(1) ? empty([2, batch, hidden], x.dtype) : null;
    kernels().lstmSequenceBackward({
      gy: gy.data,
      acts: acts.data,
      out: out.data,
      wIh: wIh.data,
      wHh: wHh.data,
      steps,
      batch,
      inSize,
      hidden,
      gGates: dG,
      gX: gx?.data ?? null,
      gState0: gState0?.data ?? null,
    });
    const rows = steps * batch;
    // [dW_ih, dW_hh] = dGᵀ·[X, H] as one product (X alone has a dozen columns, too few to fill the
    // gemm's tiles), then its two column blocks.
    const [wantIh, wantHh] = [node.needsGrad(2), node.needsGrad(3)];
    const k = inSize + hidden;
    const dW = scratch('lstm.dW', x, g * k);
    if (wantIh || wantHh) gemmInto(dG, 0, xh.data, dW, 0, g, k, rows, true, false);
    const block = (from: number, cols: number, w: Tensor): Tensor => {
      const t = empty(w.shape, x.dtype);
      kernels().copyBlocks(dW, from, k, t.data, 0, cols, g, cols);
      return t;
    };
    return [
      gx,
      gState0,
      wantIh ? block(0, inSize, wIh) : null,
      wantHh ? block(inSize, hidden, wHh) : null,
      ...(node.inputs.length > 4 ? biasGrads(node, x, dG, rows, g) : []),
    ];
  },
});

/**
 * An LSTM over a whole sequence in one tape node (the loop of {@link lstmCell}): x `[T, B, in]`
 * (time first), the initial state `[2, B, H]` (h_0, c_0), w_ih `[4H, in]`, w_hh `[4H, H]`,
 * optional biases `[4H]` → every state, `[2, T+1, B, H]`: `[0, t]` is h_t and `[1, t]` is c_t
 * (t = 0 the initial state). Backward computes the weights' gradients as one product each over
 * all steps. Its rule under createGraph is the
 * composite's, so gradients of any order hold.
 *
 * @example
 * const states = lstmSequence(x, zeros([2, 8, 32]), wIh, wHh, bIh, bHh); // x [T, 8, in]
 * const hs = states.slice(0, [1, null]); // h_1 … h_T: [T, 8, 32]
 */
export function lstmSequence(
  x: Tensor,
  state0: Tensor,
  wIh: Tensor,
  wHh: Tensor,
  bIh: Tensor | null = null,
  bHh: Tensor | null = null,
): Tensor {
  const [batch, hidden] = checkCellOperands('lstmSequence', 4, x, wIh, wHh, bIh, bHh, 3);
  checkTensor('lstmSequence', 'state0', state0, { dtype: x.dtype });
  if (state0.ndim !== 3 || state0.shape[0] !== 2 || state0.shape[1] !== batch || state0.shape[2] !== hidden) {
    throw new ShapeError(
      `lstmSequence: state0 must be [2, B, H] = [2,${batch},${hidden}] (h and c for x ${fmtShape(x.shape)}), got ${fmtShape(state0.shape)}`,
    );
  }
  return runOp(lstmSequenceOp, bIh === null ? [x, state0, wIh, wHh] : [x, state0, wIh, wHh, bIh, bHh!], undefined);
}

export { lstmSequenceComposite };
