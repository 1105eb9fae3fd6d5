import {
  ValueError,
  checkBoolean,
  checkFunction,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  describe,
} from '@tapegrad/core';
import { LRScheduler, type SchedulableOptimizer } from './lr-scheduler';
import type { SchedulerStateDict } from './scheduler-state';

/**
 * Cosine annealing from the lr down to `etaMin` over `tMax` epochs (SGDR without restarts):
 * lr_t = etaMin + (lr − etaMin)·(1 + cos(π·t/tMax))/2, held at etaMin after tMax.
 *
 * @example
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 * sched.step();
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: SchedulableOptimizer, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    const o = checkOptions('CosineAnnealingLR', options, ['tMax', 'etaMin']);
    this.tMax = checkInteger('CosineAnnealingLR', 'tMax', o.tMax, { min: 1 });
    this.etaMin = checkNumber('CosineAnnealingLR', 'etaMin', o.etaMin ?? 0, { min: 0 });
  }

  lrAt(epoch: number, baseLr: number): number {
    const t = Math.min(epoch, this.tMax);
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax))) / 2;
  }
}

/** Options of {@link WarmupLR}. */
export interface WarmupLROptions {
  /** Epochs of linear warm-up (≥ 1). */
  warmupEpochs: number;
  /** The first epoch's factor of the lr, in (0, 1] (default 1/(warmupEpochs + 1)). */
  startFactor?: number;
  /** The schedule after the warm-up, counted from its end. */
  after?: (optimizer: SchedulableOptimizer) => LRScheduler;
}

/**
 * Linear warm-up from `startFactor`·lr to lr over `warmupEpochs`, then (optionally) another
 * schedule counted from the end of the warm-up. Sets the warm-up's first lr immediately. Its
 * state dict holds the `after` schedule's under `after` (`null` without one).
 *
 * @example
 * const sched = new WarmupLR(opt, { warmupEpochs: 5, after: (o) => new CosineAnnealingLR(o, { tMax: 95 }) });
 * sched.step();
 */
export class WarmupLR extends LRScheduler {
  readonly warmupEpochs: number;
  readonly startFactor: number;
  private readonly after: LRScheduler | null;

  constructor(optimizer: SchedulableOptimizer, options: WarmupLROptions) {
    super(optimizer);
    const o = checkOptions('WarmupLR', options, ['warmupEpochs', 'startFactor', 'after']);
    this.warmupEpochs = checkInteger('WarmupLR', 'warmupEpochs', o.warmupEpochs, { min: 1 });
    this.startFactor = checkNumber('WarmupLR', 'startFactor', o.startFactor ?? 1 / (this.warmupEpochs + 1), {
      above: 0,
      max: 1,
    });
    const after =
      o.after === undefined ? null : checkFunction<NonNullable<WarmupLROptions['after']>>('WarmupLR', 'after', o.after);
    this.after = after ? after(optimizer) : null;
    this.applyLrs();
  }

  lrAt(epoch: number, baseLr: number, group: number): number {
    if (epoch < this.warmupEpochs) {
      return baseLr * (this.startFactor + ((1 - this.startFactor) * epoch) / this.warmupEpochs);
    }
    return this.after ? this.after.lrAt(epoch - this.warmupEpochs, baseLr, group) : baseLr;
  }

  /** @internal */
  override get maxEpoch(): number {
    return this.warmupEpochs + (this.after ? this.after.maxEpoch : Infinity);
  }

  /** The `after` schedule's state dict (`null` without one). */
  protected override extraState(): { after: SchedulerStateDict | null } {
    return { after: this.after ? this.after.stateDict() : null };
  }

  protected override prepareExtra(who: string, sd: { after?: unknown }): () => void {
    if (this.after) return this.after.prepareLoad(`${who} (after)`, sd.after);
    if (sd.after !== null) {
      throw new ValueError(
        `${who}: after must be null (this WarmupLR has no after schedule), got ${describe(sd.after)}`,
      );
    }
    return () => {};
  }
}

/** Options of {@link OneCycleLR}. */
export interface OneCycleLROptions {
  /** The peak lr: one for all groups or one per group. */
  maxLr: number | readonly number[];
  /** Steps in the cycle; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Share of the cycle spent increasing the lr (default 0.3). */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'` annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Initial lr = maxLr/divFactor (default 25). */
  divFactor?: number;
  /** Final lr = initial lr/finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial lr, then to the final lr) instead of two. */
  threePhase?: boolean;
  /** Cycle momentum (SGD/RMSProp `momentum`, Adam's β1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Momentum at the lr's peak (default 0.85). */
  baseMomentum?: number;
  /** Momentum at the start and the end (default 0.95). */
  maxMomentum?: number;
}

interface Phase {
  end: number;
  lr: [from: 'initial' | 'max' | 'min', to: 'initial' | 'max' | 'min'];
  momentum: [from: 'max' | 'base', to: 'max' | 'base'];
}

/**
 * The 1cycle policy (Smith & Topin 2018), PyTorch's `OneCycleLR`, stepped once per **batch**:
 * the lr rises from maxLr/divFactor to maxLr over `pctStart` of the steps, then anneals to
 * maxLr/(divFactor·finalDivFactor), while momentum moves the other way between maxMomentum and
 * baseMomentum. With Trainer.fit pass `schedulerInterval: 'batch'`. Its state dict's `lastEpoch`
 * is the step count (≤ totalSteps); loading it restores the lr and the momentum of that step.
 *
 * @example
 * const sched = new OneCycleLR(opt, { maxLr: 0.1, epochs: 10, stepsPerEpoch: loader.length });
 * trainer.fit(loader, { maxEpoch: 10, scheduler: sched, schedulerInterval: 'batch' });
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly anneal: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  private readonly lrs: { initial: number; max: number; min: number }[];
  private readonly momenta: { base: number; max: number };
  private readonly phases: Phase[];

  constructor(optimizer: SchedulableOptimizer, options: OneCycleLROptions) {
    super(optimizer);
    const who = 'OneCycleLR';
    const o = checkOptions(who, options, [
      'maxLr',
      'totalSteps',
      'epochs',
      'stepsPerEpoch',
      'pctStart',
      'annealStrategy',
      'divFactor',
      'finalDivFactor',
      'threePhase',
      'cycleMomentum',
      'baseMomentum',
      'maxMomentum',
    ]);
    if (o.totalSteps !== undefined) this.totalSteps = checkInteger(who, 'totalSteps', o.totalSteps, { min: 2 });
    else if (o.epochs !== undefined || o.stepsPerEpoch !== undefined) {
      const e = checkInteger(who, 'epochs', o.epochs, { min: 1 });
      this.totalSteps = e * checkInteger(who, 'stepsPerEpoch', o.stepsPerEpoch, { min: 1 });
    } else throw new ValueError(`${who}: give totalSteps, or epochs and stepsPerEpoch`);
    const groups = this.optimizer.paramGroups;
    const maxLrs = Array.isArray(o.maxLr) ? o.maxLr : groups.map(() => o.maxLr);
    if (maxLrs.length !== groups.length) {
      throw new ValueError(`${who}: maxLr has ${maxLrs.length} values for ${groups.length} parameter groups`);
    }
    const div = checkNumber(who, 'divFactor', o.divFactor ?? 25, { above: 0 });
    const finalDiv = checkNumber(who, 'finalDivFactor', o.finalDivFactor ?? 1e4, { above: 0 });
    this.lrs = maxLrs.map((m, i) => {
      const max = checkNumber(who, Array.isArray(o.maxLr) ? `maxLr[${i}]` : 'maxLr', m, { min: 0 });
      return { initial: max / div, max, min: max / div / finalDiv };
    });
    const pct = checkNumber(who, 'pctStart', o.pctStart ?? 0.3, { above: 0, below: 1 });
    this.anneal = checkOneOf(who, 'annealStrategy', o.annealStrategy ?? 'cos', ['cos', 'linear'] as const);
    const t = this.totalSteps;
    this.phases = (o.threePhase === undefined ? false : checkBoolean(who, 'threePhase', o.threePhase))
      ? [
          { end: pct * t - 1, lr: ['initial', 'max'], momentum: ['max', 'base'] },
          { end: 2 * pct * t - 2, lr: ['max', 'initial'], momentum: ['base', 'max'] },
          { end: t - 1, lr: ['initial', 'min'], momentum: ['max', 'max'] },
        ]
      : [
          { end: pct * t - 1, lr: ['initial', 'max'], momentum: ['max', 'base'] },
          { end: t - 1, lr: ['max', 'min'], momentum: ['base', 'max'] },
        ];
    this.cycleMomentum = o.cycleMomentum === undefined ? true : checkBoolean(who, 'cycleMomentum', o.cycleMomentum);
    const base = checkNumber(who, 'baseMomentum', o.baseMomentum ?? 0.85, { min: 0, below: 1 });
    this.momenta = { base, max: checkNumber(who, 'maxMomentum', o.maxMomentum ?? 0.95, { min: base, below: 1 }) };
    if (this.cycleMomentum) {
      groups.forEach((g, i) => {
        if (!('momentum' in g.options) && !('betas' in g.options)) {
          throw new ValueError(
            `${who}: cycleMomentum needs an optimizer with momentum or betas; group ${i} has neither (pass cycleMomentum: false)`,
          );
        }
      });
    }
    this.applyLrs();
  }

  #at(step: number, values: (phase: Phase) => [number, number]): number {
    if (step > this.totalSteps) {
      throw new ValueError(`OneCycleLR.step: stepped ${step} times, but totalSteps is ${this.totalSteps}`);
    }
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const phase = this.phases[i];
      if (step <= phase.end || i === this.phases.length - 1) {
        // Clamped: at step == totalSteps PyTorch extrapolates past the end (cos climbs back up,
        // linear goes below zero); here the last step holds the final value.
        const pct = Math.min(1, (step - start) / (phase.end - start));
        const [a, b] = values(phase);
        return this.anneal === 'cos' ? b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1) : (b - a) * pct + a;
      }
      start = phase.end;
    }
    return NaN;
  }

  /** @internal The step count a state dict may hold: at most `totalSteps`. */
  override get maxEpoch(): number {
    return this.totalSteps;
  }

  lrAt(epoch: number, _baseLr: number, group: number): number {
    const lrs = this.lrs[group];
    return this.#at(epoch, (p) => [lrs[p.lr[0]], lrs[p.lr[1]]]);
  }

  /** The momentum (or β1) the schedule gives after `step` steps. */
  momentumAt(step: number): number {
    return this.#at(step, (p) => [this.momenta[p.momentum[0]], this.momenta[p.momentum[1]]]);
  }

  protected override applyLrs(): void {
    super.applyLrs();
    if (!this.cycleMomentum) return;
    const m = this.momentumAt(this.lastEpoch);
    for (const g of this.optimizer.paramGroups) {
      const o = g.options as { momentum?: number; betas?: readonly [number, number] };
      const set = g.set as (patch: object) => void;
      if (o.betas !== undefined) set({ betas: [m, o.betas[1]] });
      else set({ momentum: m });
    }
  }
}
