import { ValueError, checkInteger, checkNumber, checkOneOf, checkOptions, describe } from '@tapegrad/core';
import { type SchedulableOptimizer, checkOptimizer } from './lr-scheduler';
import { type SchedulerLike, type SchedulerStateDict, checkGroupRates, checkSchedulerState } from './scheduler-state';

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** `'min'` (default): the metric should fall (a loss); `'max'`: it should rise (an accuracy). */
  mode?: 'min' | 'max';
  /** New lr = lr·factor, in (0, 1) (default 0.1). */
  factor?: number;
  /** Epochs without improvement to wait before reducing (default 10). */
  patience?: number;
  /** What counts as an improvement (default 1e-4). */
  threshold?: number;
  /** `'rel'` (default): better than best·(1 ∓ threshold); `'abs'`: best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** A lower bound on the lr: one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped (default 1e-8). */
  eps?: number;
  /** Which record field `Trainer.fit` passes to `step` (default `valLoss` with validation, else `loss`). */
  monitor?: 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy';
}

/**
 * Reduces every group's lr by `factor` once the metric has stopped improving for `patience`
 * epochs, PyTorch's `ReduceLROnPlateau`: call `step(metric)` once per epoch (`Trainer.fit` does,
 * with the `monitor` field of its record).
 *
 * @example
 * const sched = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 2 });
 * for (let e = 0; e < 50; e++) { train(); sched.step(validationLoss()); }
 */
export class ReduceLROnPlateau implements SchedulerLike {
  readonly optimizer: SchedulableOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: readonly number[];
  readonly eps: number;
  /** The record field `Trainer.fit` monitors, if set. */
  readonly monitor: ReduceLROnPlateauOptions['monitor'];
  /** The best metric seen. */
  best: number;
  /** Epochs since the last improvement. */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** How many times `step()` was called. */
  lastEpoch = 0;

  constructor(optimizer: SchedulableOptimizer, options: ReduceLROnPlateauOptions = {}) {
    const who = 'ReduceLROnPlateau';
    this.optimizer = checkOptimizer(who, optimizer);
    const o = checkOptions(who, options, [
      'mode',
      'factor',
      'patience',
      'threshold',
      'thresholdMode',
      'cooldown',
      'minLr',
      'eps',
      'monitor',
    ]);
    this.mode = checkOneOf(who, 'mode', o.mode ?? 'min', ['min', 'max'] as const);
    this.factor = checkNumber(who, 'factor', o.factor ?? 0.1, { above: 0, below: 1 });
    this.patience = checkInteger(who, 'patience', o.patience ?? 10, { min: 0 });
    this.threshold = checkNumber(who, 'threshold', o.threshold ?? 1e-4, { min: 0 });
    this.thresholdMode = checkOneOf(who, 'thresholdMode', o.thresholdMode ?? 'rel', ['rel', 'abs'] as const);
    this.cooldown = checkInteger(who, 'cooldown', o.cooldown ?? 0, { min: 0 });
    this.eps = checkNumber(who, 'eps', o.eps ?? 1e-8, { min: 0 });
    this.monitor =
      o.monitor === undefined
        ? undefined
        : checkOneOf(who, 'monitor', o.monitor, ['loss', 'accuracy', 'valLoss', 'valAccuracy'] as const);
    const groups = this.optimizer.paramGroups.length;
    const minLr = o.minLr ?? 0;
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups) {
        throw new ValueError(`${who}: minLr has ${minLr.length} values for ${groups} parameter groups`);
      }
      this.minLrs = minLr.map((v, i) => checkNumber(who, `minLr[${i}]`, v, { min: 0 }));
    } else this.minLrs = Array.from({ length: groups }, () => checkNumber(who, 'minLr', minLr, { min: 0 }));
    this.best = this.#worst;
  }

  /** Whether `a` improves on the best so far by more than the threshold. */
  isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === 'rel' ? a > best * (1 + threshold) : a > best + threshold;
  }

  /**
   * Records one epoch's metric and reduces the lrs once it has not improved for more than
   * `patience` epochs. A NaN metric is a ValueError (it would never improve silently).
   *
   * @example
   * sched.step(valLoss);
   * opt.lr; // reduced after a plateau
   */
  step(metric: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric)) {
      throw new ValueError(`ReduceLROnPlateau.step: metric must be a number, got ${describe(metric)}`);
    }
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  /**
   * The plateau search's progress as a plain, JSON-safe object `{ type, lastEpoch, best,
   * numBadEpochs, cooldownCounter, lastLrs }` with the same keys in either mode: `best` is `null`
   * until a metric has improved on the start (±Infinity), and an infinite metric that became the
   * best is the string `'Infinity'` or `'-Infinity'`. The options (`mode`, `factor`, …) are the
   * constructor's, as in {@link LRScheduler.stateDict}.
   *
   * @example
   * const saved = JSON.stringify(sched.stateDict());
   * fresh.loadStateDict(JSON.parse(saved)); // fresh continues where sched was
   */
  stateDict(): SchedulerStateDict {
    const { best } = this;
    return {
      type: 'ReduceLROnPlateau',
      lastEpoch: this.lastEpoch,
      best: Number.isFinite(best) ? best : best === this.#worst ? null : String(best),
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastLrs: this.optimizer.paramGroups.map((g) => g.lr),
    };
  }

  /**
   * Restores a {@link stateDict} and sets every group's lr to its `lastLrs`, so the next
   * `step(metric)` continues exactly as the saved scheduler would have. A wrong `type`, a
   * missing, unknown or invalid key, or `lastLrs` of the wrong length is a ValueError naming the
   * key and the value, and changes nothing.
   *
   * @example
   * const fresh = new ReduceLROnPlateau(opt, { factor: 0.5, patience: 2 });
   * fresh.loadStateDict(saved); // fresh.best === the saved best
   */
  loadStateDict(sd: SchedulerStateDict): void {
    this.prepareLoad('ReduceLROnPlateau.loadStateDict', sd)();
  }

  /** @internal See {@link SchedulerLike.prepareLoad}. */
  prepareLoad(who: string, sd: unknown): () => void {
    const keys = ['best', 'numBadEpochs', 'cooldownCounter', 'lastLrs'] as const;
    const o = checkSchedulerState(who, sd, 'ReduceLROnPlateau', keys);
    const best = this.#loadBest(who, o.best);
    const numBadEpochs = checkInteger(who, 'numBadEpochs', o.numBadEpochs, { min: 0 });
    const cooldownCounter = checkInteger(who, 'cooldownCounter', o.cooldownCounter, { min: 0 });
    const lrs = checkGroupRates(who, 'lastLrs', o.lastLrs, this.optimizer.paramGroups.length);
    return () => {
      this.lastEpoch = o.lastEpoch;
      this.best = best;
      this.numBadEpochs = numBadEpochs;
      this.cooldownCounter = cooldownCounter;
      this.optimizer.paramGroups.forEach((g, i) => {
        g.lr = lrs[i];
      });
    };
  }

  #loadBest(who: string, v: unknown): number {
    if (v === null) return this.#worst;
    if (v === 'Infinity' || v === '-Infinity') return Number(v);
    if (typeof v === 'number') return checkNumber(who, 'best', v);
    throw new ValueError(`${who}: best must be a finite number, null or '±Infinity', got ${describe(v)}`);
  }

  // The best before any metric: a value every metric improves on.
  get #worst(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** The first group's current learning rate. */
  get lr(): number {
    return this.optimizer.paramGroups[0].lr;
  }
}
