import {
  type Tensor,
  ValueError,
  add,
  describe,
  concat,
  gruCell,
  linear,
  lstmSequence,
  relu,
  slice,
  stack,
  tanh,
  zeros,
} from '@tapegrad/core';
import { RecurrentBase, type RecurrentLayerOptions } from './recurrent-base';
import { checkNonlinearity } from './recurrent-params';

/**
 * A multi-layer Elman RNN (PyTorch's `nn.RNN`): h_t = act(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh),
 * act tanh (default) or relu. `forward(x, h0?)` → `[output, hN]`: output `[T, B, D·H]` (`[B, T,
 * D·H]` with batchFirst), hN `[numLayers·D, B, H]`. Parameters `weight_ih_l0` … as PyTorch's.
 *
 * @example
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const [out, hN] = rnn.forward(x); // x [T, B, 10] → out [T, B, 20], hN [2, B, 20]
 */
export class RNN extends RecurrentBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(
    inputSize: number,
    hiddenSize: number,
    options: RecurrentLayerOptions & { nonlinearity?: 'tanh' | 'relu' } = {},
  ) {
    super('RNN', 'RNN', inputSize, hiddenSize, options, ['nonlinearity']);
    this.nonlinearity = checkNonlinearity('RNN', options.nonlinearity);
  }

  /** x `[T, B, in]` (or `[B, T, in]`, or `[T, in]`), h0 `[L·D, B, H]` (default zeros) → [output, hN]. */
  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const seq = this.sequence(x);
    const states0 = this.initial('h0', h0, x, seq) ?? this.zeroStates(seq.batch, x);
    const act = this.nonlinearity === 'tanh' ? tanh : relu;
    const { output, finals } = this.unroll(
      seq,
      states0,
      (xt, h, p) => act(add(linear(xt, p.wIh, p.bIh), linear(h, p.wHh, p.bHh))),
      (h) => h,
    );
    return [output, this.stackFinal(finals, seq.unbatched)];
  }

  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'relu' ? ', nonlinearity=relu' : ''}`;
  }
}

/**
 * A multi-layer GRU (PyTorch's `nn.GRU`, gates r, z, n), one fused tape node per cell and step
 * (see `gruCell` in @tapegrad/core). `forward(x, h0?)` → `[output, hN]` with RNN's shapes.
 * Parameters `weight_ih_l0` `[3H, in]`, `weight_hh_l0` `[3H, H]`, `bias_ih_l0`, `bias_hh_l0` `[3H]`.
 *
 * @example
 * const gru = new GRU(16, 64, { batchFirst: true });
 * const [out, hN] = gru.forward(x); // x [B, T, 16] → out [B, T, 64], hN [1, B, 64]
 */
export class GRU extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super('GRU', 'GRU', inputSize, hiddenSize, options);
  }

  /** x `[T, B, in]` (or `[B, T, in]`, or `[T, in]`), h0 `[L·D, B, H]` (default zeros) → [output, hN]. */
  forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const seq = this.sequence(x);
    const states0 = this.initial('h0', h0, x, seq) ?? this.zeroStates(seq.batch, x);
    const { output, finals } = this.unroll(
      seq,
      states0,
      (xt, h, p) => gruCell(xt, h, p.wIh, p.wHh, p.bIh, p.bHh),
      (h) => h,
    );
    return [output, this.stackFinal(finals, seq.unbatched)];
  }
}

/**
 * A multi-layer LSTM (PyTorch's `nn.LSTM`, gates i, f, g, o), one tape node per layer and
 * direction for the whole sequence (see `lstmSequence` in @tapegrad/core). `forward(x, [h0, c0]?)` → `[output, [hN, cN]]`:
 * output `[T, B, D·H]` (`[B, T, D·H]` with batchFirst), hN and cN `[numLayers·D, B, H]`.
 * Parameters `weight_ih_l0` `[4H, in]`, `weight_hh_l0` `[4H, H]`, `bias_ih_l0`, `bias_hh_l0`
 * `[4H]` (and `_reverse`), so state dicts load into PyTorch one-to-one.
 *
 * @example
 * const lstm = new LSTM(16, 128, { batchFirst: true });
 * const [out, [hN, cN]] = lstm.forward(x); // x [B, T, 16] → out [B, T, 128]
 */
export class LSTM extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentLayerOptions = {}) {
    super('LSTM', 'LSTM', inputSize, hiddenSize, options);
  }

  /**
   * x `[T, B, in]` (or `[B, T, in]`, or `[T, in]`), [h0, c0] `[L·D, B, H]` each (default zeros;
   * either may be null). One `lstmSequence` node per layer and direction.
   */
  forward(x: Tensor, state?: readonly [Tensor | null, Tensor | null] | null): [Tensor, [Tensor, Tensor]] {
    const info = this.checkInput(x);
    // A lone tensor (lstm.forward(x, h0)) would otherwise be read as no state at all.
    if (state !== null && state !== undefined && (!Array.isArray(state) || state.length !== 2)) {
      throw new ValueError(`LSTM.forward: state must be [h0, c0] (either may be null), got ${describe(state)}`);
    }
    const seq = { ...info, steps: [] };
    const h0 = this.initial('h0', state?.[0], x, seq);
    const c0 = this.initial('c0', state?.[1], x, seq);
    const [b, h] = [info.batch, this.hiddenSize];
    const zero = () => zeros([b, h], { dtype: x.dtype });
    const T = info.steps;
    let input = this.timeMajor(x, info.unbatched);
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < this.directions; d++) {
        const k = l * this.directions + d;
        const p = this.cell(l, d);
        // A state packs h and c as [2, B, H]; a missing half is zeros.
        const s0 =
          h0 === null && c0 === null
            ? zeros([2, b, h], { dtype: x.dtype })
            : stack([h0?.[k].reshape([b, h]) ?? zero(), c0?.[k].reshape([b, h]) ?? zero()], 0);
        // The reverse direction reads the sequence backwards and gives its outputs back in time order.
        const xin = d === 0 ? input : slice(input, [[null, null, -1]]);
        const states = lstmSequence(xin, s0, p.wIh, p.wHh, p.bIh, p.bHh);
        const y = slice(states, [0, [1, null]]);
        outs.push(d === 0 ? y : slice(y, [[null, null, -1]]));
        hs.push(slice(states, [0, T]));
        cs.push(slice(states, [1, T]));
      }
      input = this.betweenLayers(this.directions === 1 ? outs[0] : concat(outs, 2), l);
    }
    return [
      this.inputLayout(input, info.unbatched),
      [this.stackFinal(hs, info.unbatched), this.stackFinal(cs, info.unbatched)],
    ];
  }
}
