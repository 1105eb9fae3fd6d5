import { Rng, Tensor, ValueError, concat, gather, noGrad } from '@tapegrad/core';
import type { Module } from '../module';
import type { OptimizerLike } from '../optim/optimizer';
import type { LRScheduler } from '../optim/lr-scheduler';
import { applyPenalty, clipGradNorm } from '../optim/regularization';
import { type TrainRecordOf, History, TrainRecord } from './history';
import { accuracy } from './metrics';
import { BarReporter, LineReporter, type OutputStream, type ProgressReporter } from './progress';
import { type Callback, type EarlyStoppingOptions, EarlyStopping } from './callbacks';
import { type FitShape, type PlotFiles, type PlotOptions, drawHistory } from './plot';

/** A model the Trainer can drive: a Module mapping a batch to outputs. */
export type Model = Module & { forward(x: Tensor): Tensor };

/** A loss: a function of (outputs, targets), or a loss module. */
export type LossFn = ((y: Tensor, t: Tensor) => Tensor) | (Module & { forward(y: Tensor, t: Tensor): Tensor });

/** A metric of (outputs, targets); `'auto'` is {@link accuracy} for `[N, C≥2]` outputs, else none. */
export type Metric = ((y: Tensor, t: Tensor) => number) | 'auto' | null;

/** Options of {@link Trainer.fit}. */
export interface FitOptions {
  /** Epochs (default 10). */
  maxEpoch?: number;
  /** Rows per batch (default 32); each epoch runs ⌊N / batchSize⌋ batches, as the book. */
  batchSize?: number;
  /**
   * Drop the last, smaller batch of an epoch (default true, as the book's Trainer). `false` also
   * trains on it, as the lecture's `gen_batch`: ⌈N / batchSize⌉ batches per epoch.
   */
  dropLast?: boolean;
  /** Record (and print) every this many iterations (default once per epoch). */
  evalInterval?: number;
  /** Clip the global gradient norm to this (the book's `max_grad`). */
  maxGrad?: number;
  /** Shuffle rows every epoch (default true). */
  shuffle?: boolean;
  /** Generator of the shuffles (default `new Rng(0)`). */
  rng?: Rng;
  /** Held-out data evaluated at every epoch end. */
  validation?: { x: Tensor; t: Tensor };
  /** Hold out this fraction of the rows (the last ones, before shuffling) instead. */
  validationSplit?: number;
  /** Lecture-style penalties added to the gradients: `(l1·sign(w) + l2·w) / batchSize`. */
  penalty?: { l1?: number; l2?: number };
  /** Stepped once per epoch. */
  scheduler?: LRScheduler;
  callbacks?: readonly Callback[];
  earlyStopping?: EarlyStoppingOptions;
  /** 0 prints nothing; 1 (default) prints progress. */
  verbose?: 0 | 1;
  /** `'auto'` (default): a live bar on a terminal, the book's lines otherwise. */
  progress?: 'auto' | 'bar' | 'lines';
  /** Where progress goes (default process.stdout). */
  output?: OutputStream;
}

/** Options of the {@link Trainer} constructor. */
export interface TrainerOptions {
  loss: LossFn;
  metric?: Metric;
}

/**
 * The book's `Trainer`, grown up: mini-batch training with shuffling, gradient clipping,
 * penalties, validation, callbacks, early stopping and LR schedules, printing the book's lines
 * (or a live bar on a terminal) and returning a {@link History}.
 *
 * @example
 * const trainer = new Trainer(model, new SGD(model.parameters(), { lr: 1 }), { loss: softmaxCrossEntropy });
 * const history = trainer.fit(x, t, { maxEpoch: 300, batchSize: 30, evalInterval: 10 });
 */
export class Trainer {
  readonly loss: (y: Tensor, t: Tensor) => Tensor;
  readonly metric: ((y: Tensor, t: Tensor) => number) | null | 'auto';
  /** The history of the last (or running) `fit`. */
  history = new History();
  /** Batches per epoch and record interval of the last `fit`, for {@link Trainer.plot}. */
  private fitShape: FitShape | null = null;

  constructor(
    readonly model: Model,
    readonly optimizer: OptimizerLike,
    options: TrainerOptions,
  ) {
    const loss = options.loss;
    this.loss = typeof loss === 'function' ? loss : (y, t) => loss.forward(y, t);
    this.metric = options.metric === undefined ? 'auto' : options.metric;
  }

  private score(y: Tensor, t: Tensor): number | null {
    if (this.metric === null) return null;
    if (this.metric === 'auto') return y.ndim === 2 && y.shape[1] >= 2 ? accuracy(y, t) : null;
    return this.metric(y, t);
  }

  /**
   * One optimisation step on a batch; returns the loss and metric.
   *
   * @example
   * const { loss } = trainer.trainStep(xBatch, tBatch);
   * trainer.trainStep(xb, tb, { maxGrad: 5 });
   */
  trainStep(
    x: Tensor,
    t: Tensor,
    options: Pick<FitOptions, 'maxGrad' | 'penalty'> = {},
  ): { loss: number; accuracy: number | null } {
    const y = this.model.forward(x);
    const loss = this.loss(y, t);
    this.optimizer.zeroGrad();
    loss.backward();
    if (options.penalty) applyPenalty(this.optimizer.params.values(), { ...options.penalty, batchSize: x.shape[0] });
    if (options.maxGrad !== undefined) clipGradNorm(this.optimizer.params.values(), options.maxGrad);
    this.optimizer.step();
    return { loss: loss.item(), accuracy: noGrad(() => this.score(y, t)) };
  }

  /**
   * Trains for `maxEpoch` epochs and returns the History (also kept in `this.history`).
   *
   * @example
   * const h = trainer.fit(x, t, { maxEpoch: 300, batchSize: 30, evalInterval: 10 });
   * h.lossList.at(-1); // ≈ 0.11 on the book's spiral
   */
  fit(x: Tensor, t: Tensor, options: FitOptions = {}): History {
    const {
      maxEpoch = 10,
      batchSize = 32,
      shuffle = true,
      dropLast = true,
      verbose = 1,
      maxGrad,
      penalty,
      scheduler,
    } = options;
    checkInt('maxEpoch', maxEpoch, 0);
    checkInt('batchSize', batchSize, 1);
    if (x.shape[0] !== t.shape[0]) {
      throw new ValueError(`Trainer.fit: x has ${x.shape[0]} rows but t has ${t.shape[0]}`);
    }
    const [trainX, trainT, validation] = splitValidation(x, t, options);
    const n = trainX.shape[0];
    if (n === 0) throw new ValueError('Trainer.fit: no training rows');
    const itersPerEpoch = Math.max(1, dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize));
    const evalInterval = options.evalInterval ?? itersPerEpoch;
    checkInt('evalInterval', evalInterval, 1);
    const rng = options.rng ?? new Rng(0);
    const reporter = makeReporter(verbose, options.progress ?? 'auto', options.output ?? process.stdout);
    const stopper = options.earlyStopping ? new EarlyStopping(options.earlyStopping, validation !== null) : null;
    const callbacks: Callback[] = [...(options.callbacks ?? []), ...(stopper ? [stopper] : [])];
    let stopRequested = false;
    const ctx = {
      trainer: this,
      stop: () => {
        stopRequested = true;
      },
    };
    const start = Date.now();
    this.history = new History();
    this.fitShape = { itersPerEpoch, evalInterval };
    this.model.train();
    reporter.start({ maxEpoch, itersPerEpoch });
    try {
      for (let epoch = 1; epoch <= maxEpoch && !stopRequested; epoch++) {
        const order = shuffle ? rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
        let lossSum = 0;
        let accSum = 0;
        let count = 0;
        for (let iter = 1; iter <= itersPerEpoch; iter++) {
          const rows = order.subarray((iter - 1) * batchSize, Math.min(n, iter * batchSize));
          const idx = new Tensor(rows, [rows.length]);
          const xb = noGrad(() => gather(trainX, idx, 0));
          const tb = noGrad(() => gather(trainT, idx, 0));
          const step = this.trainStep(xb, tb, { maxGrad, penalty });
          lossSum += step.loss;
          accSum += step.accuracy ?? 0;
          count++;
          reporter.iter(epoch, iter, lossSum / count, step.accuracy === null ? null : accSum / count);
          const epochEnd = iter === itersPerEpoch;
          if (iter % evalInterval !== 0 && !epochEnd) continue;
          let record: TrainRecordOf = TrainRecord({
            epoch,
            iter,
            loss: lossSum / count,
            accuracy: step.accuracy === null ? null : accSum / count,
            seconds: (Date.now() - start) / 1000,
            lr: this.optimizer.lr,
          });
          if (epochEnd && validation !== null) {
            const v = this.evaluate(validation.x, validation.t);
            record = record.merge({ valLoss: v.loss, valAccuracy: v.accuracy });
          }
          lossSum = accSum = count = 0;
          this.history = this.history.push(record);
          reporter.record(record, itersPerEpoch);
          for (const cb of callbacks) cb.onRecord?.(record, ctx);
          if (epochEnd) for (const cb of callbacks) cb.onEpochEnd?.(record, ctx);
        }
        scheduler?.step();
      }
    } finally {
      reporter.stop();
    }
    for (const cb of callbacks) cb.onTrainEnd?.(ctx);
    return this.history;
  }

  /**
   * The book's `trainer.plot()`: draws the last `fit`'s loss curve (and validation loss), with
   * the metric (training and validation accuracy) in a second panel when one was recorded, into
   * `<file>.svg` and `<file>.png` (a `.png`/`.svg` ending is dropped; default `training` in the
   * working directory), and returns both paths. With one record per epoch the x axis is the
   * epoch, else iterations in units of `evalInterval` as in the book.
   *
   * The drawing is done by `@tapegrad/plot` (vega-lite and resvg), an optional peer dependency
   * loaded only here: without it this throws a {@link MissingPackageError} saying
   * `npm install @tapegrad/plot`.
   *
   * @example
   * trainer.fit(x, t, { maxEpoch: 300, batchSize: 30, evalInterval: 10 });
   * trainer.plot('runs/spiral/loss'); // { svg: '…/runs/spiral/loss.svg', png: '…/runs/spiral/loss.png' }
   * trainer.plot('loss.png', { ylim: [0, 1.2], title: 'spiral' });
   */
  plot(file = 'training', options: PlotOptions = {}): PlotFiles {
    if (this.fitShape === null || this.history.size === 0) {
      throw new ValueError('Trainer.plot: nothing recorded yet; call fit first');
    }
    return drawHistory(this.history, this.fitShape, file, this.metric === 'auto' ? 'accuracy' : 'metric', options);
  }

  /**
   * Mean loss and metric over `x` in eval mode without recording (in batches).
   *
   * @example
   * const { loss, accuracy } = trainer.evaluate(xTest, tTest);
   * trainer.evaluate(x, t, { batchSize: 100 });
   */
  evaluate(x: Tensor, t: Tensor, options: { batchSize?: number } = {}): { loss: number; accuracy: number | null } {
    const { batchSize = 1024 } = options;
    return this.inEval(() => {
      let loss = 0;
      let acc: number | null = 0;
      const n = x.shape[0];
      for (let b = 0; b < n; b += batchSize) {
        const idx = range(b, Math.min(n, b + batchSize));
        const y = this.model.forward(gather(x, idx, 0));
        const tb = gather(t, idx, 0);
        const w = idx.size / n;
        loss += this.loss(y, tb).item() * w;
        const s = this.score(y, tb);
        acc = s === null || acc === null ? null : acc + s * w;
      }
      return { loss, accuracy: acc };
    });
  }

  /**
   * The model's outputs for `x` in eval mode without recording (in batches).
   *
   * @example
   * const logits = trainer.predict(xTest);
   * logits.argmax(1);
   */
  predict(x: Tensor, options: { batchSize?: number } = {}): Tensor {
    const { batchSize = 1024 } = options;
    return this.inEval(() => {
      const outs: Tensor[] = [];
      for (let b = 0; b < x.shape[0]; b += batchSize) {
        outs.push(this.model.forward(gather(x, range(b, Math.min(x.shape[0], b + batchSize)), 0)));
      }
      return outs.length === 1 ? outs[0] : concat(outs, 0);
    });
  }

  private inEval<T>(fn: () => T): T {
    const was = this.model.training;
    this.model.eval();
    try {
      return noGrad(fn);
    } finally {
      this.model.train(was);
    }
  }
}

function range(a: number, b: number): Tensor {
  return new Tensor(
    Int32Array.from({ length: b - a }, (_, i) => a + i),
    [b - a],
  );
}

function checkInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min)
    throw new ValueError(`Trainer.fit: ${name} must be an integer ≥ ${min}, got ${v}`);
}

function splitValidation(x: Tensor, t: Tensor, options: FitOptions): [Tensor, Tensor, { x: Tensor; t: Tensor } | null] {
  const { validation, validationSplit } = options;
  if (validation && validationSplit !== undefined) {
    throw new ValueError('Trainer.fit: give either validation or validationSplit, not both');
  }
  if (validation) return [x, t, validation];
  if (validationSplit === undefined) return [x, t, null];
  if (!(validationSplit > 0 && validationSplit < 1)) {
    throw new ValueError(`Trainer.fit: validationSplit must be in (0, 1), got ${validationSplit}`);
  }
  const n = x.shape[0];
  const cut = n - Math.max(1, Math.floor(n * validationSplit));
  return noGrad(() => [
    gather(x, range(0, cut), 0),
    gather(t, range(0, cut), 0),
    { x: gather(x, range(cut, n), 0), t: gather(t, range(cut, n), 0) },
  ]);
}

function makeReporter(verbose: 0 | 1, mode: 'auto' | 'bar' | 'lines', out: OutputStream): ProgressReporter {
  if (verbose === 0) return { start() {}, iter() {}, record() {}, stop() {} };
  const bar = mode === 'bar' || (mode === 'auto' && out.isTTY === true);
  return bar ? new BarReporter(out) : new LineReporter(out);
}
