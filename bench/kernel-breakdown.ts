/**
 * Where a training step of figure E or F spends its CPU time, kernel by kernel (matrix products by
 * shape), and what is left outside the kernels (the tape, the ops' own code, allocating and
 * collecting arrays). One process, one thread, CPU seconds (process.cpuUsage), so other jobs on
 * a shared machine disturb it little:
 *
 *     npx ts-node -P bench/tsconfig.json bench/kernel-breakdown.ts F [steps]
 *
 * Every kernel call is timed through a wrapper, which adds ~1 µs a call; the step time without
 * the wrapper is printed first.
 */
import {
  type GemmArgs,
  type KernelBackend,
  kernels,
  makeNativeBackend,
  makeWasmBackend,
  setBackend,
} from '@tapegrad/core';
import { tapegradConvTrainer } from './convnet';
import { additionProblems, tapegradSeq2seq } from './seq2seq';
import { mnistData } from './trainers';

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A kernel call's row in the table: the kernel, and a product's shape and transposes. */
function keyOf(kernel: string, args: unknown[]): string {
  if (kernel !== 'gemm') return typeof args[0] === 'string' ? `${kernel} ${args[0]}` : kernel;
  const g = args[0] as GemmArgs;
  return `gemm ${g.m}×${g.n}×${g.k}${g.transA ? ' Aᵀ' : ''}${g.transB ? ' Bᵀ' : ''}`;
}

/** `base` with every kernel timed into `totals` (ms and calls per key). */
function timed(base: KernelBackend, totals: Map<string, [number, number]>): KernelBackend {
  const out: Record<string, unknown> = { name: base.name };
  for (const k of Object.keys(base) as (keyof KernelBackend)[]) {
    if (k === 'name') continue;
    const f = base[k] as unknown as (...a: unknown[]) => void;
    out[k] = (...args: unknown[]) => {
      const t0 = cpuMs();
      f(...args);
      const key = keyOf(k, args);
      const e = totals.get(key) ?? [0, 0];
      e[0] += cpuMs() - t0;
      e[1]++;
      totals.set(key, e);
    };
  }
  return out as unknown as KernelBackend;
}

function main(): void {
  const figure = process.argv[2] ?? 'F';
  const steps = Number(process.argv[3] ?? 40);
  // One thread: the native kernels where the addon built, else WASM, else the default.
  const backend = makeNativeBackend(1) ?? makeWasmBackend(1) ?? kernels();
  setBackend(backend);
  const train: (n: number) => unknown =
    figure === 'E' ? tapegradConvTrainer(mnistData()).run : tapegradSeq2seq(additionProblems());
  train(steps);
  let t0 = cpuMs();
  train(steps);
  const plain = (cpuMs() - t0) / steps;
  const totals = new Map<string, [number, number]>();
  setBackend(timed(backend, totals));
  train(5);
  totals.clear();
  t0 = cpuMs();
  train(steps);
  const rows = [...totals].sort((a, b) => b[1][0] - a[1][0]);
  const inKernels = rows.reduce((s, [, [ms]]) => s + ms, 0) / steps;
  const calls = rows.reduce((s, [, [, c]]) => s + c, 0) / steps;
  console.log(
    `figure ${figure}, ${backend.name}: ${plain.toFixed(2)} CPU-ms a step; in kernels ${inKernels.toFixed(2)} ` +
      `(${calls.toFixed(0)} calls), outside ${(plain - inKernels).toFixed(2)}`,
  );
  for (const [key, [ms, c]] of rows.slice(0, 25))
    console.log(`${(ms / steps).toFixed(3).padStart(8)} ms ${(c / steps).toFixed(1).padStart(6)}×  ${key}`);
}

main();
