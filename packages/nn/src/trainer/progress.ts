import { ProgressBar } from '#nn-platform';
import type { TrainRecordOf } from './history';

/** Where the Trainer writes progress: a writable stream (process.stdout by default; the console in a browser). */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
  cursorTo?: unknown;
}

/** How progress is shown. */
export interface ProgressReporter {
  start(info: { maxEpoch: number; itersPerEpoch: number }): void;
  /** After each training iteration. */
  iter(epoch: number, iter: number, loss: number, accuracy: number | null): void;
  /** At each evaluation (every `evalInterval` iterations and at epoch end). */
  record(record: TrainRecordOf, itersPerEpoch: number): void;
  stop(): void;
}

const fmt = (v: number | null, digits: number): string => (v === null ? '-' : v.toFixed(digits));

/**
 * The book's `Trainer` lines, for logs and pipes:
 * `| epoch 1 |  iter 10 / 10 | time 0[s] | loss 1.10`, with validation numbers appended when
 * there are any.
 *
 * @example
 * const r = new LineReporter(process.stdout);
 * r.record(TrainRecord({ epoch: 1, iter: 10, loss: 1.1 }), 10);
 */
export class LineReporter implements ProgressReporter {
  constructor(private readonly out: OutputStream) {}

  start(): void {}

  iter(): void {}

  record(r: TrainRecordOf, itersPerEpoch: number): void {
    let line = `| epoch ${r.epoch} |  iter ${r.iter} / ${itersPerEpoch} | time ${Math.floor(r.seconds)}[s] | loss ${r.loss.toFixed(2)}`;
    if (r.valLoss !== null) line += ` | val loss ${r.valLoss.toFixed(2)}`;
    if (r.valAccuracy !== null) line += ` | val acc ${r.valAccuracy.toFixed(3)}`;
    this.out.write(`${line}\n`);
  }

  stop(): void {}
}

/**
 * A live cli-progress bar over all iterations, showing epoch, running loss and accuracy (in a
 * terminal: not in a browser).
 *
 * @example
 * const r = new BarReporter(process.stdout);
 * r.start({ maxEpoch: 300, itersPerEpoch: 10 });
 */
export class BarReporter implements ProgressReporter {
  private bar: InstanceType<typeof ProgressBar> | null = null;
  private done = 0;
  private maxEpoch = 0;
  private val = '';

  constructor(private readonly out: OutputStream) {}

  start({ maxEpoch, itersPerEpoch }: { maxEpoch: number; itersPerEpoch: number }): void {
    this.maxEpoch = maxEpoch;
    this.bar = new ProgressBar({
      format:
        'epoch {epoch}/{maxEpoch} |{bar}| {percentage}% | iter {value}/{total} | loss {loss} | acc {acc}{val} | {duration_formatted}',
      barCompleteChar: '█',
      barIncompleteChar: '░',
      hideCursor: true,
      stream: this.out as never, // cli-progress types it as Node's WritableStream; it only writes
      etaBuffer: 50,
      fps: 10,
    });
    this.bar.start(maxEpoch * itersPerEpoch, 0, { epoch: 1, maxEpoch, loss: '-', acc: '-', val: '' });
  }

  iter(epoch: number, _iter: number, loss: number, accuracy: number | null): void {
    this.done++;
    this.bar?.update(this.done, {
      epoch,
      maxEpoch: this.maxEpoch,
      loss: fmt(loss, 4),
      acc: fmt(accuracy, 3),
      val: this.val,
    });
  }

  record(r: TrainRecordOf): void {
    if (r.valLoss !== null) this.val = ` | val loss ${fmt(r.valLoss, 4)} acc ${fmt(r.valAccuracy, 3)}`;
    this.bar?.update(this.done, { loss: fmt(r.loss, 4), acc: fmt(r.accuracy, 3), val: this.val });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/**
 * The reporter `Trainer.fit` uses: none for verbose 0, else a live bar on a terminal (or when
 * `mode` is `'bar'`) and the book's lines otherwise.
 *
 * @example
 * makeReporter(1, 'auto', process.stdout); // a BarReporter on a terminal
 */
export function makeReporter(verbose: 0 | 1, mode: 'auto' | 'bar' | 'lines', out: OutputStream): ProgressReporter {
  if (verbose === 0) return { start() {}, iter() {}, record() {}, stop() {} };
  const bar = mode === 'bar' || (mode === 'auto' && out.isTTY === true);
  return bar ? new BarReporter(out) : new LineReporter(out);
}
