/**
 * Figure D of `npm run bench`, run in a child process of its own so the baseline is small: RSS
 * after 1,000 and after N steps of figure C (tapegrad, spiral 2-10-3 sigmoid, batch 30), counted
 * after a warm-up of 5,000 steps, as every figure has one: V8 grows its young generation over
 * the first ~2,000–5,000 steps (RSS 116 → 126 MB here, flat from then on; with
 * --max-semi-space-size=1 it is flat at 107 MB from the start), which is not a leak. The cold
 * reading (after the first 1,000 steps of the warm-up) is reported too.
 * Prints one JSON line: { warmup, stepsFirst, stepsEnd, rssFirstMB, rssEndMB, ratio, rssColdMB,
 * coldRatio, heapEndMB }.
 *
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register bench/memory.ts 100000
 */
import { spiralData, tapegradTrainer } from './trainers';

const steps = Number(process.argv[2] ?? 100_000);
const run = tapegradTrainer(spiralData(), [2, 10, 3], 1);
const first = 1000;
const warmup = 5000;
run(first);
const rssCold = process.memoryUsage().rss;
run(warmup - first);
run(first);
const rssFirst = process.memoryUsage().rss;
run(steps - first);
const mem = process.memoryUsage();
const mb = (b: number): number => b / 2 ** 20;
console.log(
  JSON.stringify({
    warmup,
    stepsFirst: first,
    stepsEnd: steps,
    rssFirstMB: mb(rssFirst),
    rssEndMB: mb(mem.rss),
    ratio: mem.rss / rssFirst,
    rssColdMB: mb(rssCold),
    coldRatio: mem.rss / rssCold,
    heapEndMB: mb(mem.heapUsed),
  }),
);
