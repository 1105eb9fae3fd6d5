import { List, Record, type RecordOf } from 'immutable';
import { INSPECT } from '@tapegrad/core';

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

// console.log of a record shows its fields, not Immutable's internals.
Object.defineProperty(TrainRecord.prototype, INSPECT, {
  value(this: TrainRecordOf): string {
    return this.toString();
  },
});

const COLUMNS: (keyof TrainRecordProps)[] = [
  'epoch',
  'iter',
  'loss',
  'accuracy',
  'valLoss',
  'valAccuracy',
  'seconds',
  'lr',
];

function cell(v: number | null): string {
  if (v === null) return '-';
  return Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2);
}

/**
 * The training history: an Immutable `List` of per-evaluation records, plus the book's
 * `loss_list`.
 *
 * @example
 * const history = trainer.fit(x, t, { maxEpoch: 300 });
 * history.lossList.at(-1); history.last?.accuracy;
 */
export class History {
  constructor(
    readonly records: List<TrainRecordOf> = List(),
    /** Messages of the run (early stopping, restored weights), in order. */
    readonly notes: List<string> = List(),
  ) {}

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
    return new History(this.records.push(record), this.notes);
  }

  /** The records as plain objects (`JSON.stringify(history)`). */
  toJSON(): TrainRecordProps[] {
    return this.records.map((r) => r.toObject()).toArray();
  }

  /**
   * A table of the records (the first and last five when there are more than ten) and the notes.
   *
   * @example
   * console.log(history); // History (300 records)\n epoch  iter  loss …
   */
  toString(): string {
    const all = this.records.toArray();
    const shown: (TrainRecordOf | null)[] = all.length > 10 ? [...all.slice(0, 5), null, ...all.slice(-5)] : all;
    const rows = shown.map((r) => (r === null ? COLUMNS.map(() => '…') : COLUMNS.map((k) => cell(r.get(k)))));
    const widths = COLUMNS.map((k, j) => Math.max(k.length, ...rows.map((r) => r[j].length)));
    const line = (cells: string[]): string => cells.map((c, j) => c.padStart(widths[j])).join('  ');
    const notes = this.notes.toArray().map((n) => `note: ${n}`);
    const n = all.length;
    return [
      `History (${n} record${n === 1 ? '' : 's'})`,
      ...(n ? [line(COLUMNS), ...rows.map(line)] : []),
      ...notes,
    ].join('\n');
  }

  /** `console.log(history)` prints {@link History.toString}. */
  [INSPECT](): string {
    return this.toString();
  }

  /** A new History with `message` added to its notes. */
  withNote(message: string): History {
    return new History(this.records, this.notes.push(message));
  }
}
