/**
 * Figure D of `npm run bench`, run in a child process of its own so the baseline is small: RSS
 * after 1,000 and after N steps of figure C (tapegrad, spiral 2-10-3 sigmoid, batch 30), and
 * after 5,000: V8 grows its young generation over the first ~2,000–5,000 steps (RSS 116 → 126
 * MB here, flat from then on; with --max-semi-space-size=1 it is flat at 107 MB from the
 * start), so the ratio from 5,000 tells a leak apart from that warm-up.
 * Prints one JSON line: { stepsFirst, stepsEnd, rssFirstMB, rssEndMB, ratio, stepsWarm,
 * rssWarmMB, warmRatio, heapEndMB }.
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
const warm = 5000;
run(first);
const rssFirst = process.memoryUsage().rss;
run(warm - first);
const rssWarm = process.memoryUsage().rss;
run(steps - warm);
const mem = process.memoryUsage();
const mb = (b: number): number => b / 2 ** 20;
console.log(
  JSON.stringify({
    stepsFirst: first,
    stepsEnd: steps,
    rssFirstMB: mb(rssFirst),
    rssEndMB: mb(mem.rss),
    ratio: mem.rss / rssFirst,
    stepsWarm: warm,
    rssWarmMB: mb(rssWarm),
    warmRatio: mem.rss / rssWarm,
    heapEndMB: mb(mem.heapUsed),
  }),
);
