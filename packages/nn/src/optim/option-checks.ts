import { ValueError, checkBoolean, checkNumber, describe } from '@tapegrad/core';

/** Checks one hyper-parameter: `fn: name must be …, got …` (a ValueError) unless `v` is valid. */
export type OptionChecker<T> = (fn: string, name: string, v: unknown) => T;

/** One checker per option of an optimiser: every place an option enters goes through it. */
export type OptionSpec<O> = { readonly [K in keyof O]-?: OptionChecker<O[K]> };

/**
 * The checkers the optimisers share, built on core's `checkNumber`/`checkBoolean`: every value
 * must be finite (never NaN or ±Infinity) and inside its range.
 *
 * @example
 * const spec: OptionSpec<SGDOptions> = { lr: optionChecks.lr, momentum: optionChecks.nonNegative, … };
 * optionChecks.positive('Adam', 'eps', 0); // ValueError: Adam: eps must be a finite number > 0, got 0
 */
export const optionChecks = {
  /** A learning rate: finite, ≥ 0. */
  lr: (fn: string, name: string, v: unknown): number => checkNumber(fn, name, v, { min: 0 }),
  /** Finite, ≥ 0 (weight decay, momentum, lr decay). */
  nonNegative: (fn: string, name: string, v: unknown): number => checkNumber(fn, name, v, { min: 0 }),
  /** Finite, > 0 (eps). */
  positive: (fn: string, name: string, v: unknown): number => checkNumber(fn, name, v, { above: 0 }),
  /** In [0, 1] (smoothing constants, dampening). */
  unit: (fn: string, name: string, v: unknown): number => checkNumber(fn, name, v, { min: 0, max: 1 }),
  /** true or false. */
  boolean: (fn: string, name: string, v: unknown): boolean => checkBoolean(fn, name, v),
  /** Adam's (β1, β2), each in [0, 1). */
  betas: (fn: string, name: string, v: unknown): readonly [number, number] => {
    if (!Array.isArray(v) || v.length !== 2) {
      throw new ValueError(`${fn}: ${name} must be a pair [β1, β2], got ${describe(v)}`);
    }
    const b1 = checkNumber(fn, `${name}[0]`, v[0], { min: 0, below: 1 });
    const b2 = checkNumber(fn, `${name}[1]`, v[1], { min: 0, below: 1 });
    return Object.freeze([b1, b2] as const);
  },
};
