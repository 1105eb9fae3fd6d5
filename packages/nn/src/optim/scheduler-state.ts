import { ValueError, checkInteger, checkNumber, checkOptions, describe } from '@tapegrad/core';

/**
 * A schedule's saved progress, PyTorch's `scheduler.state_dict()` in camelCase: its class name,
 * how many times `step()` was called, and what else that class needs to continue exactly. Plain
 * numbers, arrays and strings only, so `JSON.stringify` keeps it whole.
 */
export interface SchedulerStateDict {
  /** The scheduler class name (`StepLR`, …). */
  type: string;
  /** How many times `step()` had been called. */
  lastEpoch: number;
  [key: string]: unknown;
}

/**
 * What saves and restores a schedule: every {@link LRScheduler} and `ReduceLROnPlateau`
 * (`save(model, file, { scheduler })` takes one).
 */
export interface SchedulerLike {
  stateDict(): SchedulerStateDict;
  loadStateDict(sd: SchedulerStateDict): void;
  /**
   * @internal Checks `sd` against this scheduler without changing anything (a ValueError
   * naming `who`, the key and the value otherwise) and returns the function that loads it,
   * which cannot throw; `loadStateDict(sd)` is `prepareLoad(who, sd)()`.
   */
  prepareLoad(who: string, sd: unknown): () => void;
}

/**
 * @internal Checks that `sd` is a plain object of `type` with no key but `type`, `lastEpoch`
 * (an integer in [0, maxEpoch]) and `keys`; returns it typed by those keys.
 *
 * @example
 * const o = checkSchedulerState('StepLR.loadStateDict', sd, 'StepLR', ['baseLrs']);
 * o.lastEpoch; // a checked integer ≥ 0
 */
export function checkSchedulerState<K extends string>(
  who: string,
  sd: unknown,
  type: string,
  keys: readonly K[],
  maxEpoch = Infinity,
): Partial<Record<K, unknown>> & { lastEpoch: number } {
  if (sd === null || typeof sd !== 'object' || Array.isArray(sd)) {
    throw new ValueError(`${who}: expected a ${type} state dict { type, lastEpoch, … }, got ${describe(sd)}`);
  }
  const given = (sd as { type?: unknown }).type;
  if (given !== type) throw new ValueError(`${who}: type must be '${type}', got ${describe(given)}`);
  const o = checkOptions(who, sd, ['type', 'lastEpoch', ...keys]);
  const range = Number.isFinite(maxEpoch) ? { min: 0, max: maxEpoch } : { min: 0 };
  return { ...o, lastEpoch: checkInteger(who, 'lastEpoch', o.lastEpoch, range) };
}

/**
 * @internal Checks that `v` holds one finite lr ≥ 0 per parameter group; returns a frozen copy.
 *
 * @example
 * checkGroupRates('StepLR.loadStateDict', 'baseLrs', [0.1, 0.01], 2); // [0.1, 0.01]
 * checkGroupRates('StepLR.loadStateDict', 'baseLrs', [0.1], 2); // ValueError: … 2 …, got [0.1]
 */
export function checkGroupRates(who: string, name: string, v: unknown, groups: number): readonly number[] {
  if (!Array.isArray(v) || v.length !== groups) {
    throw new ValueError(
      `${who}: ${name} must hold ${groups} learning rates (one per parameter group of the optimizer), got ${describe(v)}`,
    );
  }
  return Object.freeze(v.map((x: unknown, i) => checkNumber(who, `${name}[${i}]`, x, { min: 0 })));
}
