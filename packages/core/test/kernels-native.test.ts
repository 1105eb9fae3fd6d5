import fc from 'fast-check';
import { Worker } from 'worker_threads';
import * as os from 'os';
import * as path from 'path';
import { jsBackend, kernels, nativeUnavailableReason, thresholds, type KernelBackend } from '../src/kernels';
import { loadNative, withNativeKernels } from '../src/kernels/native';
import { loadAddonFrom, nativePath, platform } from '../src/platform/node';
import { expectGemmEdgeCases, expectGemmMatchesJs, filled, gemmArgs, gemmCases } from './gemm-check';

// The native gemm (packages/core/native, built by node-gyp at npm install) against the JS
// reference kernel, on one thread and split across two (thresholds at 0, splitting forced). The
// suite is skipped where the addon did not build; CI requires it (TAPEGRAD_BACKEND=native).
const { addon, reason } = loadNative();
const describeNative = addon ? describe : describe.skip;
if (!addon) console.warn(`native gemm tests skipped: ${reason}`);

describe('native backend selection', () => {
  test('the default backend uses the native gemm when it loaded, and says why when not', () => {
    const mode = process.env.TAPEGRAD_BACKEND;
    if (mode === 'js' || mode === 'wasm') {
      expect(kernels().name).not.toMatch(/native/);
      expect(nativeUnavailableReason()).toBe(`TAPEGRAD_BACKEND=${mode}`);
    } else if (addon) {
      expect(nativeUnavailableReason()).toBe('');
      expect(kernels().name).toMatch(/^native-avx(512|2)/);
    } else {
      expect(kernels().name).not.toMatch(/native/);
      expect(nativeUnavailableReason()).toBe(reason);
    }
  });

  test('a missing addon, or one for a CPU without AVX2, is reported, not thrown', () => {
    const missing = loadAddonFrom(path.join(os.tmpdir(), 'tapegrad-no-such-addon.node'));
    expect(missing.exports).toBeNull();
    expect(missing.reason).toMatch(/not built/);
    expect(loadNative({ ...platform, loadAddon: () => missing })).toEqual({ addon: null, reason: missing.reason });
    const old = loadNative({ ...platform, loadAddon: () => ({ exports: { isa: () => '' }, reason: '' }) });
    expect(old).toEqual({ addon: null, reason: 'this CPU has neither AVX2+FMA nor AVX-512' });
  });
});

const defaultIsa = addon?.isa() ?? '';
// Each kernel this CPU can run: the AVX2 one too on an AVX-512 machine.
const isas = (['avx512', 'avx2'] as const).filter((isa) => addon?.useIsa(isa));
if (addon) addon.useIsa(defaultIsa as 'avx512' | 'avx2');

describeNative('native gemm', () => {
  const saved = structuredClone(thresholds);
  let one: KernelBackend;
  let two: KernelBackend;
  beforeAll(() => {
    thresholds.native.gemm = 0;
    thresholds.native.threaded = 0;
    thresholds.adaptive = false;
    one = withNativeKernels(jsBackend, addon!, 1);
    two = withNativeKernels(jsBackend, addon!, 2);
  });
  afterAll(() => {
    Object.assign(thresholds.native, saved.native);
    thresholds.adaptive = saved.adaptive;
    addon!.useIsa(defaultIsa as 'avx512' | 'avx2');
    addon!.shutdown();
  });

  const check = expectGemmMatchesJs;

  test.each(isas.flatMap((isa) => [1, 2].map((threads) => [isa, threads] as const)))(
    'matches the JS kernel for random shapes, all transpose flags and offsets (%s, %d threads)',
    (isa, threads) => {
      expect(addon!.useIsa(isa)).toBe(true);
      fc.assert(
        fc.property(gemmCases(90), (args) => check(threads === 1 ? one : two, ...args)),
        { numRuns: 200 },
      );
    },
  );

  test.each(isas)('crosses every blocking boundary (MC = 120, KC = 256, NC = 4096) and edge tile (%s)', (isa) => {
    expect(addon!.useIsa(isa)).toBe(true);
    for (const be of [one, two]) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          check(be, 131, 9, 300, tA, tB, [1, 2, 3], 7);
          // n = 100: three 32-column tiles and a 4-column edge (AVX2: six 16-column tiles, a 4-column edge), over 2 k-blocks.
          check(be, 12, 100, 300, tA, tB, [1, 0, 2], 10);
          check(be, 5, 4099, 3, tA, tB, [0, 1, 0], 8);
          check(be, 1, 1, 513, tA, tB, [2, 0, 1], 9);
          // Wide and short: split by columns on two threads.
          check(be, 3, 700, 20, tA, tB, [0, 0, 0], 11);
          // MNIST-MLP shapes.
          check(be, 100, 100, 784, tA, tB, [0, 0, 0], 12);
        }
      }
    }
  });

  test.each(isas)('a Linear(4320, 100) layer at batch 100: short, wide and deep products (%s)', (isa) => {
    expect(addon!.useIsa(isa)).toBe(true);
    for (const be of [one, two]) {
      // The gradients gyᵀ·x and gy·W (B one L1 sliver at a time, columns split on two threads).
      check(be, 100, 4320, 100, true, false, [1, 2, 3], 13);
      check(be, 100, 4320, 100, false, false, [0, 1, 2], 14);
      // The forward x·Wᵀ: A read in place over 17 k-blocks, a 4-column edge.
      check(be, 100, 100, 4320, false, true, [2, 0, 1], 15);
      // A row stride of 4 KB packs A instead (its rows would share cache sets).
      check(be, 16, 40, 1024, false, true, [0, 0, 0], 16);
    }
  });

  test('the widest kernel the CPU has is the default', () => {
    expect(isas.length).toBeGreaterThan(0);
    expect(defaultIsa).toBe(isas[0]);
  });

  test('k = 0 gives zeros; m or n = 0 writes nothing; a hand-computed product; float64 runs the JS kernel', () => {
    addon!.useIsa(defaultIsa as 'avx512' | 'avx2');
    expectGemmEdgeCases(one);
    expectGemmEdgeCases(two);
  });

  test('0·NaN and 0·∞ stay NaN (no zero skipping), on two threads', () => {
    // A row of zeros against a column holding NaN (or ∞) must give NaN, as IEEE and PyTorch.
    const m = 9;
    const k = 40;
    const n = 33;
    const a = new Float32Array(m * k);
    const b = filled(k * n, 5);
    b[7 * n + 3] = NaN;
    b[9 * n + 4] = Infinity;
    const out = new Float32Array(m * n);
    two.gemm(gemmArgs(a, b, out, m, n, k));
    for (let i = 0; i < m; i++) {
      expect(out[i * n + 3]).toBeNaN();
      expect(out[i * n + 4]).toBeNaN();
      expect(out[i * n + 5]).toBe(0);
    }
  });

  test('JS threads calling the addon at once each get their own right products', async () => {
    // The pool is process-wide; worker_threads may call the addon together, each asking for
    // two threads. Every product is checked against a plain triple loop in the worker.
    const source = `
      const { workerData, parentPort } = require('worker_threads');
      const mod = { exports: {} };
      process.dlopen(mod, workerData.file);
      const nat = mod.exports;
      let seed = workerData.seed, worst = 0;
      const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5);
      for (let rep = 0; rep < 40; rep++) {
        const m = 40 + (rep % 7) * 9, n = 70 + (rep % 5) * 11, k = 60 + (rep % 3) * 50;
        const a = Float32Array.from({ length: m * k }, rnd), b = Float32Array.from({ length: k * n }, rnd);
        const c = new Float32Array(m * n);
        nat.sgemm(a, 0, b, 0, c, 0, m, n, k, 0, 0, 2);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0, scale = 0;
            for (let p = 0; p < k; p++) { s += a[i * k + p] * b[p * n + j]; scale += Math.abs(a[i * k + p] * b[p * n + j]); }
            worst = Math.max(worst, Math.abs(c[i * n + j] - s) / scale);
          }
      }
      parentPort.postMessage(worst);
    `;
    const run = (seed: number): Promise<number> =>
      new Promise((resolve, reject) => {
        const w = new Worker(source, { eval: true, workerData: { file: nativePath, seed } });
        w.once('message', resolve);
        w.once('error', reject);
      });
    const worst = await Promise.all([run(1), run(2), run(3)]);
    for (const e of worst) expect(e).toBeLessThanOrEqual(1e-5);
  });

  test('the addon checks its arguments instead of touching memory outside the arrays', () => {
    const x = new Float32Array(6);
    expect(() => addon!.sgemm(x, 0, x, 0, x, 0, 3, 3, 3, 0, 0, 1)).toThrow(/shorter than its offset/);
    expect(() => addon!.sgemm(x, 1, x, 0, x, 0, 2, 3, 3, 0, 0, 1)).toThrow(/shorter than its offset/);
    expect(() => addon!.sgemm(x, -1, x, 0, x, 0, 1, 1, 1, 0, 0, 1)).toThrow(/whole numbers/);
    const f64 = new Float64Array(4) as unknown as Float32Array;
    expect(() => addon!.sgemm(f64, 0, x, 0, x, 0, 1, 1, 1, 0, 0, 1)).toThrow(/Float32Arrays/);
    expect(() => (addon!.sgemm as unknown as (...a: unknown[]) => void)(x, 0)).toThrow(/12 arguments/);
  });
});
