import { OrderedMap } from 'immutable';
import { type Tensor, ValueError } from '@tapegrad/core';
import type { TrainRecordOf, TrainRecordProps } from './history';

/** What callbacks get besides the record. */
export interface CallbackContext {
  /** The running Trainer (its model, optimizer and history). */
  readonly trainer: {
    readonly model: {
      stateDict(): OrderedMap<string, Tensor>;
      loadStateDict(sd: OrderedMap<string, Tensor>): void;
    };
  };
  /** Ends training after the current iteration. */
  stop(): void;
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
  private best = Infinity;
  private bad = 0;
  private bestWeights: OrderedMap<string, Tensor> | null = null;
  /** Epoch at which training was stopped, or null. */
  stoppedEpoch: number | null = null;

  constructor(
    readonly options: EarlyStoppingOptions,
    hasValidation: boolean,
  ) {
    if (!(Number.isInteger(options.patience) && options.patience >= 0)) {
      throw new ValueError(`earlyStopping: patience must be an integer ≥ 0, got ${options.patience}`);
    }
    this.monitor = options.monitor ?? (hasValidation ? 'valLoss' : 'loss');
    if (this.monitor.startsWith('val') && !hasValidation) {
      throw new ValueError(`earlyStopping: monitor '${this.monitor}' needs validation or validationSplit`);
    }
  }

  onEpochEnd(record: TrainRecordOf, ctx: CallbackContext): void {
    const raw = record.get(this.monitor) as number | null;
    if (raw === null) return;
    const value = this.monitor.endsWith('ccuracy') ? -raw : raw;
    if (value < this.best - (this.options.minDelta ?? 0)) {
      this.best = value;
      this.bad = 0;
      if (this.options.restoreBest) this.bestWeights = ctx.trainer.model.stateDict();
      return;
    }
    if (++this.bad >= this.options.patience) {
      this.stoppedEpoch = record.epoch;
      ctx.stop();
    }
  }

  onTrainEnd(ctx: CallbackContext): void {
    if (this.stoppedEpoch !== null && this.bestWeights !== null) ctx.trainer.model.loadStateDict(this.bestWeights);
  }
}
