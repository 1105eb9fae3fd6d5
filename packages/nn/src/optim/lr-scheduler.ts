import { ValueError } from '@tapegrad/core';
import type { OptimizerLike } from './optimizer';

/**
 * Base of the learning-rate schedules: each is a closed-form factor of the optimiser's initial
 * lr as a function of the number of `step()` calls (usually one per epoch), so a schedule can
 * be resumed from `lastEpoch` alone.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let e = 0; e < 100; e++) { train(); sched.step(); }
 */
export abstract class LRScheduler {
  /** The lr the optimiser had when the schedule was made. */
  readonly baseLr: number;
  /** How many times `step()` was called. */
  lastEpoch = 0;

  constructor(readonly optimizer: Pick<OptimizerLike, 'lr'>) {
    this.baseLr = optimizer.lr;
  }

  /** The factor of `baseLr` after `epoch` steps. */
  abstract factor(epoch: number): number;

  /** The current learning rate. */
  get lr(): number {
    return this.optimizer.lr;
  }

  /**
   * Advances one epoch and sets the optimiser's lr.
   *
   * @example
   * sched.step();
   * opt.lr; // the new rate
   */
  step(): void {
    this.lastEpoch++;
    this.optimizer.lr = this.baseLr * this.factor(this.lastEpoch);
  }
}

/**
 * Multiplies the lr by `gamma` every `stepSize` epochs.
 *
 * @example
 * new StepLR(opt, { stepSize: 10, gamma: 0.5 }); // lr, …, lr/2 from epoch 10, lr/4 from 20
 * sched.step();
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Pick<OptimizerLike, 'lr'>, options: { stepSize: number; gamma?: number }) {
    super(optimizer);
    if (!(Number.isInteger(options.stepSize) && options.stepSize > 0)) {
      throw new ValueError(`StepLR: stepSize must be a positive integer, got ${options.stepSize}`);
    }
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
  }

  factor(epoch: number): number {
    return this.gamma ** Math.floor(epoch / this.stepSize);
  }
}

/**
 * Multiplies the lr by `gamma` every epoch.
 *
 * @example
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 * sched.step(); // lr·0.95
 */
export class ExponentialLR extends LRScheduler {
  constructor(
    optimizer: Pick<OptimizerLike, 'lr'>,
    readonly options: { gamma: number },
  ) {
    super(optimizer);
  }

  factor(epoch: number): number {
    return this.options.gamma ** epoch;
  }
}

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

  constructor(optimizer: Pick<OptimizerLike, 'lr'>, options: { tMax: number; etaMin?: number }) {
    super(optimizer);
    if (!(options.tMax > 0)) throw new ValueError(`CosineAnnealingLR: tMax must be > 0, got ${options.tMax}`);
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
  }

  factor(epoch: number): number {
    const t = Math.min(epoch, this.tMax);
    const eta = this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * t) / this.tMax))) / 2;
    return this.baseLr === 0 ? 0 : eta / this.baseLr;
  }
}

/**
 * Linear warm-up from `startFactor`·lr to lr over `warmupEpochs`, then (optionally) another
 * schedule counted from the end of the warm-up. Sets the warm-up's first lr immediately.
 *
 * @example
 * const sched = new WarmupLR(opt, { warmupEpochs: 5, after: (o) => new CosineAnnealingLR(o, { tMax: 95 }) });
 * sched.step();
 */
export class WarmupLR extends LRScheduler {
  readonly warmupEpochs: number;
  readonly startFactor: number;
  private readonly after: LRScheduler | null;

  constructor(
    optimizer: Pick<OptimizerLike, 'lr'>,
    options: {
      warmupEpochs: number;
      startFactor?: number;
      after?: (optimizer: Pick<OptimizerLike, 'lr'>) => LRScheduler;
    },
  ) {
    super(optimizer);
    if (!(Number.isInteger(options.warmupEpochs) && options.warmupEpochs > 0)) {
      throw new ValueError(`WarmupLR: warmupEpochs must be a positive integer, got ${options.warmupEpochs}`);
    }
    this.warmupEpochs = options.warmupEpochs;
    this.startFactor = options.startFactor ?? 1 / (options.warmupEpochs + 1);
    this.after = options.after ? options.after(optimizer) : null;
    optimizer.lr = this.baseLr * this.factor(0);
  }

  factor(epoch: number): number {
    if (epoch < this.warmupEpochs) return this.startFactor + ((1 - this.startFactor) * epoch) / this.warmupEpochs;
    return this.after ? this.after.factor(epoch - this.warmupEpochs) : 1;
  }
}
