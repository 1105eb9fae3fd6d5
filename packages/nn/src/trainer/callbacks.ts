import { ValueError, checkBoolean, checkInteger, checkNumber, checkOneOf, checkOptions } from '@tapegrad/core';
import type { StateDictInput } from '../state-dict';
import type { TrainRecordOf, TrainRecordProps } from './history';

/** What callbacks get besides the record. */
export interface CallbackContext {
  /** The running Trainer (its model, optimizer and history). */
  readonly trainer: {
    readonly model: {
      stateDict(): StateDictInput;
      loadStateDict(sd: StateDictInput): void;
    };
  };
  /** Ends training after the current iteration. */
  stop(): void;
  /** Records a message in the History's `notes` (and prints it after the run unless verbose is 0). */
  log?(message: string): void;
}

/**
 * Hooks called by `Trainer.fit`.
 *
 * @example
 * const log: Callback = { onEpochEnd: (r) => console.log(r.epoch, r.loss) };
 * trainer.fit(x, t, { callbacks: [log] });
 */
export interface Callback {
  /** After every record (every `evalInterval` iterations and at each epoch end). */
  onRecord?(record: TrainRecordOf, ctx: CallbackContext): void;
  /** After the epoch-end record (validation numbers included). */
  onEpochEnd?(record: TrainRecordOf, ctx: CallbackContext): void;
  /** Once training ends (normally or stopped). */
  onTrainEnd?(ctx: CallbackContext): void;
}

/** Options of early stopping. */
export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping. */
  patience: number;
  /** Which record field to watch (default `valLoss` with validation data, else `loss`). */
  monitor?: 'loss' | 'accuracy' | 'valLoss' | 'valAccuracy';
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Put back the best epoch's weights when stopping (default false). */
  restoreBest?: boolean;
}

/**
 * Stops when the monitored value has not improved for `patience` epochs (losses must fall,
 * accuracies rise). Used by `fit`'s `earlyStopping` option.
 *
 * @example
 * trainer.fit(x, t, { validationSplit: 0.2, earlyStopping: { patience: 5 } });
 * new EarlyStopping({ patience: 3, monitor: 'loss' }, false);
 */
export class EarlyStopping implements Callback {
  readonly monitor: keyof TrainRecordProps;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBest: boolean;
  private best = Infinity;
  private bad = 0;
  private bestWeights: StateDictInput | null = null;
  /** Epoch of the best monitored value so far, or null. */
  bestEpoch: number | null = null;
  /** Epoch at which training was stopped, or null. */
  stoppedEpoch: number | null = null;

  constructor(options: EarlyStoppingOptions, hasValidation: boolean) {
    const who = 'earlyStopping';
    const o = checkOptions(who, options, ['patience', 'monitor', 'minDelta', 'restoreBest']);
    this.patience = checkInteger(who, 'patience', o.patience, { min: 0 });
    this.minDelta = checkNumber(who, 'minDelta', o.minDelta ?? 0, { min: 0 });
    this.restoreBest = o.restoreBest === undefined ? false : checkBoolean(who, 'restoreBest', o.restoreBest);
    const monitor = o.monitor ?? (hasValidation ? 'valLoss' : 'loss');
    this.monitor = checkOneOf(who, 'monitor', monitor, ['loss', 'accuracy', 'valLoss', 'valAccuracy'] as const);
    if (this.monitor.startsWith('val') && !hasValidation) {
      throw new ValueError(`${who}: monitor '${this.monitor}' needs validation or validationSplit`);
    }
  }

  /** The best monitored value so far (as recorded, not negated). */
  get bestValue(): number | null {
    if (this.bestEpoch === null) return null;
    return this.monitor.endsWith('ccuracy') ? -this.best : this.best;
  }

  onEpochEnd(record: TrainRecordOf, ctx: CallbackContext): void {
    const raw = record.get(this.monitor) as number | null;
    if (raw === null) return;
    const value = this.monitor.endsWith('ccuracy') ? -raw : raw;
    if (value < this.best - this.minDelta) {
      this.best = value;
      this.bad = 0;
      this.bestEpoch = record.epoch;
      if (this.restoreBest) this.bestWeights = ctx.trainer.model.stateDict();
      return;
    }
    if (++this.bad >= this.patience) {
      this.stoppedEpoch = record.epoch;
      ctx.log?.(
        `EarlyStopping: stopped at epoch ${record.epoch}: ${this.monitor} did not improve for ${this.bad} ` +
          `epoch${this.bad === 1 ? '' : 's'} (best ${fmt(this.bestValue)} at epoch ${this.bestEpoch ?? '-'})`,
      );
      ctx.stop();
    }
  }

  onTrainEnd(ctx: CallbackContext): void {
    if (this.stoppedEpoch !== null && this.bestWeights !== null) {
      ctx.trainer.model.loadStateDict(this.bestWeights);
      ctx.log?.(
        `EarlyStopping: restored the weights of epoch ${this.bestEpoch} (${this.monitor} ${fmt(this.bestValue)})`,
      );
    }
  }
}

function fmt(v: number | null): string {
  return v === null ? '-' : v.toPrecision(4);
}
