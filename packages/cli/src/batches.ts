import { Rng, tensor, type Tensor } from '@tapegrad/core';

/**
 * The books' shuffled mini-batches for one epoch: `np.random.permutation`, then consecutive
 * slices of `batchSize`. A last, smaller batch is dropped, as the book's `data_size // batch_size`
 * does, unless `keepLast` (the lecture's `gen_batch` yields it).
 *
 * @example
 * for (const { x, t } of epochBatches(data.x, data.labels, 30, rng)) net.loss(x, t).backward();
 */
export function* epochBatches(
  x: Tensor,
  t: Tensor,
  batchSize: number,
  rng: Rng,
  keepLast = false,
): Generator<{ x: Tensor; t: Tensor; iter: number; iters: number }> {
  const n = x.shape[0];
  const iters = Math.max(1, keepLast ? Math.ceil(n / batchSize) : Math.floor(n / batchSize));
  const perm = rng.permutation(n);
  for (let i = 0; i < iters; i++) {
    const idx = tensor(perm.subarray(i * batchSize, Math.min(n, (i + 1) * batchSize)), { dtype: 'int32' });
    yield { x: x.gather(idx), t: t.gather(idx), iter: i, iters };
  }
}

/**
 * The book's `Trainer` batches for one epoch: `floor(n / batchSize)` batches (at least one), each
 * `batchSize` rows drawn independently with replacement (`np.random.choice(train_size,
 * batch_size)`, PyTorch's `RandomSampler(replacement=True)`), so an epoch sees about 63% of the
 * rows, some twice.
 *
 * @example
 * for (const { x, t } of replacementBatches(data.x, data.labels, 100, rng)) net.loss(x, t).backward();
 */
export function* replacementBatches(
  x: Tensor,
  t: Tensor,
  batchSize: number,
  rng: Rng,
): Generator<{ x: Tensor; t: Tensor; iter: number; iters: number }> {
  const n = x.shape[0];
  const iters = Math.max(1, Math.floor(n / batchSize));
  for (let i = 0; i < iters; i++) {
    const idx = randomBatch(n, batchSize, rng);
    yield { x: x.gather(idx), t: t.gather(idx), iter: i, iters };
  }
}

/**
 * `count` random row indices as an int32 tensor: the book's `np.random.choice(train_size, batch_size)`.
 *
 * @example
 * const idx = randomBatch(60000, 100, rng); x.gather(idx);
 */
export function randomBatch(n: number, count: number, rng: Rng): Tensor {
  const idx = new Int32Array(count);
  for (let i = 0; i < count; i++) idx[i] = rng.randint(0, n);
  return tensor(idx, { dtype: 'int32' });
}
