import {
  ShapeError,
  type Tensor,
  checkBoolean,
  checkInteger,
  checkNumber,
  checkTensor,
  concat,
  fmtShape,
  permute,
  reshape,
  slice,
  squeeze,
  stack,
  zeros,
} from '@tapegrad/core';
import { Module } from '../module';
import type { Parameter } from '../parameter';
import { Dropout } from './dropout';
import {
  type CellKind,
  type CellParams,
  type RecurrentOptions,
  cellParams,
  checkInputDType,
  checkRecurrentOptions,
} from './recurrent-params';

/** Options of the multi-step layers {@link RNN}, {@link LSTM} and {@link GRU}. */
export interface RecurrentLayerOptions extends RecurrentOptions {
  /** Stacked layers; layer k > 0 reads layer k−1's outputs (default 1). */
  numLayers?: number;
  /** x and the output are `[B, T, features]` instead of `[T, B, features]` (default false, as PyTorch). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /** Also run each layer backwards in time and concatenate both directions' features (default false). */
  bidirectional?: boolean;
}

/** The checked input of a forward: the time steps `[B, features]` and the sizes. */
export interface Sequence {
  steps: Tensor[];
  batch: number;
  unbatched: boolean;
}

/**
 * What RNN, LSTM and GRU share: PyTorch's parameters per layer k and direction
 * (`weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`, `_reverse` for the
 * backward direction), the checks of x and of an initial state, and the loop over layers,
 * directions and time steps. A subclass gives the step of one cell.
 */
export abstract class RecurrentBase extends Module {
  readonly numLayers: number;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  readonly #drop: Dropout | null;

  protected constructor(
    protected readonly who: string,
    kind: CellKind,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentLayerOptions & { nonlinearity?: 'tanh' | 'relu' },
    extra: readonly 'nonlinearity'[] = [],
  ) {
    super();
    const o = checkRecurrentOptions(who, inputSize, hiddenSize, options, [
      'numLayers',
      'batchFirst',
      'dropout',
      'bidirectional',
      ...extra,
    ]);
    const raw = o.raw;
    this.numLayers = raw.numLayers === undefined ? 1 : checkInteger(who, 'numLayers', raw.numLayers, { min: 1 });
    this.batchFirst = raw.batchFirst === undefined ? false : checkBoolean(who, 'batchFirst', raw.batchFirst);
    this.dropout = raw.dropout === undefined ? 0 : checkNumber(who, 'dropout', raw.dropout, { min: 0, below: 1 });
    this.bidirectional =
      raw.bidirectional === undefined ? false : checkBoolean(who, 'bidirectional', raw.bidirectional);
    this.#drop = this.dropout > 0 ? new Dropout(this.dropout, o.rng ? { rng: o.rng } : {}) : null;
    for (let l = 0; l < this.numLayers; l++) {
      const inSize = l === 0 ? inputSize : hiddenSize * this.directions;
      for (let d = 0; d < this.directions; d++) {
        const p = cellParams(kind, inSize, hiddenSize, o);
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        this.registerParameter(`weight_ih${sfx}`, p.wIh);
        this.registerParameter(`weight_hh${sfx}`, p.wHh);
        this.registerParameter(`bias_ih${sfx}`, p.bIh);
        this.registerParameter(`bias_hh${sfx}`, p.bHh);
      }
    }
  }

  /** 2 when bidirectional, else 1. */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The parameters of layer `l`, direction `d` (read by name, so `to(dtype)` is followed). */
  protected cell(l: number, d: number): CellParams {
    const self = this as unknown as Record<string, Parameter | null>;
    const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
    return {
      wIh: self[`weight_ih${sfx}`]!,
      wHh: self[`weight_hh${sfx}`]!,
      bIh: self[`bias_ih${sfx}`],
      bHh: self[`bias_hh${sfx}`],
    };
  }

  /**
   * The parameters as PyTorch's `all_weights`: one list per layer and direction, [w_ih, w_hh,
   * b_ih, b_hh] (the biases only with bias).
   *
   * @example
   * lstm.allWeights[0][1].shape; // weight_hh_l0: [4H, H]
   */
  get allWeights(): Parameter[][] {
    const out: Parameter[][] = [];
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < this.directions; d++) {
        const p = this.cell(l, d);
        out.push([p.wIh, p.wHh, ...(p.bIh && p.bHh ? [p.bIh, p.bHh] : [])]);
      }
    }
    return out;
  }

  /** Checks x `[T, B, in]` (`[B, T, in]` with batchFirst) or unbatched `[T, in]`; its sizes. */
  protected checkInput(x: Tensor): Omit<Sequence, 'steps'> & { steps: number } {
    const fn = `${this.who}.forward`;
    checkTensor(fn, 'x', x);
    const layout = this.batchFirst ? 'B, T' : 'T, B';
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(
        `${fn}: x must be [${layout}, ${this.inputSize}] (batchFirst ${this.batchFirst}) or unbatched ` +
          `[T, ${this.inputSize}], got ${fmtShape(x.shape)}`,
      );
    }
    checkInputDType(fn, 'x', x, this.cell(0, 0).wIh.dtype);
    const unbatched = x.ndim === 2;
    const steps = unbatched || !this.batchFirst ? x.shape[0] : x.shape[1];
    return { steps, batch: unbatched ? 1 : x.shape[this.batchFirst ? 0 : 1], unbatched };
  }

  /** x split into its time steps `[B, in]` (`[1, in]` unbatched). */
  protected sequence(x: Tensor): Sequence {
    const { steps, batch, unbatched } = this.checkInput(x);
    const split = Array.from({ length: steps }, (_, i) =>
      unbatched ? slice(x, [[i, i + 1]]) : this.batchFirst ? slice(x, [null, i]) : slice(x, [i]),
    );
    return { steps: split, batch, unbatched };
  }

  /** x as `[T, B, in]` (a transpose with batchFirst, an added axis unbatched). */
  protected timeMajor(x: Tensor, unbatched: boolean): Tensor {
    if (unbatched) return reshape(x, [x.shape[0], 1, x.shape[1]]);
    return this.batchFirst ? permute(x, [1, 0, 2]) : x;
  }

  /** A time-major output `[T, B, F]` in the layout of the input (batchFirst, unbatched). */
  protected inputLayout(y: Tensor, unbatched: boolean): Tensor {
    if (unbatched) return reshape(y, [y.shape[0], y.shape[2]]);
    return this.batchFirst ? permute(y, [1, 0, 2]) : y;
  }

  /** Dropout on a layer's output in training, unless it is the last layer. */
  protected betweenLayers(y: Tensor, layer: number): Tensor {
    if (layer === this.numLayers - 1 || this.#drop === null || !this.training) return y;
    return this.#drop.train(true).forward(y);
  }

  /**
   * A given initial state `[L·D, B, H]` (`[L·D, H]` unbatched) split per layer and direction
   * (`[B, H]` each), or null when absent. A batch that matches x's other axis is reported as
   * swapped axes.
   */
  protected initial(name: string, s: Tensor | null | undefined, x: Tensor, seq: Sequence): Tensor[] | null {
    if (s === null || s === undefined) return null;
    const fn = `${this.who}.forward`;
    checkTensor(fn, name, s);
    const ld = this.numLayers * this.directions;
    const want = seq.unbatched ? [ld, this.hiddenSize] : [ld, seq.batch, this.hiddenSize];
    if (s.ndim !== want.length || s.shape.some((d, i) => d !== want[i])) {
      const other = x.ndim === 3 ? x.shape[this.batchFirst ? 1 : 0] : -1;
      if (s.ndim === 3 && s.shape[1] === other && other !== seq.batch) {
        throw new ShapeError(
          `${fn}: x ${fmtShape(x.shape)} looks like [${this.batchFirst ? 'T, B' : 'B, T'}, ${this.inputSize}] for ` +
            `${name} ${fmtShape(s.shape)} (batch ${other}), but batchFirst is ${this.batchFirst}, so x must be ` +
            `[${this.batchFirst ? 'B, T' : 'T, B'}, ${this.inputSize}]: transpose x or set batchFirst: ${!this.batchFirst}`,
        );
      }
      throw new ShapeError(
        `${fn}: ${name} must be [numLayers·numDirections, B, H] = ${fmtShape(want)} for x ${fmtShape(x.shape)} ` +
          `(batchFirst ${this.batchFirst}), got ${fmtShape(s.shape)}`,
      );
    }
    checkInputDType(fn, name, s, x.dtype);
    return Array.from({ length: ld }, (_, k) => (seq.unbatched ? slice(s, [[k, k + 1]]) : slice(s, [k])));
  }

  /**
   * Runs every layer and direction over the steps: `step` advances one cell's state, `hOf` reads
   * h from it, `states0[k]` is the initial state of layer·direction k. Returns the last layer's
   * output (`[T, B, D·H]`, or `[B, T, D·H]` with batchFirst; `[T, D·H]` unbatched) and the final
   * state of every layer·direction.
   */
  protected unroll(
    seq: Sequence,
    states0: Tensor[],
    step: (x: Tensor, state: Tensor, p: CellParams) => Tensor,
    hOf: (state: Tensor) => Tensor,
  ): { output: Tensor; finals: Tensor[] } {
    let inputs = seq.steps;
    const T = inputs.length;
    const finals: Tensor[] = [];
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[][] = [];
      for (let d = 0; d < this.directions; d++) {
        const p = this.cell(l, d);
        let s = states0[l * this.directions + d];
        const hs = new Array<Tensor>(T);
        for (let k = 0; k < T; k++) {
          const t = d === 0 ? k : T - 1 - k;
          s = step(inputs[t], s, p);
          hs[t] = hOf(s);
        }
        finals.push(s);
        outs.push(hs);
      }
      inputs = this.directions === 1 ? outs[0] : outs[0].map((h, t) => concat([h, outs[1][t]], 1));
      if (l < this.numLayers - 1 && this.#drop !== null && this.training) {
        const drop = this.#drop.train(true);
        inputs = inputs.map((h) => drop.forward(h));
      }
    }
    const output = stack(inputs, this.batchFirst && !seq.unbatched ? 1 : 0);
    return { output: seq.unbatched ? squeeze(output, 1) : output, finals };
  }

  /** Zero initial states `[B, H]`, one per layer and direction. */
  protected zeroStates(batch: number, x: Tensor): Tensor[] {
    return Array.from({ length: this.numLayers * this.directions }, () =>
      zeros([batch, this.hiddenSize], { dtype: x.dtype }),
    );
  }

  /** The final hidden states `[B, H]` (or `[1, H]` unbatched) as hN `[L·D, B, H]` (`[L·D, H]`). */
  protected stackFinal(hs: Tensor[], unbatched: boolean): Tensor {
    const h = stack(hs, 0);
    return unbatched ? h.reshape([hs.length, this.hiddenSize]) : h;
  }

  override extraRepr(): string {
    const parts = [`${this.inputSize}, ${this.hiddenSize}`];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    if (this.cell(0, 0).bIh === null) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return parts.join(', ');
  }
}
