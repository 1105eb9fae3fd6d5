import { isGradEnabled } from '../autograd/grad-mode';
import { defineOp, runOp } from '../autograd/op';
import { checkTensor } from '../check';
import { empty } from '../creation';
import { ShapeError, fmtShape } from '../errors';
import { kernels } from '../kernels';
import type { Tensor } from '../tensor';
import { biasGrads, checkCellOperands, gemmNew, pooled, recycle, scratch } from './cell-util';
import { stack } from './concat';
import { lstmCellComposite } from './lstm-cell';
import { gemmInto } from './matmul';
import { gradsByRecomputing } from './recompute';
import { reshape } from './reshape';
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
 * The whole sequence in one node. Forward: per step x_t·W_ihᵀ and h·W_hhᵀ on the gemm and one
 * gate kernel writing h_t and c_t into the states buffer [2, T+1, B, H] (h_0 … h_T, then c_0 …
 * c_T). Backward: per step (last first) the gate kernel's adjoint and dh_{t−1} = dG_t·W_hh; then
 * dX = dG·W_ih, dW_ih = dGᵀ·X and dW_hh = dGᵀ·[h_0 … h_{T−1}] as one product each over all steps
 * (rows T·B), and the biases' column sums.
 */
const lstmSequenceOp = defineOp<void>({
  name: 'lstmSequence',
  forward: ([x, state0, wIh, wHh, bIh, bHh], _attrs, save) => {
    const [steps, batch, inSize] = x.shape;
    const hidden = wHh.shape[1];
    const g = 4 * hidden;
    const bh = batch * hidden;
    const cBase = (steps + 1) * bh;
    // x_t·W_ihᵀ step by step into one [B, 4H] buffer that stays in cache for the gate kernel: as
    // one product over all steps its T·B·4H floats went out to memory and back (a figure-F step
    // spent 0.6 ms on the product where the arithmetic takes ~0.15).
    const xw = scratch('lstm.xw', x, batch * g);
    const hw = scratch('lstm.hw', x, batch * g);
    const out = empty([2, steps + 1, batch, hidden], x.dtype);
    out.data.set(state0.data.subarray(0, bh), 0);
    out.data.set(state0.data.subarray(bh, 2 * bh), cBase);
    const acts = pooled(x, [steps, batch, 5 * hidden]);
    const kern = kernels();
    for (let t = 0; t < steps; t++) {
      gemmInto(x.data, t * batch * inSize, wIh.data, xw, 0, batch, g, inSize, false, true);
      gemmInto(out.data, t * bh, wHh.data, hw, 0, batch, g, hidden, false, true);
      kern.lstmCell({
        xw,
        xwOff: 0,
        hw,
        bIh: bIh?.data ?? null,
        bHh: bHh?.data ?? null,
        c: out.data,
        cOff: cBase + t * bh,
        batch,
        hidden,
        hOut: out.data,
        hOutOff: (t + 1) * bh,
        cOut: out.data,
        cOutOff: cBase + (t + 1) * bh,
        acts: acts.data,
        actsOff: t * batch * 5 * hidden,
      });
    }
    save(acts, out);
    return out;
  },
  // The activations are the op's own: reused by the next call once the engine frees the node.
  released: (node) => recycle(node.saved![0]),
  backward: (gy, node) => {
    if (isGradEnabled()) return gradsByRecomputing(node, gy, lstmSequenceComposite);
    const [x, , wIh, wHh] = node.inputs;
    const [acts, out] = node.saved!;
    const [steps, batch, inSize] = x.shape;
    const hidden = wHh.shape[1];
    const g = 4 * hidden;
    const bh = batch * hidden;
    const cBase = (steps + 1) * bh;
    const kern = kernels();
    const dG = scratch('lstm.dG', x, steps * batch * g);
    // The gradient of the state after step t that flows back through the recurrence (h, then c):
    // what reaches the initial state at the end. The kernel adds what the consumers of each state
    // sent (gy), and writes dc_{t−1} in place of dc_t.
    const carry = empty([2, batch, hidden], x.dtype);
    const ch = carry.data.subarray(0, bh);
    const cc = carry.data.subarray(bh);
    for (let t = steps - 1; t >= 0; t--) {
      kern.lstmCellBackward({
        gh: ch,
        ghOff: 0,
        gc: cc,
        gcOff: 0,
        ghIn: gy.data,
        ghInOff: (t + 1) * bh,
        gcIn: gy.data,
        gcInOff: cBase + (t + 1) * bh,
        acts: acts.data,
        actsOff: t * batch * 5 * hidden,
        c: out.data,
        cOff: cBase + t * bh,
        batch,
        hidden,
        gGates: dG,
        gGatesOff: t * batch * g,
        gcPrev: cc,
        gcPrevOff: 0,
      });
      gemmInto(dG, t * batch * g, wHh.data, ch, 0, batch, hidden, g, false, false);
    }
    // The initial state's own share of gy (it is the output's first state too).
    kern.binary('add', ch, gy.data.subarray(0, bh), ch);
    kern.binary('add', cc, gy.data.subarray(cBase, cBase + bh), cc);
    const rows = steps * batch;
    return [
      node.needsGrad(0) ? reshape(gemmNew(x, dG, 0, wIh.data, rows, inSize, g, false, false), x.shape) : null,
      node.needsGrad(1) ? carry : null,
      node.needsGrad(2) ? gemmNew(x, dG, 0, x.data, g, inSize, rows, true, false) : null,
      node.needsGrad(3) ? gemmNew(x, dG, 0, out.data, g, hidden, rows, true, false) : null,
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
