/**
 * The argument records of the recurrent-cell kernels (KernelBackend.lstmCell, gruCell and their
 * backwards): one step of a batch of cells, after the products x·W_ihᵀ and h·W_hhᵀ, which the
 * ops run on the gemm. Rows are batch entries; gate blocks follow PyTorch's order within a row
 * (LSTM i, f, g, o; GRU r, z, n). Every operand is an array and the offset of its first element,
 * so a step can read and write its slice of a whole sequence's buffers in place. Records,
 * because the dispatch forwards at most 8 arguments.
 */
import type { TypedArray } from '../dtype';

/** One LSTM step: pre-activations xw + hw + b_ih + b_hh, then c' = f·c + i·g, h' = o·tanh(c'). */
export interface LstmCellArgs {
  /** x·W_ihᵀ, [batch, 4·hidden] from xwOff. */
  xw: TypedArray;
  xwOff: number;
  /** h·W_hhᵀ, [batch, 4·hidden] from 0. */
  hw: TypedArray;
  /** b_ih and b_hh, [4·hidden] each, or null (no bias). */
  bIh: TypedArray | null;
  bHh: TypedArray | null;
  /** The previous cell state c, [batch, hidden] from cOff. */
  c: TypedArray;
  cOff: number;
  batch: number;
  hidden: number;
  /** h', written [batch, hidden] from hOutOff. */
  hOut: TypedArray;
  hOutOff: number;
  /** c', written [batch, hidden] from cOutOff. */
  cOut: TypedArray;
  cOutOff: number;
  /** Saved for backward, [batch, 5·hidden] from actsOff: i, f, g, o (activated) and tanh(c') of each row. */
  acts: TypedArray;
  actsOff: number;
}

/** The adjoint of one LSTM step, from the saved activations. */
export interface LstmCellGradArgs {
  /** The gradients of h' and c', [batch, hidden] each from their offsets. */
  gh: TypedArray;
  ghOff: number;
  gc: TypedArray;
  gcOff: number;
  /**
   * Further gradients of h' and c' added to gh and gc (what the consumers of a sequence's states
   * sent), or null.
   */
  ghIn: TypedArray | null;
  ghInOff: number;
  gcIn: TypedArray | null;
  gcInOff: number;
  /** What the forward saved (see LstmCellArgs.acts). */
  acts: TypedArray;
  actsOff: number;
  /** The previous cell state, [batch, hidden] from cOff. */
  c: TypedArray;
  cOff: number;
  batch: number;
  hidden: number;
  /** The gradient of the pre-activations, written [batch, 4·hidden] from gGatesOff. */
  gGates: TypedArray;
  gGatesOff: number;
  /** The gradient of the previous cell state, written [batch, hidden] from gcPrevOff. */
  gcPrev: TypedArray;
  gcPrevOff: number;
}

/**
 * One GRU step (PyTorch's): r = σ(xw_r + b_ir + hw_r + b_hr), z likewise,
 * n = tanh(xw_n + b_in + r·(hw_n + b_hn)), h' = (1 − z)·n + z·h. Contiguous operands from 0.
 */
export interface GruCellArgs {
  /** x·W_ihᵀ, [batch, 3·hidden]. */
  xw: TypedArray;
  /** h·W_hhᵀ, [batch, 3·hidden]. */
  hw: TypedArray;
  bIh: TypedArray | null;
  bHh: TypedArray | null;
  /** The previous hidden state [batch, hidden]. */
  h: TypedArray;
  batch: number;
  hidden: number;
  /** h', [batch, hidden]. */
  out: TypedArray;
  /** Saved for backward, [batch, 4·hidden]: r, z, n and hw_n + b_hn of each row. */
  acts: TypedArray;
}

/** The adjoint of one GRU step. */
export interface GruCellGradArgs {
  /** The gradient of h', [batch, hidden]. */
  gOut: TypedArray;
  acts: TypedArray;
  /** The previous hidden state [batch, hidden]. */
  h: TypedArray;
  batch: number;
  hidden: number;
  /** The gradient of x·W_ihᵀ (+ b_ih), [batch, 3·hidden]. */
  gXw: TypedArray;
  /** The gradient of h·W_hhᵀ (+ b_hh), [batch, 3·hidden]. */
  gHw: TypedArray;
  /** The gradient of h through h' = … + z·h only (the products' share is added by the op). */
  gH: TypedArray;
}

/**
 * An LSTM layer over a whole sequence (KernelBackend.lstmSequence): every step's
 * x_t·W_ihᵀ + h_{t−1}·W_hhᵀ and {@link LstmCellArgs}' update, in one call. Contiguous operands
 * from 0.
 */
export interface LstmSequenceArgs {
  /** The input, [steps, batch, inSize]. */
  x: TypedArray;
  /** W_ih [4·hidden, inSize] and W_hh [4·hidden, hidden]. */
  wIh: TypedArray;
  wHh: TypedArray;
  bIh: TypedArray | null;
  bHh: TypedArray | null;
  steps: number;
  batch: number;
  inSize: number;
  hidden: number;
  /**
   * Every state, [2, steps + 1, batch, hidden]: h_0 … h_T, then c_0 … c_T. The initial state
   * (t = 0) is read; the rest is written.
   */
  out: TypedArray;
  /** Saved for backward, [steps, batch, 5·hidden]: every step's LstmCellArgs.acts. */
  acts: TypedArray;
  /**
   * When not null, written [steps, batch, inSize + hidden]: every step's rows [x_t, h_{t−1}],
   * whose product with the pre-activations' gradient is the gradient of [W_ih, W_hh].
   */
  xh: TypedArray | null;
}

/** The adjoint of {@link LstmSequenceArgs}'s call, from what it wrote. */
export interface LstmSequenceGradArgs {
  /** The gradient of `out`, [2, steps + 1, batch, hidden]. */
  gy: TypedArray;
  acts: TypedArray;
  out: TypedArray;
  wIh: TypedArray;
  wHh: TypedArray;
  steps: number;
  batch: number;
  inSize: number;
  hidden: number;
  /** The gradient of every step's pre-activations, written [steps, batch, 4·hidden]. */
  gGates: TypedArray;
  /** The gradient of x, written [steps, batch, inSize], or null (not wanted). */
  gX: TypedArray | null;
  /** The gradient of the initial state, written [2, batch, hidden], or null (not wanted). */
  gState0: TypedArray | null;
}
