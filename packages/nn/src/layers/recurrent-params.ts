import {
  type DType,
  DTypeError,
  Rng,
  type Tensor,
  ValueError,
  checkBoolean,
  checkDType,
  checkInteger,
  checkOneOf,
  checkOptions,
  describe,
  fmtShape,
} from '@tapegrad/core';
import { uniform } from '../init';
import { Parameter } from '../parameter';

/** The options every recurrent layer and cell takes. */
export interface RecurrentOptions {
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Generator for the initial weights (default core's default generator). */
  rng?: Rng;
  /** Parameter dtype (default float32). */
  dtype?: DType;
}

/** Gates per cell kind, in PyTorch's order: RNN one, LSTM i f g o, GRU r z n. */
export const GATES = { RNN: 1, LSTM: 4, GRU: 3 } as const;

/** A cell kind: what the gate count and the parameter shapes follow. */
export type CellKind = keyof typeof GATES;

/** The checked common options of a recurrent layer or cell. */
export interface CommonOptions {
  bias: boolean;
  rng: Rng | undefined;
  dtype: DType;
}

/**
 * Checks the sizes and the common options (plus `extra` known keys, returned raw for the
 * caller to check).
 */
export function checkRecurrentOptions<K extends string>(
  who: string,
  inputSize: unknown,
  hiddenSize: unknown,
  options: unknown,
  extra: readonly K[],
): CommonOptions & { raw: Partial<Record<K, unknown>> } {
  checkInteger(who, 'inputSize', inputSize, { min: 1 });
  checkInteger(who, 'hiddenSize', hiddenSize, { min: 1 });
  const o = checkOptions(who, options, ['bias', 'rng', 'dtype', ...extra]);
  if (o.rng !== undefined && !(o.rng instanceof Rng)) {
    throw new ValueError(`${who}: rng must be an Rng, got ${describe(o.rng)}`);
  }
  return {
    bias: o.bias === undefined ? true : checkBoolean(who, 'bias', o.bias),
    rng: o.rng as Rng | undefined,
    dtype: o.dtype === undefined ? 'float32' : checkDType(who, o.dtype),
    raw: o as Partial<Record<K, unknown>>,
  };
}

/** One cell's parameters, in PyTorch's layout: w_ih [G·H, in], w_hh [G·H, H], biases [G·H]. */
export interface CellParams {
  wIh: Parameter;
  wHh: Parameter;
  bIh: Parameter | null;
  bHh: Parameter | null;
}

/**
 * Fresh parameters of one cell, all drawn from U(±1/√hidden) as PyTorch's `reset_parameters`.
 *
 * @example
 * cellParams('LSTM', 16, 128, { bias: true, rng, dtype: 'float32' }).wIh.shape; // [512, 16]
 */
export function cellParams(kind: CellKind, inputSize: number, hidden: number, o: CommonOptions): CellParams {
  const g = GATES[kind] * hidden;
  const bound = 1 / Math.sqrt(hidden);
  const draw = (shape: number[]) => new Parameter(uniform(-bound, bound)(shape, { rng: o.rng, dtype: o.dtype }));
  const wIh = draw([g, inputSize]);
  const wHh = draw([g, hidden]);
  return { wIh, wHh, bIh: o.bias ? draw([g]) : null, bHh: o.bias ? draw([g]) : null };
}

/** Checks RNN's `nonlinearity` option (default 'tanh'). */
export function checkNonlinearity(who: string, v: unknown): 'tanh' | 'relu' {
  return v === undefined ? 'tanh' : checkOneOf(who, 'nonlinearity', v, ['tanh', 'relu'] as const);
}

/** A DTypeError unless `x` is of the layer's parameter dtype. */
export function checkInputDType(who: string, name: string, x: Tensor, dtype: DType): void {
  if (x.dtype !== dtype) {
    throw new DTypeError(
      `${who}: ${name} is ${x.dtype} ${fmtShape(x.shape)} but the layer's parameters are ${dtype}; ` +
        `cast one (x.astype('${dtype}') or layer.to('${x.dtype}'))`,
    );
  }
}
