import { checkBoolean, checkInteger, checkOptions, describe, getDefaultRng, Rng, ValueError } from '@tapegrad/core';
import { checkDataset } from './checks';
import type { Dataset, Sample } from './dataset';

/**
 * Options of {@link DataLoader}.
 *
 * @example
 * const options: DataLoaderOptions = { batchSize: 100, shuffle: true, rng: new Rng(1984) };
 * new DataLoader(dataset, options);
 */
export interface DataLoaderOptions {
  /** Examples per batch (default 32). */
  batchSize?: number;
  /** Visit the examples in a new random order every epoch (default false: in order). */
  shuffle?: boolean;
  /** Skip the last batch when it is smaller than `batchSize` (default false). */
  dropLast?: boolean;
  /** Generator for the shuffles (default: core's default generator, seeded by `manualSeed`). */
  rng?: Rng;
}

/**
 * Iterates a {@link Dataset} in batches of `{ x, t }` tensors. Every `for … of` over the loader
 * is one epoch; with `shuffle` each epoch draws a fresh permutation from `rng` (the book's
 * `np.random.permutation`), so a seeded `Rng` makes the whole run reproducible. Each batch is
 * one `getBatch` call: only that batch's rows are copied. Options are checked: a misspelled or
 * unsupported one (`numWorkers`, `collate`, …) is a ValueError, not silently ignored.
 *
 * @example
 * const loader = new DataLoader(new TensorDataset(x, t), { batchSize: 100, shuffle: true, rng: new Rng(0) });
 * for (let epoch = 0; epoch < 10; epoch++) for (const { x: xb, t: tb } of loader) step(xb, tb);
 */
export class DataLoader implements Iterable<Sample> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly rng: Rng;

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    const o = checkOptions('DataLoader', options, ['batchSize', 'shuffle', 'dropLast', 'rng']);
    this.dataset = checkDataset('DataLoader', 'dataset', dataset);
    this.batchSize = o.batchSize === undefined ? 32 : checkInteger('DataLoader', 'batchSize', o.batchSize, { min: 1 });
    this.shuffle = o.shuffle === undefined ? false : checkBoolean('DataLoader', 'shuffle', o.shuffle);
    this.dropLast = o.dropLast === undefined ? false : checkBoolean('DataLoader', 'dropLast', o.dropLast);
    if (o.rng !== undefined && !(o.rng instanceof Rng)) {
      throw new ValueError(`DataLoader: rng must be an Rng, got ${describe(o.rng)}`);
    }
    this.rng = o.rng ?? getDefaultRng();
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /**
   * The example order of one epoch (drawing a permutation when shuffling). Iterating the loader
   * calls this once per epoch.
   *
   * @example
   * const order = loader.epochOrder(); // Int32Array of dataset.length indices
   * order.length === loader.dataset.length;
   */
  epochOrder(): Int32Array {
    const n = this.dataset.length;
    if (this.shuffle) return this.rng.permutation(n);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return order;
  }

  *[Symbol.iterator](): Iterator<Sample> {
    const order = this.epochOrder();
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      yield this.dataset.getBatch(order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length)));
    }
  }
}
