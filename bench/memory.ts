/**
 * Figure D of `npm run bench`, run in a child process of its own so the baseline is small: RSS
 * after 1,000 and after N steps of figure C (tapegrad, spiral 2-10-3 sigmoid, batch 30).
 * Prints one JSON line: { stepsFirst, stepsEnd, rssFirstMB, rssEndMB, ratio, heapEndMB }.
 *
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register bench/memory.ts 100000
 */
import { Rng, Tensor } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { batches, permutation, tapegradTrainer } from './trainers';

const steps = Number(process.argv[2] ?? 100_000);
const sp = spiral();
const x = new Tensor(Float32Array.from(sp.x.data as ArrayLike<number>), sp.x.shape);
const labels = new Tensor(Int32Array.from(sp.labels.data as ArrayLike<number>), [sp.labels.size]);
const run = tapegradTrainer(x, labels, [2, 10, 3], batches(permutation(labels.size, new Rng(2)), 30), 1);
const first = 1000;
run(first);
const rssFirst = process.memoryUsage().rss;
run(steps - first);
const mem = process.memoryUsage();
const mb = (b: number): number => b / 2 ** 20;
console.log(
  JSON.stringify({
    stepsFirst: first,
    stepsEnd: steps,
    rssFirstMB: mb(rssFirst),
    rssEndMB: mb(mem.rss),
    ratio: mem.rss / rssFirst,
    heapEndMB: mb(mem.heapUsed),
  }),
);
