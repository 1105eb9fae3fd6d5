import {
  type Tensor,
  ShapeError,
  add,
  checkTensor,
  fmtShape,
  gruCell,
  linear,
  lstmCell,
  relu,
  slice,
  squeeze,
  stack,
  tanh,
  unsqueeze,
  zeros,
} from '@tapegrad/core';
import { Module } from '../module';
import type { Parameter } from '../parameter';
import {
  type CellKind,
  type RecurrentOptions,
  cellParams,
  checkInputDType,
  checkNonlinearity,
  checkRecurrentOptions,
} from './recurrent-params';

/**
 * What the three cells share: PyTorch's parameters `weight_ih` `[G·H, in]`, `weight_hh`
 * `[G·H, H]`, `bias_ih`, `bias_hh` `[G·H]`, initialised U(±1/√H), and the checks of x `[B, in]`
 * (or unbatched `[in]`) and of a state `[B, H]` (or `[H]`).
 */
abstract class CellBase extends Module {
  declare weight_ih: Parameter;
  declare weight_hh: Parameter;
  declare bias_ih: Parameter | null;
  declare bias_hh: Parameter | null;

  protected constructor(
    private readonly who: string,
    kind: CellKind,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentOptions & { nonlinearity?: 'tanh' | 'relu' },
    extra: readonly 'nonlinearity'[] = [],
  ) {
    super();
    const o = checkRecurrentOptions(who, inputSize, hiddenSize, options, extra);
    const p = cellParams(kind, inputSize, hiddenSize, o);
    this.registerParameter('weight_ih', p.wIh);
    this.registerParameter('weight_hh', p.wHh);
    this.registerParameter('bias_ih', p.bIh);
    this.registerParameter('bias_hh', p.bHh);
  }

  /** x as `[B, in]`, and whether it came unbatched. */
  protected batched(x: Tensor): [Tensor, boolean] {
    checkTensor(`${this.who}.forward`, 'x', x);
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        `${this.who}.forward: x must be [B, ${this.inputSize}] or unbatched [${this.inputSize}], got ${fmtShape(x.shape)}`,
      );
    }
    checkInputDType(`${this.who}.forward`, 'x', x, this.weight_ih.dtype);
    return x.ndim === 1 ? [unsqueeze(x, 0), true] : [x, false];
  }

  /** A given state as `[B, H]` (zeros when absent), checked against x. */
  protected state(name: string, s: Tensor | null | undefined, x: Tensor, unbatched: boolean): Tensor {
    const b = x.shape[0];
    const h = this.hiddenSize;
    if (s === null || s === undefined) return zeros([b, h], { dtype: x.dtype });
    checkTensor(`${this.who}.forward`, name, s);
    const want = unbatched ? [h] : [b, h];
    if (s.ndim !== want.length || s.shape.some((d, i) => d !== want[i])) {
      throw new ShapeError(
        `${this.who}.forward: ${name} must be ${fmtShape(want)} for x ${fmtShape(unbatched ? [x.shape[1]] : x.shape)}, got ${fmtShape(s.shape)}`,
      );
    }
    checkInputDType(`${this.who}.forward`, name, s, x.dtype);
    return unbatched ? unsqueeze(s, 0) : s;
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias_ih === null ? ', bias=false' : ''}`;
  }
}

/**
 * An Elman RNN cell (PyTorch's `nn.RNNCell`): h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh), act
 * tanh (default) or relu. Parameters `weight_ih` `[H, in]`, `weight_hh` `[H, H]`, `bias_ih`,
 * `bias_hh` `[H]`.
 *
 * @example
 * const cell = new RNNCell(10, 20);
 * let h = cell.forward(x); h = cell.forward(x2, h); // x [B, 10] → h [B, 20]
 */
export class RNNCell extends CellBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(
    inputSize: number,
    hiddenSize: number,
    options: RecurrentOptions & { nonlinearity?: 'tanh' | 'relu' } = {},
  ) {
    super('RNNCell', 'RNN', inputSize, hiddenSize, options, ['nonlinearity']);
    this.nonlinearity = checkNonlinearity('RNNCell', options.nonlinearity);
  }

  /** x `[B, in]` (or `[in]`), h `[B, H]` (default zeros) → h' `[B, H]`. */
  forward(x: Tensor, h?: Tensor | null): Tensor {
    const [xb, unbatched] = this.batched(x);
    const hb = this.state('h', h, xb, unbatched);
    const pre = add(linear(xb, this.weight_ih, this.bias_ih), linear(hb, this.weight_hh, this.bias_hh));
    const y = this.nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
    return unbatched ? squeeze(y, 0) : y;
  }

  override extraRepr(): string {
    return `${super.extraRepr()}${this.nonlinearity === 'relu' ? ', nonlinearity=relu' : ''}`;
  }
}

/**
 * An LSTM cell (PyTorch's `nn.LSTMCell`, gates i, f, g, o): one fused tape node per step (see
 * `lstmCell` in @tapegrad/core). Parameters `weight_ih` `[4H, in]`, `weight_hh` `[4H, H]`,
 * `bias_ih`, `bias_hh` `[4H]`.
 *
 * @example
 * const cell = new LSTMCell(10, 20);
 * let [h, c] = cell.forward(x); [h, c] = cell.forward(x2, [h, c]);
 */
export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('LSTMCell', 'LSTM', inputSize, hiddenSize, options);
  }

  /** x `[B, in]` (or `[in]`), state [h, c] `[B, H]` each (default zeros) → [h', c']. */
  forward(x: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, Tensor] {
    const [xb, unbatched] = this.batched(x);
    const h = this.state('h', state?.[0], xb, unbatched);
    const c = this.state('c', state?.[1], xb, unbatched);
    const s = lstmCell(xb, stack([h, c], 0), this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    const pick = (i: number) => (unbatched ? slice(s, [i, 0]) : slice(s, [i]));
    return [pick(0), pick(1)];
  }
}

/**
 * A GRU cell (PyTorch's `nn.GRUCell`, gates r, z, n): one fused tape node per step (see
 * `gruCell` in @tapegrad/core). Parameters `weight_ih` `[3H, in]`, `weight_hh` `[3H, H]`,
 * `bias_ih`, `bias_hh` `[3H]`.
 *
 * @example
 * const cell = new GRUCell(10, 20);
 * let h = cell.forward(x); h = cell.forward(x2, h);
 */
export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('GRUCell', 'GRU', inputSize, hiddenSize, options);
  }

  /** x `[B, in]` (or `[in]`), h `[B, H]` (default zeros) → h' `[B, H]`. */
  forward(x: Tensor, h?: Tensor | null): Tensor {
    const [xb, unbatched] = this.batched(x);
    const hb = this.state('h', h, xb, unbatched);
    const y = gruCell(xb, hb, this.weight_ih, this.weight_hh, this.bias_ih, this.bias_hh);
    return unbatched ? squeeze(y, 0) : y;
  }
}
