import { ValueError, checkFunction, checkInteger, checkNumber, checkOptions, describe } from '@tapegrad/core';
import type { BaseOptions, ParamGroup } from './param-group';
import { type SchedulerLike, type SchedulerStateDict, checkGroupRates, checkSchedulerState } from './scheduler-state';

/** What a schedule needs of an optimiser: its parameter groups (any `Optimizer`). */
export interface SchedulableOptimizer {
  readonly paramGroups: readonly ParamGroup<BaseOptions>[];
}

/** @internal Checks that `optimizer` has parameter groups. */
export function checkOptimizer(who: string, optimizer: unknown): SchedulableOptimizer {
  const groups = (optimizer as Partial<SchedulableOptimizer> | null)?.paramGroups;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new ValueError(`${who}: optimizer must be an Optimizer (with paramGroups), got ${describe(optimizer)}`);
  }
  return optimizer as SchedulableOptimizer;
}

/**
 * Base of the learning-rate schedules: each gives a group's lr as a closed-form function of the
 * number of `step()` calls (usually one per epoch) and that group's initial lr, so a schedule
 * acts on every parameter group separately and can be resumed from `lastEpoch` alone.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let e = 0; e < 100; e++) { train(); sched.step(); }
 */
export abstract class LRScheduler implements SchedulerLike {
  #baseLrs: readonly number[];
  /** How many times `step()` was called. */
  lastEpoch = 0;
  readonly optimizer: SchedulableOptimizer;

  constructor(optimizer: SchedulableOptimizer) {
    this.optimizer = checkOptimizer(this.constructor.name, optimizer);
    this.#baseLrs = Object.freeze(this.optimizer.paramGroups.map((g) => g.lr));
  }

  /** Each group's lr when the schedule was made (PyTorch's `base_lrs`). */
  get baseLrs(): readonly number[] {
    return this.#baseLrs;
  }

  /** The first group's initial lr. */
  get baseLr(): number {
    return this.baseLrs[0];
  }

  /** Group `group`'s lr after `epoch` steps, from its initial lr `baseLr`. */
  abstract lrAt(epoch: number, baseLr: number, group: number): number;

  /** The first group's current learning rate. */
  get lr(): number {
    return this.optimizer.paramGroups[0].lr;
  }

  /** Every group's current learning rate (PyTorch's `get_last_lr()`). */
  get lastLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * Advances one epoch and sets every group's lr.
   *
   * @example
   * sched.step();
   * opt.paramGroups.map((g) => g.lr); // the new rates
   */
  step(): void {
    this.lastEpoch++;
    this.applyLrs();
  }

  /**
   * The schedule's progress as a plain, JSON-safe object `{ type, lastEpoch, baseLrs, … }`
   * (PyTorch's `state_dict()`). Hyper-parameters (`gamma`, `tMax`, …) are not in it: they are the
   * constructor's, so build the scheduler as before and load this into it. LambdaLR's functions
   * are not saved either (as in PyTorch).
   *
   * @example
   * const saved = JSON.stringify(sched.stateDict());
   * fresh.loadStateDict(JSON.parse(saved)); // fresh continues where sched was
   */
  stateDict(): SchedulerStateDict {
    return {
      type: this.constructor.name,
      lastEpoch: this.lastEpoch,
      baseLrs: [...this.#baseLrs],
      ...this.extraState(),
    };
  }

  /**
   * Restores a {@link stateDict} of the same class and sets every group's lr to the schedule's
   * value at the restored epoch, so the next `step()` continues exactly as the saved schedule
   * would have (loading the optimiser's state too gives the same lrs). A wrong `type`, a missing,
   * unknown or invalid key, or `baseLrs` of the wrong length is a ValueError naming the key and
   * the value, and changes nothing.
   *
   * @example
   * const fresh = new StepLR(opt, { stepSize: 30 });
   * fresh.loadStateDict(saved); // fresh.lastEpoch === saved.lastEpoch
   */
  loadStateDict(sd: SchedulerStateDict): void {
    this.prepareLoad(`${this.constructor.name}.loadStateDict`, sd)();
  }

  /** @internal See {@link SchedulerLike.prepareLoad}. */
  prepareLoad(who: string, sd: unknown): () => void {
    const extra = Object.keys(this.extraState());
    const o = checkSchedulerState(who, sd, this.constructor.name, ['baseLrs', ...extra], this.maxEpoch);
    const { lastEpoch } = o;
    const baseLrs = checkGroupRates(who, 'baseLrs', o.baseLrs, this.optimizer.paramGroups.length);
    const loadExtra = this.prepareExtra(who, o);
    this.#lrsAt(who, lastEpoch, baseLrs);
    return () => {
      loadExtra();
      this.lastEpoch = lastEpoch;
      this.#baseLrs = baseLrs;
      this.applyLrs();
    };
  }

  /** @internal The most steps this schedule can take: Infinity, or OneCycleLR's `totalSteps`. */
  get maxEpoch(): number {
    return Infinity;
  }

  /** A subclass's own entries of its state dict (none by default). */
  protected extraState(): { [key: string]: unknown } {
    return {};
  }

  /** Checks a subclass's own entries of `sd`; returns what loads them (which cannot throw). */
  protected prepareExtra(_who: string, _sd: { [key: string]: unknown }): () => void {
    return () => {};
  }

  /** Sets each group's lr for `lastEpoch`; a schedule giving NaN, ±Infinity or < 0 is a ValueError. */
  protected applyLrs(): void {
    const lrs = this.#lrsAt(`${this.constructor.name}.step`, this.lastEpoch, this.#baseLrs);
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = lrs[i];
    });
  }

  // Every group's lr at `epoch`, all checked before any is set.
  #lrsAt(who: string, epoch: number, baseLrs: readonly number[]): number[] {
    return baseLrs.map((b, i) =>
      checkNumber(who, `lr of group ${i} at epoch ${epoch}`, this.lrAt(epoch, b, i), { min: 0 }),
    );
  }
}

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs: lr·γ^⌊epoch/stepSize⌋.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 10, gamma: 0.5 }); // lr, …, lr/2 from epoch 10, lr/4 from 20
 * sched.step();
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    const o = checkOptions('StepLR', options, ['stepSize', 'gamma']);
    this.stepSize = checkInteger('StepLR', 'stepSize', o.stepSize, { min: 1 });
    this.gamma = checkNumber('StepLR', 'gamma', o.gamma ?? 0.1, { above: 0 });
  }

  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/**
 * Multiplies the lr by `gamma` at each milestone epoch: lr·γ^(number of milestones ≤ epoch),
 * PyTorch's `MultiStepLR` (a milestone listed twice counts twice).
 *
 * @example
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 }); // lr, lr/10 from 30, lr/100 from 80
 * sched.step();
 */
export class MultiStepLR extends LRScheduler {
  readonly milestones: readonly number[];
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, options: { milestones: readonly number[]; gamma?: number }) {
    super(optimizer);
    const o = checkOptions('MultiStepLR', options, ['milestones', 'gamma']);
    if (!Array.isArray(o.milestones)) {
      throw new ValueError(`MultiStepLR: milestones must be an array of epochs, got ${describe(o.milestones)}`);
    }
    const ms = o.milestones.map((m, i) => checkInteger('MultiStepLR', `milestones[${i}]`, m, { min: 1 }));
    this.milestones = Object.freeze(ms.sort((a, b) => a - b));
    this.gamma = checkNumber('MultiStepLR', 'gamma', o.gamma ?? 0.1, { above: 0 });
  }

  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** this.milestones.filter((m) => m <= epoch).length;
  }
}

/**
 * Multiplies the lr by `gamma` every epoch: lr·γ^epoch.
 *
 * @example
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 * sched.step(); // lr·0.95
 */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: SchedulableOptimizer, options: { gamma: number }) {
    super(optimizer);
    const o = checkOptions('ExponentialLR', options, ['gamma']);
    this.gamma = checkNumber('ExponentialLR', 'gamma', o.gamma, { above: 0 });
  }

  lrAt(epoch: number, baseLr: number): number {
    return baseLr * this.gamma ** epoch;
  }
}

/** A factor of the initial lr as a function of the epoch (see {@link LambdaLR}). */
export type LrLambda = (epoch: number) => number;

/**
 * lr = initial lr · `lrLambda(epoch)`, PyTorch's `LambdaLR`; one function for every group or one
 * per group. The lr is set to `lrLambda(0)`·lr at once. Its `stateDict()` holds no functions (as
 * in PyTorch): build the new LambdaLR with the same `lrLambda`, then load.
 *
 * @example
 * const sched = new LambdaLR(opt, { lrLambda: (epoch) => 0.95 ** epoch });
 * new LambdaLR(opt2, { lrLambda: [(e) => 1 / (e + 1), (e) => 1] }); // two groups
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: readonly LrLambda[];

  constructor(optimizer: SchedulableOptimizer, options: { lrLambda: LrLambda | readonly LrLambda[] }) {
    super(optimizer);
    const o = checkOptions('LambdaLR', options, ['lrLambda']);
    const n = this.optimizer.paramGroups.length;
    if (Array.isArray(o.lrLambda)) {
      if (o.lrLambda.length !== n) {
        throw new ValueError(`LambdaLR: lrLambda has ${o.lrLambda.length} functions for ${n} parameter groups`);
      }
      this.lrLambdas = o.lrLambda.map((f, i) => checkFunction<LrLambda>('LambdaLR', `lrLambda[${i}]`, f));
    } else {
      const f = checkFunction<LrLambda>('LambdaLR', 'lrLambda', o.lrLambda);
      this.lrLambdas = Array.from({ length: n }, () => f);
    }
    this.applyLrs();
  }

  lrAt(epoch: number, baseLr: number, group: number): number {
    return baseLr * this.lrLambdas[group](epoch);
  }
}
