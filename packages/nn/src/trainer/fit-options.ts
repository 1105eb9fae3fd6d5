import {
  Rng,
  Tensor,
  ValueError,
  checkBoolean,
  checkFunction,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkTensor,
  describe,
  noGrad,
} from '@tapegrad/core';
import { DataLoader, type Sample, TensorDataset, takeRows, trainTestSplit } from '@tapegrad/datasets';
import { LRScheduler } from '../optim/lr-scheduler';
import { ReduceLROnPlateau } from '../optim/reduce-lr-on-plateau';
import type { Callback, EarlyStoppingOptions } from './callbacks';
import type { OutputStream } from './progress';

/** Batches `Trainer.fit` can train on: a `DataLoader`, or any iterable of `{ x, t }` with a batch count. */
export interface BatchSource extends Iterable<Sample> {
  /** Batches per epoch. */
  readonly length: number;
}

/** How `validationSplit` picks the held-out rows. */
export type SplitMode = 'auto' | 'stratified' | 'random' | 'last';

/** Options of `Trainer.fit`. */
export interface FitOptions {
  /** Epochs (default 10). */
  maxEpoch?: number;
  /** Rows per batch (default 32); each epoch runs ⌊N / batchSize⌋ batches, as the book. (x, t) form only. */
  batchSize?: number;
  /**
   * Drop the last, smaller batch of an epoch (default true, as the book's Trainer). `false` also
   * trains on it, as the lecture's `gen_batch`: ⌈N / batchSize⌉ batches per epoch. (x, t) form only.
   */
  dropLast?: boolean;
  /** Record (and print) every this many iterations (default once per epoch). */
  evalInterval?: number;
  /** Clip the global gradient norm to this (the book's `max_grad`). */
  maxGrad?: number;
  /** Shuffle rows every epoch (default true). (x, t) form only. */
  shuffle?: boolean;
  /** Generator of the shuffles and of the validation split (default `new Rng(0)`). (x, t) form only. */
  rng?: Rng;
  /** Held-out data evaluated at every epoch end: tensors, or a loader. */
  validation?: { x: Tensor; t: Tensor } | BatchSource;
  /** Hold out this fraction of the rows (see `splitMode`). (x, t) form only. */
  validationSplit?: number;
  /**
   * Which rows `validationSplit` holds out: `'auto'` (default) is `'stratified'` for class
   * targets (int32 `[N]` or one-hot `[N, C]`) and `'random'` otherwise, both shuffled with `rng`;
   * `'last'` keeps the old behaviour (the last rows, as Keras).
   */
  splitMode?: SplitMode;
  /** Lecture-style penalties added to the gradients: `(l1·sign(w) + l2·w) / batchSize`. */
  penalty?: { l1?: number; l2?: number };
  /** A schedule, stepped once per epoch (or per batch, see `schedulerInterval`). */
  scheduler?: LRScheduler | ReduceLROnPlateau;
  /** `'epoch'` (default) or `'batch'` (for OneCycleLR). */
  schedulerInterval?: 'epoch' | 'batch';
  callbacks?: readonly Callback[];
  earlyStopping?: EarlyStoppingOptions;
  /** 0 prints nothing; 1 (default) prints progress. */
  verbose?: 0 | 1;
  /** `'auto'` (default): a live bar on a terminal, the book's lines otherwise. */
  progress?: 'auto' | 'bar' | 'lines';
  /** Where progress goes (default process.stdout; the console in a browser). */
  output?: OutputStream;
}

const FIT_KEYS = [
  'maxEpoch',
  'batchSize',
  'dropLast',
  'evalInterval',
  'maxGrad',
  'shuffle',
  'rng',
  'validation',
  'validationSplit',
  'splitMode',
  'penalty',
  'scheduler',
  'schedulerInterval',
  'callbacks',
  'earlyStopping',
  'verbose',
  'progress',
  'output',
] as const;

const TENSOR_ONLY = ['batchSize', 'dropLast', 'shuffle', 'rng', 'validationSplit', 'splitMode'] as const;

/** The checked options of one `fit` call, with the training and validation batches. */
export interface FitPlan {
  train: BatchSource;
  validation: BatchSource | null;
  maxEpoch: number;
  evalInterval: number | null;
  maxGrad: number | undefined;
  penalty: { l1?: number; l2?: number } | undefined;
  scheduler: LRScheduler | ReduceLROnPlateau | undefined;
  schedulerInterval: 'epoch' | 'batch';
  callbacks: readonly Callback[];
  earlyStopping: EarlyStoppingOptions | undefined;
  verbose: 0 | 1;
  progress: 'auto' | 'bar' | 'lines';
  output: OutputStream | undefined;
}

/** @internal Checks a loader-like argument. */
export function checkSource(who: string, name: string, v: unknown): BatchSource {
  const s = v as Partial<BatchSource> | null;
  if (s === null || typeof s !== 'object' || typeof s[Symbol.iterator] !== 'function' || typeof s.length !== 'number') {
    throw new ValueError(
      `${who}: ${name} must be a DataLoader (an iterable of { x, t } with a length), got ${describe(v)}`,
    );
  }
  return s as BatchSource;
}

/**
 * Validates `fit`'s arguments — every option known, typed and in range — and builds the batches:
 * a `DataLoader` over the (x, t) rows (after the validation split), or the given loader.
 *
 * @example
 * const plan = planFit([x, t, { maxEpoch: 3 }]);
 * plan.train.length; // batches per epoch
 */
export function planFit(args: readonly unknown[]): FitPlan {
  const who = 'Trainer.fit';
  const fromTensors = args[0] instanceof Tensor;
  const raw = fromTensors ? args[2] : args[1];
  if (args.length > (fromTensors ? 3 : 2)) throw new ValueError(`${who}: too many arguments (${args.length})`);
  const o = checkOptions(who, raw, FIT_KEYS);
  const int = (k: 'maxEpoch' | 'evalInterval', min: number, dflt?: number): number | undefined =>
    o[k] === undefined ? dflt : checkInteger(who, k, o[k], { min });
  const plan: Omit<FitPlan, 'train' | 'validation'> = {
    maxEpoch: int('maxEpoch', 0, 10)!,
    evalInterval: int('evalInterval', 1) ?? null,
    maxGrad: o.maxGrad === undefined ? undefined : checkNumber(who, 'maxGrad', o.maxGrad, { above: 0 }),
    penalty: o.penalty === undefined ? undefined : checkPenalty(o.penalty),
    scheduler: o.scheduler === undefined ? undefined : checkScheduler(o.scheduler),
    schedulerInterval: checkOneOf(who, 'schedulerInterval', o.schedulerInterval ?? 'epoch', [
      'epoch',
      'batch',
    ] as const),
    callbacks: o.callbacks === undefined ? [] : checkCallbacks(o.callbacks),
    earlyStopping: o.earlyStopping as EarlyStoppingOptions | undefined,
    verbose: checkOneOf(who, 'verbose', o.verbose ?? 1, [0, 1] as const),
    progress: checkOneOf(who, 'progress', o.progress ?? 'auto', ['auto', 'bar', 'lines'] as const),
    output: o.output === undefined ? undefined : checkOutput(o.output),
  };
  if (plan.scheduler instanceof ReduceLROnPlateau && plan.schedulerInterval === 'batch') {
    throw new ValueError(`${who}: ReduceLROnPlateau steps once per epoch (with the epoch's metric), not per batch`);
  }
  if (!fromTensors) {
    const loader = checkSource(who, 'the first argument', args[0]);
    for (const k of TENSOR_ONLY) {
      if (o[k] !== undefined)
        throw new ValueError(`${who}: ${k} applies to fit(x, t); with a DataLoader set it on the loader`);
    }
    if (loader.length < 1) throw new ValueError(`${who}: the loader yields no batches`);
    return { ...plan, train: loader, validation: validationSource(o.validation) };
  }
  const x = checkTensor(who, 'x', args[0]);
  const t = checkTensor(who, 't', args[1]);
  if (x.ndim < 1 || t.ndim < 1 || x.shape[0] !== t.shape[0]) {
    throw new ValueError(`${who}: x has ${x.shape[0] ?? 0} rows but t has ${t.shape[0] ?? 0}`);
  }
  const batchSize = o.batchSize === undefined ? 32 : checkInteger(who, 'batchSize', o.batchSize, { min: 1 });
  const shuffle = o.shuffle === undefined ? true : checkBoolean(who, 'shuffle', o.shuffle);
  const dropLast = o.dropLast === undefined ? true : checkBoolean(who, 'dropLast', o.dropLast);
  if (o.rng !== undefined && !(o.rng instanceof Rng))
    throw new ValueError(`${who}: rng must be an Rng, got ${describe(o.rng)}`);
  const rng = (o.rng as Rng | undefined) ?? new Rng(0);
  const split = splitValidation(x, t, o.validation, o.validationSplit, o.splitMode, rng);
  const n = split.x.shape[0];
  if (n === 0) throw new ValueError(`${who}: no training rows`);
  // With fewer rows than one batch, the book's Trainer still runs one (smaller) batch.
  const train = new DataLoader(new TensorDataset(split.x, split.t), {
    batchSize,
    shuffle,
    dropLast: dropLast && n >= batchSize,
    rng,
  });
  return { ...plan, train, validation: split.validation };
}

function validationSource(v: unknown): BatchSource | null {
  if (v === undefined) return null;
  if (v !== null && typeof v === 'object' && 'x' in v && 't' in v && !(Symbol.iterator in v)) {
    const x = checkTensor('Trainer.fit', 'validation.x', (v as { x: unknown }).x);
    const t = checkTensor('Trainer.fit', 'validation.t', (v as { t: unknown }).t);
    if (x.ndim < 1 || t.ndim < 1 || x.shape[0] !== t.shape[0]) {
      throw new ValueError(
        `Trainer.fit: validation.x has ${x.shape[0] ?? 0} rows but validation.t has ${t.shape[0] ?? 0}`,
      );
    }
    return new DataLoader(new TensorDataset(x, t), { batchSize: 1024 });
  }
  return checkSource('Trainer.fit', 'validation', v);
}

/** True for class targets: int32 labels `[N]`, or 0/1 rows `[N, C≥2]` with a single 1 each. */
export function isClassTargets(t: Tensor): boolean {
  if (t.ndim === 1) return t.dtype === 'int32';
  if (t.ndim !== 2 || t.shape[1] < 2) return false;
  const c = t.shape[1];
  for (let i = 0; i < t.shape[0]; i++) {
    let ones = 0;
    for (let j = 0; j < c; j++) {
      const v = t.data[i * c + j];
      if (v === 1) ones++;
      else if (v !== 0) return false;
    }
    if (ones !== 1) return false;
  }
  return true;
}

function splitValidation(
  x: Tensor,
  t: Tensor,
  validation: unknown,
  validationSplit: unknown,
  splitMode: unknown,
  rng: Rng,
): { x: Tensor; t: Tensor; validation: BatchSource | null } {
  const who = 'Trainer.fit';
  if (validation !== undefined && validationSplit !== undefined) {
    throw new ValueError(`${who}: give either validation or validationSplit, not both`);
  }
  const mode = checkOneOf(who, 'splitMode', splitMode ?? 'auto', ['auto', 'stratified', 'random', 'last'] as const);
  if (validationSplit === undefined) {
    if (splitMode !== undefined) throw new ValueError(`${who}: splitMode needs validationSplit`);
    return { x, t, validation: validationSource(validation) };
  }
  const share = checkNumber(who, 'validationSplit', validationSplit, { above: 0, below: 1 });
  const n = x.shape[0];
  if (n < 2) throw new ValueError(`${who}: validationSplit needs at least 2 rows, got ${n}`);
  const loader = (vx: Tensor, vt: Tensor): BatchSource =>
    new DataLoader(new TensorDataset(vx, vt), { batchSize: 1024 });
  if (mode === 'last') {
    const cut = n - Math.max(1, Math.floor(n * share));
    const rows = (a: number, b: number): Int32Array => Int32Array.from({ length: b - a }, (_, i) => a + i);
    return noGrad(() => ({
      x: takeRows(x, rows(0, cut)),
      t: takeRows(t, rows(0, cut)),
      validation: loader(takeRows(x, rows(cut, n)), takeRows(t, rows(cut, n))),
    }));
  }
  const stratify = mode === 'stratified' || (mode === 'auto' && isClassTargets(t));
  const testSize = Math.min(n - 1, Math.max(1, Math.ceil(n * share)));
  const s = trainTestSplit(x, t, { testSize, stratify, rng });
  return { x: s.xTrain, t: s.tTrain, validation: loader(s.xTest, s.tTest) };
}

function checkPenalty(v: unknown): { l1?: number; l2?: number } {
  const o = checkOptions('Trainer.fit: penalty', v, ['l1', 'l2']);
  return {
    l1: o.l1 === undefined ? undefined : checkNumber('Trainer.fit', 'penalty.l1', o.l1, { min: 0 }),
    l2: o.l2 === undefined ? undefined : checkNumber('Trainer.fit', 'penalty.l2', o.l2, { min: 0 }),
  };
}

function checkScheduler(v: unknown): LRScheduler | ReduceLROnPlateau {
  if (v instanceof LRScheduler || v instanceof ReduceLROnPlateau) return v;
  throw new ValueError(`Trainer.fit: scheduler must be an LRScheduler or ReduceLROnPlateau, got ${describe(v)}`);
}

function checkCallbacks(v: unknown): readonly Callback[] {
  if (!Array.isArray(v)) throw new ValueError(`Trainer.fit: callbacks must be an array, got ${describe(v)}`);
  v.forEach((cb, i) => {
    if (cb === null || typeof cb !== 'object') {
      throw new ValueError(
        `Trainer.fit: callbacks[${i}] must be an object with onRecord/onEpochEnd/onTrainEnd, got ${describe(cb)}`,
      );
    }
  });
  return v as readonly Callback[];
}

function checkOutput(v: unknown): OutputStream {
  checkFunction('Trainer.fit', 'output.write', (v as { write?: unknown } | null)?.write);
  return v as OutputStream;
}
