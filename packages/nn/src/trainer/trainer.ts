import {
  Tensor,
  ValueError,
  checkFunction,
  checkInteger,
  checkOptions,
  checkTensor,
  concat,
  describe,
  noGrad,
} from '@tapegrad/core';
import { DataLoader, TensorDataset } from '@tapegrad/datasets';
import { Module } from '../module';
import type { OptimizerLike } from '../optim/optimizer';
import { ReduceLROnPlateau } from '../optim/reduce-lr-on-plateau';
import { applyPenalty, clipGradNorm } from '../optim/regularization';
import { type TrainRecordOf, History, TrainRecord } from './history';
import { accuracy } from './metrics';
import { type ProgressReporter, makeReporter } from './progress';
import { type Callback, EarlyStopping } from './callbacks';
import { type BatchSource, type FitOptions, type FitPlan, checkSource, planFit } from './fit-options';
import { type FitShape, type PlotFiles, type PlotOptions, drawHistory } from './plot';

export type { BatchSource, FitOptions, SplitMode } from './fit-options';

/** A model the Trainer can drive: a Module mapping a batch to outputs. */
export type Model = { forward(x: Tensor): Tensor } & Module;

/** A loss: a function of (outputs, targets), or a loss module. */
export type LossFn = ((y: Tensor, t: Tensor) => Tensor) | ({ forward(y: Tensor, t: Tensor): Tensor } & Module);

/** A metric of (outputs, targets); `'auto'` is {@link accuracy} for `[N, C≥2]` outputs, else none. */
export type Metric = ((y: Tensor, t: Tensor) => number) | 'auto' | null;

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
    const o = checkOptions('Trainer', options, ['loss', 'metric']);
    if (!(model instanceof Module)) throw new ValueError(`Trainer: model must be a Module, got ${describe(model)}`);
    const opt = this.optimizer as Partial<OptimizerLike> | null;
    if (opt === null || typeof opt !== 'object' || typeof opt.step !== 'function') {
      throw new ValueError(`Trainer: optimizer must be an Optimizer, got ${describe(this.optimizer)}`);
    }
    const loss = o.loss;
    if (loss instanceof Module)
      this.loss = (y, t) => (loss as { forward(y: Tensor, t: Tensor): Tensor } & Module).forward(y, t);
    else this.loss = checkFunction<(y: Tensor, t: Tensor) => Tensor>('Trainer', 'loss', loss);
    const metric = o.metric === undefined ? 'auto' : o.metric;
    if (metric !== 'auto' && metric !== null) checkFunction('Trainer', 'metric', metric);
    this.metric = metric as Metric;
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
    checkOptions('Trainer.trainStep', options, ['maxGrad', 'penalty']);
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
   * Trains for `maxEpoch` epochs on `(x, t)` — batched by a `DataLoader` over the rows — or on a
   * `DataLoader` you built, and returns the History (also kept in `this.history`). Unknown or
   * invalid options are ValueErrors.
   *
   * @example
   * const h = trainer.fit(x, t, { maxEpoch: 300, batchSize: 30, evalInterval: 10 });
   * trainer.fit(new DataLoader(new TensorDataset(x, t), { batchSize: 30, shuffle: true }), { maxEpoch: 300 });
   */
  fit(x: Tensor, t: Tensor, options?: FitOptions): History;
  fit(loader: BatchSource, options?: FitOptions): History;
  fit(...args: unknown[]): History {
    const plan = planFit(args);
    const itersPerEpoch = plan.train.length;
    const evalInterval = plan.evalInterval ?? itersPerEpoch;
    const reporter = makeReporter(plan.verbose, plan.progress, plan.output ?? process.stdout);
    const stopper = plan.earlyStopping ? new EarlyStopping(plan.earlyStopping, plan.validation !== null) : null;
    const callbacks: Callback[] = [...plan.callbacks, ...(stopper ? [stopper] : [])];
    const notes: string[] = [];
    let stopRequested = false;
    const ctx = {
      trainer: this,
      stop: () => {
        stopRequested = true;
      },
      log: (message: string) => void notes.push(message),
    };
    const start = Date.now();
    this.history = new History();
    this.fitShape = { itersPerEpoch, evalInterval };
    this.model.train();
    reporter.start({ maxEpoch: plan.maxEpoch, itersPerEpoch });
    try {
      for (let epoch = 1; epoch <= plan.maxEpoch && !stopRequested; epoch++) {
        this.#epoch(plan, epoch, start, evalInterval, reporter, callbacks, ctx);
      }
    } finally {
      reporter.stop();
    }
    for (const cb of callbacks) cb.onTrainEnd?.(ctx);
    for (const note of notes) {
      this.history = this.history.withNote(note);
      if (plan.verbose === 1) (plan.output ?? process.stdout).write(`${note}\n`);
    }
    return this.history;
  }

  #epoch(
    plan: FitPlan,
    epoch: number,
    start: number,
    evalInterval: number,
    reporter: ProgressReporter,
    callbacks: readonly Callback[],
    ctx: { trainer: Trainer; stop(): void; log(m: string): void },
  ): void {
    const { maxGrad, penalty, scheduler } = plan;
    const batches = plan.train[Symbol.iterator]();
    let lossSum = 0;
    let accSum = 0;
    let count = 0;
    let next = batches.next();
    for (let iter = 1; !next.done; iter++) {
      const { x: xb, t: tb } = next.value;
      // One batch ahead, so that the epoch's last batch is known before its record is made.
      next = batches.next();
      const step = this.trainStep(xb, tb, { maxGrad, penalty });
      if (plan.schedulerInterval === 'batch') (scheduler as { step(): void }).step();
      lossSum += step.loss;
      accSum += step.accuracy ?? 0;
      count++;
      reporter.iter(epoch, iter, lossSum / count, step.accuracy === null ? null : accSum / count);
      const epochEnd = next.done === true;
      if (iter % evalInterval !== 0 && !epochEnd) continue;
      let record: TrainRecordOf = TrainRecord({
        epoch,
        iter,
        loss: lossSum / count,
        accuracy: step.accuracy === null ? null : accSum / count,
        seconds: (Date.now() - start) / 1000,
        lr: this.optimizer.lr,
      });
      if (epochEnd && plan.validation !== null) {
        const v = this.evaluate(plan.validation);
        record = record.merge({ valLoss: v.loss, valAccuracy: v.accuracy });
      }
      lossSum = accSum = count = 0;
      this.history = this.history.push(record);
      reporter.record(record, plan.train.length);
      for (const cb of callbacks) cb.onRecord?.(record, ctx);
      if (!epochEnd) continue;
      for (const cb of callbacks) cb.onEpochEnd?.(record, ctx);
      if (scheduler instanceof ReduceLROnPlateau) {
        const key = scheduler.monitor ?? (plan.validation !== null ? 'valLoss' : 'loss');
        const value = record.get(key);
        if (value === null)
          throw new ValueError(`Trainer.fit: ReduceLROnPlateau monitors '${key}', which is not recorded`);
        scheduler.step(value);
      } else if (scheduler !== undefined && plan.schedulerInterval === 'epoch') scheduler.step();
    }
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
   * Mean loss and metric over `(x, t)` — or over the batches of a loader — in eval mode without
   * recording, weighting each batch by its rows. Over zero rows both are NaN (a mean of
   * nothing), never 0.
   *
   * @example
   * const { loss, accuracy } = trainer.evaluate(xTest, tTest, { batchSize: 100 });
   * trainer.evaluate(testLoader);
   */
  evaluate(x: Tensor, t: Tensor, options?: { batchSize?: number }): { loss: number; accuracy: number | null };
  evaluate(loader: BatchSource): { loss: number; accuracy: number | null };
  evaluate(...args: unknown[]): { loss: number; accuracy: number | null } {
    const who = 'Trainer.evaluate';
    let source: BatchSource;
    if (args[0] instanceof Tensor) {
      const x = checkTensor(who, 'x', args[0]);
      const t = checkTensor(who, 't', args[1]);
      const batchSize = checkBatchSize(who, args[2]);
      if (x.ndim < 1 || t.ndim < 1 || x.shape[0] !== t.shape[0]) {
        throw new ValueError(`${who}: x has ${x.shape[0] ?? 0} rows but t has ${t.shape[0] ?? 0}`);
      }
      source = new DataLoader(new TensorDataset(x, t), { batchSize });
    } else {
      if (args.length > 1) throw new ValueError(`${who}: with a loader, set batchSize on the loader`);
      source = checkSource(who, 'the first argument', args[0]);
    }
    return this.inEval(() => {
      let loss = 0;
      let acc: number | null = 0;
      let rows = 0;
      for (const { x: xb, t: tb } of source) {
        const y = this.model.forward(xb);
        const n = xb.shape[0];
        loss += this.loss(y, tb).item() * n;
        const s = this.score(y, tb);
        acc = s === null || acc === null ? null : acc + s * n;
        rows += n;
      }
      const hasMetric = this.metric !== null && acc !== null;
      if (rows === 0) return { loss: NaN, accuracy: hasMetric ? NaN : null };
      return { loss: loss / rows, accuracy: acc === null ? null : acc / rows };
    });
  }

  /**
   * The model's outputs for `x` in eval mode without recording (in batches).
   *
   * @example
   * const logits = trainer.predict(xTest);
   * trainer.predict(xTest, { batchSize: 256 }).argmax(1);
   */
  predict(x: Tensor, options?: { batchSize?: number }): Tensor {
    const who = 'Trainer.predict';
    checkTensor(who, 'x', x);
    const batchSize = checkBatchSize(who, options);
    if (x.ndim < 1) throw new ValueError(`${who}: x needs a batch axis, got shape [${x.shape.join(',')}]`);
    return this.inEval(() => {
      const n = x.shape[0];
      if (n <= batchSize) return this.model.forward(x);
      const outs: Tensor[] = [];
      for (let b = 0; b < n; b += batchSize) {
        outs.push(this.model.forward(x.slice([b, Math.min(n, b + batchSize)])));
      }
      return concat(outs, 0);
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

function checkBatchSize(who: string, options: unknown): number {
  const o = checkOptions(who, options, ['batchSize']);
  return o.batchSize === undefined ? 1024 : checkInteger(who, 'batchSize', o.batchSize, { min: 1 });
}
