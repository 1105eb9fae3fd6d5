/**
 * The argument records of the recurrent-cell kernels (KernelBackend.lstmCell, gruCell and their
 * backwards): one step of a batch of cells, after the products x·W_ihᵀ and h·W_hhᵀ, which the
 * ops run on the gemm. Rows are batch entries; gate blocks follow PyTorch's order within a row
 * (LSTM i, f, g, o; GRU r, z, n). Records, because the dispatch forwards at most 8 arguments.
 */
import type { TypedArray } from '../dtype';

/** One LSTM step: pre-activations xw + hw + b_ih + b_hh, then c' = f·c + i·g, h' = o·tanh(c'). */
export interface LstmCellArgs {
  /** x·W_ihᵀ, [batch, 4·hidden]. */
  xw: TypedArray;
  /** h·W_hhᵀ, [batch, 4·hidden]. */
  hw: TypedArray;
  /** b_ih and b_hh, [4·hidden] each, or null (no bias). */
  bIh: TypedArray | null;
  bHh: TypedArray | null;
  /** The previous state [2, batch, hidden]: h, then c (read from batch·hidden on). */
  state: TypedArray;
  batch: number;
  hidden: number;
  /** The new state [2, batch, hidden]: h', then c'. */
  out: TypedArray;
  /** Saved for backward, [batch, 5·hidden]: i, f, g, o (activated) and tanh(c') of each row. */
  acts: TypedArray;
}

/** The adjoint of one LSTM step, from the saved activations. */
export interface LstmCellGradArgs {
  /** The gradient of the new state, [2, batch, hidden]. */
  gOut: TypedArray;
  /** What the forward saved (see LstmCellArgs.acts). */
  acts: TypedArray;
  /** The previous state [2, batch, hidden] (its c half is read). */
  state: TypedArray;
  batch: number;
  hidden: number;
  /** The gradient of the pre-activations, [batch, 4·hidden]. */
  gGates: TypedArray;
  /** The gradient of the previous state: its c half (from batch·hidden on) is written, the h half left alone. */
  gState: TypedArray;
}

/**
 * One GRU step (PyTorch's): r = σ(xw_r + b_ir + hw_r + b_hr), z likewise,
 * n = tanh(xw_n + b_in + r·(hw_n + b_hn)), h' = (1 − z)·n + z·h.
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
