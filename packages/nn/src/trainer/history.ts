import { List, Record, type RecordOf } from 'immutable';

/** What the Trainer records at each evaluation. */
export interface TrainRecordProps {
  /** 1-based epoch. */
  epoch: number;
  /** 1-based iteration within the epoch. */
  iter: number;
  /** Mean training loss since the previous record (the book's `avg_loss`). */
  loss: number;
  /** Mean training accuracy since the previous record, or null without a metric. */
  accuracy: number | null;
  /** Validation loss (epoch-end records with validation data), else null. */
  valLoss: number | null;
  /** Validation accuracy, else null. */
  valAccuracy: number | null;
  /** Seconds since `fit` started. */
  seconds: number;
  /** The learning rate in use. */
  lr: number;
}

/**
 * One row of a {@link History} (an Immutable Record).
 *
 * @example
 * const r = TrainRecord({ epoch: 1, iter: 10, loss: 1.1 });
 * r.loss; // 1.1
 */
export const TrainRecord = Record<TrainRecordProps>(
  { epoch: 0, iter: 0, loss: NaN, accuracy: null, valLoss: null, valAccuracy: null, seconds: 0, lr: NaN },
  'TrainRecord',
);

/** A record of a {@link History}. */
export type TrainRecordOf = RecordOf<TrainRecordProps>;

/**
 * The training history: an Immutable `List` of per-evaluation records, plus the book's
 * `loss_list`.
 *
 * @example
 * const history = trainer.fit(x, t, { maxEpoch: 300 });
 * history.lossList.at(-1); history.last?.accuracy;
 */
export class History {
  constructor(readonly records: List<TrainRecordOf> = List()) {}

  /** The mean losses in order, like the book's `trainer.loss_list`. */
  get lossList(): number[] {
    return this.records.map((r) => r.loss).toArray();
  }

  /** The last record, if any. */
  get last(): TrainRecordOf | undefined {
    return this.records.last();
  }

  /** Number of records. */
  get size(): number {
    return this.records.size;
  }

  /**
   * One field across all records.
   *
   * @example
   * history.column('valLoss'); // [null, ..., 0.12]
   * history.column('accuracy');
   */
  column<K extends keyof TrainRecordProps>(key: K): TrainRecordProps[K][] {
    return this.records.map((r) => r.get(key)).toArray();
  }

  /** A new History with `record` appended. */
  push(record: TrainRecordOf): History {
    return new History(this.records.push(record));
  }
}
