import { checkInteger, checkOneOf, noGrad, Rng, type Tensor } from '@tapegrad/core';
import { type Module, softmaxCrossEntropy } from '@tapegrad/nn';
import { epochBatches, replacementBatches } from './batches';
import { epochProgress } from './progress';
import { accuracyOf, evaluateAccuracy } from './accuracy';

/** Inputs and int32 class labels. */
export interface DataSplit {
  x: Tensor;
  labels: Tensor;
}

/** What {@link fit} needs of an optimiser (every `@tapegrad/nn` optimiser has it). */
export interface Stepper {
  zeroGrad(): void;
  step(): void;
}

/** One epoch of {@link fit}'s history. */
export interface EpochRecord {
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Accuracy over the epoch's batches as they were trained (running, like Keras). */
  trainAccuracy: number;
  /** Accuracy on `evalSet` after the epoch, when one was given. */
  evalAccuracy?: number;
  /** Wall time since the start of training. */
  seconds: number;
}

/** How {@link fit} draws an epoch's batches (see {@link FitOptions.sampling}). */
export type FitSampling = 'shuffle' | 'replacement';

const SAMPLINGS: readonly FitSampling[] = ['shuffle', 'replacement'];

/** Options of {@link fit}. */
export interface FitOptions {
  epochs: number;
  batchSize: number;
  rng: Rng;
  /**
   * How an epoch's batches are drawn: `'shuffle'` (default) a fresh permutation cut into
   * consecutive batches, every row once; `'replacement'` each batch drawn with replacement, as
   * the book's `Trainer` (`np.random.choice`) and PyTorch's `RandomSampler(replacement=True)`.
   * Either way an epoch is `floor(n / batchSize)` steps.
   */
  sampling?: FitSampling;
  /** Evaluated after every epoch (e.g. the test set). */
  evalSet?: DataSplit;
  /** Called after each optimiser step with the batch loss (e.g. to record a loss curve). */
  afterStep?: (step: { epoch: number; iter: number; iters: number; loss: number }) => void;
  /** Called after each epoch with its record. */
  afterEpoch?: (record: EpochRecord) => void;
  log?: (line: string) => void;
  /** No progress output at all. */
  quiet?: boolean;
}

/**
 * A plain classification training loop: shuffled mini-batches (or drawn with replacement, as
 * the book's `Trainer`: `sampling: 'replacement'`), softmax cross-entropy, one
 * optimiser step per batch, a progress bar (or lines when not on a terminal) and a per-epoch
 * record with loss, running train accuracy and the accuracy on `evalSet`.
 *
 * @example
 * const history = fit(model, new Adam(model.parameters(), { lr: 1e-3 }), train,
 *   { epochs: 3, batchSize: 100, rng: new Rng(1), evalSet: test });
 */
export function fit(
  model: { forward(x: Tensor): Tensor } & Module,
  optimizer: Stepper,
  train: DataSplit,
  options: FitOptions,
): EpochRecord[] {
  checkInteger('fit', 'options.epochs', options.epochs, { min: 0 });
  checkInteger('fit', 'options.batchSize', options.batchSize, { min: 1 });
  const batches =
    checkOneOf('fit', 'options.sampling', options.sampling ?? 'shuffle', SAMPLINGS) === 'shuffle'
      ? epochBatches
      : replacementBatches;
  const log = options.log ?? ((line: string) => console.log(line));
  const history: EpochRecord[] = [];
  const t0 = performance.now();
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    model.train();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    const total = Math.max(1, Math.floor(train.x.shape[0] / options.batchSize));
    const progress = epochProgress(epoch, options.epochs, total, log, { quiet: options.quiet });
    for (const { x, t, iter, iters } of batches(train.x, train.labels, options.batchSize, options.rng)) {
      const logits = model.forward(x);
      const loss = softmaxCrossEntropy(logits, t);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      const n = x.shape[0];
      const value = loss.item();
      options.afterStep?.({ epoch, iter, iters, loss: value });
      lossSum += value * n;
      correct += noGrad(() => accuracyOf(logits, t)) * n;
      seen += n;
      progress.update(iter + 1, { loss: lossSum / seen, acc: correct / seen });
    }
    progress.stop();
    model.eval();
    const record: EpochRecord = {
      epoch,
      loss: lossSum / seen,
      trainAccuracy: correct / seen,
      seconds: (performance.now() - t0) / 1000,
    };
    if (options.evalSet) {
      record.evalAccuracy = evaluateAccuracy((x) => model.forward(x), options.evalSet.x, options.evalSet.labels);
      record.seconds = (performance.now() - t0) / 1000;
    }
    history.push(record);
    options.afterEpoch?.(record);
  }
  return history;
}
