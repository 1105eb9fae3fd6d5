/**
 * Elementwise micro-benchmark: ns per element of the JS kernels and the WASM SIMD kernels
 * (including copy-in/out) for float32 (best of 25 samples), to choose the thresholds in src/kernels/thresholds.ts.
 *
 *   npx ts-node --transpile-only packages/core/bench/elementwise.ts
 */
import { jsBackend, thresholds } from '../src/kernels';
import { createWasmBackend, loadWasm } from '../src/kernels/wasm';

// The machine is shared: the minimum over many short samples is the figure least disturbed by
// preemption, and the one that matters for choosing a threshold.
function best(xs: number[]): number {
  return Math.min(...xs);
}

function timePair(f: () => void, g: () => void): [number, number] {
  for (let i = 0; i < 20; i++) {
    f();
    g();
  }
  const tf: number[] = [];
  const tg: number[] = [];
  for (let s = 0; s < 25; s++) {
    for (const [fn, out] of [
      [f, tf],
      [g, tg],
    ] as const) {
      let reps = 0;
      const t0 = process.hrtime.bigint();
      let t = t0;
      do {
        fn();
        reps++;
        t = process.hrtime.bigint();
      } while (Number(t - t0) < 1e6);
      out.push(Number(t - t0) / reps);
    }
  }
  return [best(tf), best(tg)];
}

function main(): void {
  const loaded = loadWasm();
  if (!loaded.exports) throw new Error(`bench/elementwise: ${loaded.reason}`);
  const wasm = createWasmBackend(loaded.exports);
  thresholds.wasm.cheap = 0;
  thresholds.wasm.transcendental = 0;
  const sizes = [16, 64, 256, 1024, 4096, 16384, 65536, 262144];
  const ops: [string, (k: typeof jsBackend, a: Float32Array, b: Float32Array, o: Float32Array) => void][] = [
    ['add', (k, a, b, o) => k.binary('add', a, b, o)],
    ['mul', (k, a, b, o) => k.binary('mul', a, b, o)],
    ['div', (k, a, b, o) => k.binary('div', a, b, o)],
    ['mulScalar', (k, a, _b, o) => k.binaryScalar('mul', a, 0.5, o)],
    ['relu', (k, a, _b, o) => k.unary('relu', a, o)],
    ['exp', (k, a, _b, o) => k.unary('exp', a, o)],
    ['sigmoid', (k, a, _b, o) => k.unary('sigmoid', a, o)],
    ['tanh', (k, a, _b, o) => k.unary('tanh', a, o)],
  ];
  console.log('ns/element JS vs WASM (copy-in/out included); ratio = JS time / WASM time');
  console.log(['op'.padEnd(10), ...sizes.map((n) => String(n).padStart(16))].join(''));
  for (const [name, op] of ops) {
    const cells: string[] = [];
    for (const n of sizes) {
      const a = Float32Array.from({ length: n }, () => Math.random() * 8 - 4);
      const b = Float32Array.from({ length: n }, () => Math.random() + 0.5);
      const o = new Float32Array(n);
      const [tj, tw] = timePair(
        () => op(jsBackend, a, b, o),
        () => op(wasm, a, b, o),
      );
      cells.push(`${(tj / n).toFixed(2)}/${(tw / n).toFixed(2)} ${(tj / tw).toFixed(1)}×`.padStart(16));
    }
    console.log(name.padEnd(10) + cells.join(''));
  }
}

main();
