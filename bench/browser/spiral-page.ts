/**
 * The page of `npm run bench:browser` (run.ts bundles and serves it): spiral 2-10-3 sigmoid,
 * batch 30, SGD lr 1 — figure C of `npm run bench` — trained by tapegrad and by TensorFlow.js on
 * each of its backends that starts here (wasm, webgl, cpu), in the same page, taking turns: one
 * timed run each per round, so every ratio compares runs made at the same time. A run trains in
 * chunks of steps until RUN_MS have passed; its figure is steps per second.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { kernels, ready } from '@tapegrad/core';
import { spiralData, tapegradTrainer, tfData, tfTrainer } from '../trainers';

const params = new URLSearchParams(location.search);
const ROUNDS = Number(params.get('rounds') ?? 7);
const RUN_MS = Number(params.get('runMs') ?? 1000);

interface Contender {
  name: string;
  backend: string | null;
  run(steps: number): void;
  chunk: number;
  rates: number[];
}

async function contenders(): Promise<{ list: Contender[]; skipped: string[] }> {
  const data = spiralData();
  await ready();
  const list: Contender[] = [
    {
      name: `tapegrad (${kernels().name})`,
      backend: null,
      run: tapegradTrainer(data, [2, 10, 3], 1),
      chunk: 200,
      rates: [],
    },
  ];
  const skipped: string[] = [];
  setWasmPaths('/tfjs-wasm/');
  for (const backend of ['wasm', 'webgl', 'cpu']) {
    try {
      if (!(await tf.setBackend(backend))) throw new Error('setBackend returned false');
      await tf.ready();
      const trainer = tfTrainer(tf, tfData(tf, data, 3), [2, 10, 3], 1);
      trainer.run(5); // compiles its programs (webgl) before anything is timed
      list.push({ name: `tfjs-${backend}`, backend, run: trainer.run, chunk: 10, rates: [] });
    } catch (e) {
      skipped.push(`tfjs-${backend}: ${(e as Error).message}`);
    }
  }
  return { list, skipped };
}

async function timedRun(c: Contender): Promise<number> {
  if (c.backend !== null) await tf.setBackend(c.backend);
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < RUN_MS) {
    c.run(c.chunk);
    steps += c.chunk;
  }
  return (steps * 1000) / (performance.now() - t0);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const { list, skipped } = await contenders();
  for (const c of list) await timedRun(c); // warm-up round (JIT, caches)
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of list) c.rates.push(await timedRun(c));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const results = list.map((c) => ({
    name: c.name,
    median: median(c.rates),
    min: Math.min(...c.rates),
    max: Math.max(...c.rates),
  }));
  (window as unknown as { benchResults: unknown }).benchResults = {
    results,
    skipped,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    userAgent: navigator.userAgent,
  };
}

main().catch((e) => {
  (window as unknown as { benchResults: unknown }).benchResults = { error: String((e as Error).stack ?? e) };
});
