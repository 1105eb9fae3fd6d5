import type { TypedArray } from '../../dtype';
import type { GemmArgs, KernelBackend } from '../backend';

/** What the sequence loops use of a backend: its products and one-step cell kernels. */
type StepKernels = Pick<KernelBackend, 'gemm' | 'lstmCell' | 'lstmCellBackward'>;

const like = (a: TypedArray, n: number): TypedArray => new (a.constructor as new (n: number) => TypedArray)(n);

/**
 * The LSTM sequence kernels as loops over one backend's step kernels (`be`): per step
 * x_t·W_ihᵀ and h_{t−1}·W_hhᵀ on be.gemm, then be.lstmCell; backward per step (last first)
 * be.lstmCellBackward and dh_{t−1} = dG_t·W_hh, then dX = dG·W_ih as one product over all
 * steps. The reference, and every backend's version where no fused kernel takes the call.
 *
 * @example
 * const { lstmSequence } = lstmSequenceLoops(jsSteps); lstmSequence(args);
 */
export function lstmSequenceLoops(be: StepKernels): Pick<KernelBackend, 'lstmSequence' | 'lstmSequenceBackward'> {
  const gemm = (
    a: TypedArray,
    aOff: number,
    b: TypedArray,
    c: TypedArray,
    cOff: number,
    m: number,
    n: number,
    k: number,
    transB: boolean,
  ): void => {
    const g: GemmArgs = { a, aOff, b, bOff: 0, c, cOff, m, n, k, transA: false, transB };
    be.gemm(g);
  };
  return {
    lstmSequence: ({ x, wIh, wHh, bIh, bHh, steps, batch, inSize, hidden, out, acts, xh }) => {
      const g = 4 * hidden;
      const bh = batch * hidden;
      const cBase = (steps + 1) * bh;
      const xw = like(x, batch * g);
      const hw = like(x, batch * g);
      for (let t = 0; t < steps; t++) {
        gemm(x, t * batch * inSize, wIh, xw, 0, batch, g, inSize, true);
        gemm(out, t * bh, wHh, hw, 0, batch, g, hidden, true);
        be.lstmCell({
          xw,
          xwOff: 0,
          hw,
          bIh,
          bHh,
          c: out,
          cOff: cBase + t * bh,
          batch,
          hidden,
          hOut: out,
          hOutOff: (t + 1) * bh,
          cOut: out,
          cOutOff: cBase + (t + 1) * bh,
          acts,
          actsOff: t * batch * 5 * hidden,
        });
      }
      if (xh) {
        const k = inSize + hidden;
        for (let r = 0; r < steps * batch; r++) {
          xh.set(x.subarray(r * inSize, (r + 1) * inSize), r * k);
          xh.set(out.subarray(r * hidden, (r + 1) * hidden), r * k + inSize);
        }
      }
    },
    lstmSequenceBackward: ({ gy, acts, out, wIh, wHh, steps, batch, inSize, hidden, gGates, gX, gState0 }) => {
      const g = 4 * hidden;
      const bh = batch * hidden;
      const cBase = (steps + 1) * bh;
      // The gradient of the state after step t flowing back through the recurrence (h, then c):
      // the kernel adds what the consumers of each state sent (gy) and writes dc_{t−1} over dc_t.
      const carry = gState0 ?? like(gy, 2 * bh);
      carry.fill(0);
      const ch = carry.subarray(0, bh);
      const cc = carry.subarray(bh, 2 * bh);
      for (let t = steps - 1; t >= 0; t--) {
        be.lstmCellBackward({
          gh: ch,
          ghOff: 0,
          gc: cc,
          gcOff: 0,
          ghIn: gy,
          ghInOff: (t + 1) * bh,
          gcIn: gy,
          gcInOff: cBase + (t + 1) * bh,
          acts,
          actsOff: t * batch * 5 * hidden,
          c: out,
          cOff: cBase + t * bh,
          batch,
          hidden,
          gGates,
          gGatesOff: t * batch * g,
          gcPrev: cc,
          gcPrevOff: 0,
        });
        if (t > 0 || gState0) gemm(gGates, t * batch * g, wHh, ch, 0, batch, hidden, g, false);
      }
      // The initial state's own share of gy (it is the output's first state too).
      for (let i = 0; i < bh; i++) {
        ch[i] += gy[i];
        cc[i] += gy[cBase + i];
      }
      if (gX) gemm(gGates, 0, wIh, gX, 0, steps * batch, inSize, g, false);
    },
  };
}
