import { execFileSync } from 'child_process';
import fc from 'fast-check';
import * as path from 'path';
import {
  backendChoice,
  jsBackend,
  kernels,
  thresholds,
  wasmUnavailableReason,
  type BinaryKernel,
  type KernelBackend,
  type UnaryKernel,
} from '../src/kernels';
import {
  align64,
  Arena,
  chunkRows,
  createWasmBackend,
  GemmPool,
  loadWasm,
  planChunks,
  WasmCall,
} from '../src/kernels/wasm';
import { platform } from '../src/platform/node';
import { expectGemmEdgeCases, expectGemmMatchesJs, filled, gemmArgs, gemmCases, gemmError } from './gemm-check';

// Every WASM kernel against the JS reference kernel. The WASM backend is built here from the
// module directly, so these tests run whatever TAPEGRAD_BACKEND says; thresholds are set to 0 so
// that even the smallest shapes take the WASM path.
const loaded = loadWasm();
const saved = structuredClone(thresholds);
let wasm: KernelBackend;

beforeAll(() => {
  if (!loaded.exports) throw new Error(`kernels.wasm did not load: ${loaded.reason}`);
  wasm = createWasmBackend(loaded.exports);
  Object.assign(thresholds.wasm, { gemm: 0, cheap: 0, transcendental: 0, threaded: 0 });
  thresholds.adaptive = false;
});
afterAll(() => {
  Object.assign(thresholds.wasm, saved.wasm);
  thresholds.adaptive = saved.adaptive;
});

const f32 = fc.float({ min: -4, max: 4, noNaN: true, noDefaultInfinity: true });

describe('wasm backend selection', () => {
  test('the default backend is WASM (under the native gemm when it built) unless TAPEGRAD_BACKEND=js', () => {
    if (process.env.TAPEGRAD_BACKEND === 'js') {
      expect(kernels().name).toBe('js');
      expect(wasmUnavailableReason()).toBe('TAPEGRAD_BACKEND=js');
    } else {
      expect(kernels().name).toMatch(/^(native-avx(512|2)(\+\d+threads)?\/)?wasm/);
      expect(wasmUnavailableReason()).toBe('');
    }
  });

  test('TAPEGRAD_BACKEND accepts js, wasm, native or nothing, and names the bad value', () => {
    for (const ok of ['', 'js', 'wasm', 'native']) expect(backendChoice(ok)).toBe(ok);
    expect(() => backendChoice('WASM')).toThrow("TAPEGRAD_BACKEND must be 'js', 'wasm', 'native' or unset");
    expect(() => backendChoice('gpu')).toThrow("got 'gpu'");
  });

  test('a missing or broken module is reported, not thrown', () => {
    const missing = loadWasm('tapegrad-no-such-kernels');
    expect(missing.exports).toBeNull();
    expect(missing.reason).toMatch(/tapegrad-no-such-kernels\.wasm not found/);
    const broken = loadWasm('kernels', { ...platform, wasmBytes: () => Buffer.from('not wasm') });
    expect(broken.exports).toBeNull();
    expect(broken.reason).toMatch(/could not load/);
  });
});

describe('wasm arena', () => {
  test('addresses past 2³¹ stay exact: no 32-bit arithmetic on them', () => {
    expect(align64(2 ** 31 + 1)).toBe(2 ** 31 + 64);
    expect(align64(2 ** 32 - 65)).toBe(2 ** 32 - 64);
    const memory = { buffer: new ArrayBuffer(65536), grow: () => 0 };
    const arena = new Arena(memory, 64, 2 ** 32);
    arena.reset(2 ** 31 - 10);
    expect(arena.alloc(4)).toBe(2 ** 31);
    expect(arena.alloc(300e6)).toBe(2 ** 31 + 64);
    expect(arena.allocBytes(1)).toBe(2 ** 31 + 64 + 1.2e9);
  });

  test('operands that do not fit the memory are declined: no kernel call, nothing written', () => {
    const ex = loaded.exports!;
    // A memory capped two pages above what the module already has: 200,000 floats do not fit.
    const call = new WasmCall(new Arena(ex.memory, ex.heapBase(), ex.memory.buffer.byteLength + 2 * 65536));
    const x = filled(200_000, 1);
    const out = new Float32Array(200_000).fill(7);
    const bytes = ex.memory.buffer.byteLength;
    const c = call.begin();
    c.input(x);
    c.output(out);
    expect(c.start()).toBe(false);
    expect(ex.memory.buffer.byteLength).toBe(bytes);
    expect(out.every((v) => v === 7)).toBe(true);
    // 1,000 floats fit, and the kernel runs on them.
    const small = call.begin();
    const pa = small.input(x, 1000);
    const pb = small.output(out, 1000);
    expect(small.start()).toBe(true);
    ex.unaryF32(0, pa, pb, 1000);
    expect(small.finish()).toBe(true);
    expect(out[999]).toBe(-x[999]);
    expect(out[1000]).toBe(7);
  });
});

describe('wasm gemm', () => {
  const run = (m: number, n: number, k: number, tA: boolean, tB: boolean, offs: number[], seed: number): void =>
    expectGemmMatchesJs(wasm, m, n, k, tA, tB, offs, seed);

  test('matches the JS kernel for random shapes, all transpose flags and offsets', () => {
    fc.assert(
      fc.property(gemmCases(70), (args) => run(...args)),
      { numRuns: 300 },
    );
  });

  test('crosses every blocking boundary (MC = 128, KC = 256, NC = 2048) and edge sliver', () => {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        run(131, 9, 300, tA, tB, [1, 2, 3], 7);
        // n = 100: twelve 8-column slivers and a 4-column one (its own micro-kernel), over 2 k-blocks.
        run(12, 100, 300, tA, tB, [1, 0, 2], 10);
        run(5, 2053, 3, tA, tB, [0, 1, 0], 8);
        run(1, 1, 513, tA, tB, [2, 0, 1], 9);
      }
    }
  });

  test('k = 0 gives zeros; m or n = 0 writes nothing; a hand-computed product; float64 runs the JS kernel', () => {
    expectGemmEdgeCases(wasm);
  });
});

describe('two-thread wasm gemm', () => {
  let pool: GemmPool | null = null;
  let mt: KernelBackend;
  beforeAll(async () => {
    pool = GemmPool.create(2);
    if (!pool) throw new Error('GemmPool.create(2) failed');
    mt = createWasmBackend(loaded.exports!, pool);
    for (let i = 0; i < 1000 && !pool.ready(); i++) await new Promise((r) => setTimeout(r, 10));
  });
  afterAll(async () => {
    await pool?.close();
  });

  test('matches the JS kernel when split across the pool', () => {
    expect(pool!.ready()).toBe(true);
    expect(mt.name).toBe('wasm+2threads');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 1e6 }),
        (m, n, k, tA, tB, seed) => {
          const a = filled(m * k + 1, seed);
          const b = filled(k * n, seed + 1);
          const want = new Float32Array(m * n + 1);
          const got = new Float32Array(m * n + 1);
          const args = { aOff: 1, cOff: 1, transA: tA, transB: tB };
          jsBackend.gemm(gemmArgs(a, b, want, m, n, k, args));
          mt.gemm(gemmArgs(a, b, got, m, n, k, args));
          expect(gemmError(a, 1, b, 0, got, want, 1, m, n, k, tA, tB)).toBeLessThanOrEqual(1e-5);
        },
      ),
      { numRuns: 100 },
    );
    expect(pool!.workerChunks()).toBeGreaterThan(0); // the worker did take part
    // A product large enough to grow the shared memory while the workers are running.
    const m = 300;
    const a = filled(m * m, 1);
    const want = new Float32Array(m * m);
    const got = new Float32Array(m * m);
    jsBackend.gemm(gemmArgs(a, a, want, m, m, m, { transB: true }));
    mt.gemm(gemmArgs(a, a, got, m, m, m, { transB: true }));
    expect(gemmError(a, 0, a, 0, got, want, 0, m, m, m, false, true)).toBeLessThanOrEqual(1e-5);
  });
});

describe('fused multiply-add builds (relaxed SIMD)', () => {
  // Node 20 validates relaxed SIMD only with a V8 flag (given on the command line, or set by
  // TAPEGRAD_WASM_FMA=1), so the -fma builds are checked in child processes that have it: gemm on
  // one thread and split across a pool, against the JS kernel.
  test.each([
    ['node --experimental-wasm-relaxed-simd', ['--experimental-wasm-relaxed-simd'], {}],
    ['TAPEGRAD_WASM_FMA=1', [], { TAPEGRAD_WASM_FMA: '1' }],
  ])('match the JS kernel on one thread and split across the pool (%s)', (_, flags, env) => {
    const dist = path.resolve(__dirname, '../dist');
    const script = `
      const w = require(${JSON.stringify(dist)} + '/kernels/wasm');
      const { jsBackend, thresholds } = require(${JSON.stringify(dist)} + '/kernels');
      if (!w.useFma()) { console.log(JSON.stringify({ fma: false })); process.exit(0); }
      thresholds.wasm.gemm = 0; thresholds.wasm.threaded = 0; thresholds.adaptive = false;
      const pool = w.GemmPool.create(2);
      const one = w.createWasmBackend(w.loadWasm().exports);
      const two = w.createWasmBackend(w.loadWasm().exports, pool);
      let worst = 0, seed = 1;
      const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 31 - 1);
      for (const [m, n, k] of [[1, 1, 1], [5, 7, 3], [37, 21, 50], [100, 100, 784], [100, 784, 100], [129, 65, 257]])
        for (const ta of [false, true]) for (const tb of [false, true]) for (const be of [one, two]) {
          const a = Float32Array.from({ length: m * k }, rnd), b = Float32Array.from({ length: k * n }, rnd);
          const want = new Float32Array(m * n), got = new Float32Array(m * n);
          const args = (a, b, c) => ({ a, aOff: 0, b, bOff: 0, c, cOff: 0, m, n, k, transA: ta, transB: tb });
          jsBackend.gemm(args(a, b, want));
          be.gemm(args(a, b, got));
          // Relative to Σ|a||b| (a product of the absolute values), as gemmError does.
          const scale = new Float64Array(m * n);
          jsBackend.gemm(args(Float64Array.from(a, Math.abs), Float64Array.from(b, Math.abs), scale));
          for (let i = 0; i < m * n; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (scale[i] || 1));
        }
      console.log(JSON.stringify({ fma: true, name: two.name, worst }));
      pool.close();
    `;
    const out = execFileSync(process.execPath, [...flags, '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { fma: boolean; name?: string; worst?: number };
    expect(r.fma).toBe(true); // this Node has relaxed SIMD behind the flag, and the build made the -fma modules
    expect(r.name).toBe('wasm-fma+2threads');
    expect(r.worst).toBeLessThanOrEqual(1e-5);
  });
});

describe('GemmPool chunking', () => {
  test('chunks cover every row once, in whole 4-row slivers, equal to within one sliver', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 2, max: 64 }), (m, threads) => {
        const { chunks, slivers } = planChunks(m, threads);
        expect(chunks).toBeGreaterThanOrEqual(1);
        expect(chunks).toBeLessThanOrEqual(Math.min(32, 2 * threads));
        let next = 0;
        const sizes: number[] = [];
        for (let j = 0; j < chunks; j++) {
          const [i0, i1] = chunkRows(j, chunks, slivers, m);
          expect(i0).toBe(next);
          expect(i1).toBeGreaterThan(i0);
          if (i1 < m) expect(i1 % 4).toBe(0);
          sizes.push(Math.ceil((i1 - i0) / 4));
          next = i1;
        }
        expect(next).toBe(m);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
    // One chunk per thread for the MNIST-MLP X·W1 (100 rows), two for Xᵀ·dH (784 rows).
    expect(planChunks(100, 2)).toEqual({ chunks: 2, slivers: 25 });
    expect(planChunks(784, 2)).toEqual({ chunks: 4, slivers: 196 });
    expect([0, 1, 2, 3].map((j) => chunkRows(j, 4, 25, 100))).toEqual([
      [0, 24],
      [24, 48],
      [48, 72],
      [72, 100],
    ]);
  });

  test('chunks a late worker still holds are recomputed, and its memory is left alone until it is done', async () => {
    // patience 0: the caller never waits for a worker's chunk; the worker idles 0.2 ms after
    // each claim: every chunk it takes is recomputed while it is still writing.
    const pool = GemmPool.create(2, { patience: 0, workerDelayMs: 0.2 })!;
    const be = createWasmBackend(loaded.exports!, pool);
    for (let i = 0; i < 1000 && !pool.ready(); i++) await new Promise((r) => setTimeout(r, 10));
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 120 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 300 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 1e6 }),
        (m, n, k, tA, tB, seed) => {
          const a = filled(m * k, seed);
          const b = filled(k * n, seed + 1);
          const want = new Float32Array(m * n);
          const got = new Float32Array(m * n);
          jsBackend.gemm(gemmArgs(a, b, want, m, n, k, { transA: tA, transB: tB }));
          be.gemm(gemmArgs(a, b, got, m, n, k, { transA: tA, transB: tB }));
          // Elementwise work right after, in the memory the late worker may still be using.
          const x = filled(m * n, seed + 2);
          const y = new Float32Array(m * n);
          be.unary('neg', x, y);
          expect(y).toEqual(x.map((v) => -v));
          expect(gemmError(a, 0, b, 0, got, want, 0, m, n, k, tA, tB)).toBeLessThanOrEqual(1e-5);
        },
      ),
      { numRuns: 150 },
    );
    // On a busy machine the worker may not have run yet: give it products until it has.
    const [m, n, k] = [120, 64, 300];
    const a = filled(m * k, 7);
    const c = new Float32Array(m * n);
    for (let i = 0; i < 500 && pool.recomputedChunks() === 0; i++) {
      be.gemm(gemmArgs(a, a, c, m, n, k, { transB: true }));
      await new Promise((r) => setImmediate(r));
    }
    expect(pool.workerChunks()).toBeGreaterThan(0);
    expect(pool.recomputedChunks()).toBeGreaterThan(0);
    await pool.close();
  });

  test('a closed pool still computes every product (on the calling thread)', async () => {
    const pool = GemmPool.create(2)!;
    const be = createWasmBackend(loaded.exports!, pool);
    await pool.close();
    const [m, n, k] = [37, 21, 50];
    const a = filled(m * k, 3);
    const b = filled(k * n, 4);
    const want = new Float32Array(m * n);
    const got = new Float32Array(m * n);
    jsBackend.gemm(gemmArgs(a, b, want, m, n, k));
    be.gemm(gemmArgs(a, b, got, m, n, k));
    expect(gemmError(a, 0, b, 0, got, want, 0, m, n, k, false, false)).toBeLessThanOrEqual(1e-5);
  });
});

describe('wasm elementwise', () => {
  const specials = [0, -0, 1, -1, NaN, Infinity, -Infinity, 1e-40, -1e-40, 3e38, -3e38, 88.7, -88.7, 100, -100];
  const arr = (extra: boolean) =>
    fc
      .array(extra ? fc.oneof(f32, fc.constantFrom(...specials)) : f32, { minLength: 1, maxLength: 300 })
      .map((xs) => Float32Array.from(xs));
  const same = (got: Float32Array, want: Float32Array): void => {
    for (let i = 0; i < want.length; i++) {
      if (!Object.is(got[i], want[i]) && !(got[i] === 0 && want[i] === 0)) {
        throw new Error(`element ${i}: wasm ${got[i]}, js ${want[i]}`);
      }
    }
  };
  const close = (got: Float32Array, want: Float32Array, x: Float32Array): void => {
    for (let i = 0; i < want.length; i++) {
      const g = got[i];
      const w = want[i];
      if (Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
      // Relative 1e-5; below the normal range (|w| < 2^-126) float32 has no relative precision.
      if (!(Math.abs(g - w) <= 1e-5 * Math.abs(w) + 1.2e-38)) {
        throw new Error(`element ${i} (x = ${x[i]}): wasm ${g}, js ${w}`);
      }
    }
  };

  const binaries: BinaryKernel[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'eq', 'gt', 'lt', 'ge', 'le'];
  test.each(binaries)('binary %s matches the JS kernel exactly', (kind) => {
    fc.assert(
      fc.property(arr(true), fc.integer({ min: 0, max: 1e6 }), (a, seed) => {
        const b = filled(a.length, seed);
        if (seed % 3 === 0) b.set(a.subarray(0, Math.min(a.length, 5)));
        const want = new Float32Array(a.length);
        const got = new Float32Array(a.length);
        jsBackend.binary(kind, a, b, want);
        wasm.binary(kind, a, b, got);
        same(got, want);
      }),
      { numRuns: 60 },
    );
  });

  test.each(['add', 'mul', 'pow', 'rsub', 'rdiv'] as const)('binaryScalar %s matches the JS kernel', (kind) => {
    fc.assert(
      fc.property(arr(true), fc.oneof(f32, fc.constant(2)), (a, s) => {
        const want = new Float32Array(a.length);
        const got = new Float32Array(a.length);
        jsBackend.binaryScalar(kind, a, s, want);
        wasm.binaryScalar(kind, a, s, got);
        same(got, want);
      }),
      { numRuns: 60 },
    );
  });

  const exact: UnaryKernel[] = ['neg', 'sqrt', 'abs', 'sign', 'relu', 'step', 'square', 'reciprocal', 'log'];
  test.each(exact)('unary %s matches the JS kernel exactly', (kind) => {
    fc.assert(
      fc.property(arr(true), (a) => {
        const want = new Float32Array(a.length);
        const got = new Float32Array(a.length);
        jsBackend.unary(kind, a, want);
        wasm.unary(kind, a, got);
        same(got, want);
      }),
      { numRuns: 60 },
    );
  });

  const approx: UnaryKernel[] = ['exp', 'sigmoid', 'tanh'];
  test.each(approx)('unary %s is within 1e-5 relative of the JS kernel', (kind) => {
    const wide = fc.float({ min: -120, max: 120, noNaN: true });
    fc.assert(
      fc.property(
        fc
          .array(fc.oneof(f32, wide, fc.constantFrom(...specials)), { minLength: 1, maxLength: 300 })
          .map((xs) => Float32Array.from(xs)),
        (a) => {
          const want = new Float32Array(a.length);
          const got = new Float32Array(a.length);
          jsBackend.unary(kind, a, want);
          wasm.unary(kind, a, got);
          close(got, want, a);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('sigmoidGrad is within 1e-5 of the JS kernel (relative to its terms)', () => {
    fc.assert(
      fc.property(arr(true), fc.integer({ min: 0, max: 1e6 }), (gy, seed) => {
        const y = filled(gy.length, seed).map((v) => 0.5 + 0.5 * v); // outputs of a sigmoid: [0, 1)
        const want = new Float32Array(gy.length);
        const got = new Float32Array(gy.length);
        jsBackend.sigmoidGrad(gy, y, want);
        wasm.sigmoidGrad(gy, y, got);
        for (let i = 0; i < want.length; i++) {
          if (Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i]))) continue;
          if (!(Math.abs(got[i] - want[i]) <= 1e-5 * Math.abs(want[i]) + 1e-30)) {
            throw new Error(`element ${i}: wasm ${got[i]}, js ${want[i]}`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  test('axpby is within 1e-5 of the JS kernel (relative to its terms)', () => {
    fc.assert(
      fc.property(arr(false), f32, f32, fc.integer({ min: 0, max: 1e6 }), (y0, alpha, beta, seed) => {
        const x = filled(y0.length, seed);
        const want = y0.slice();
        const got = y0.slice();
        jsBackend.axpby(alpha, x, beta, want);
        wasm.axpby(alpha, x, beta, got);
        for (let i = 0; i < want.length; i++) {
          const scale = Math.abs(beta * y0[i]) + Math.abs(alpha * x[i]);
          if (!(Math.abs(got[i] - want[i]) <= 1e-5 * scale + 1e-30)) {
            throw new Error(`element ${i}: wasm ${got[i]}, js ${want[i]}`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  // Both sum in float32 in the same order, so they agree exactly.
  const dim = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 70 }));

  test('addRows (a bias row) equals the JS kernel exactly', () => {
    fc.assert(
      fc.property(dim, dim, fc.integer({ min: 0, max: 1e6 }), (rows, cols, seed) => {
        const y0 = filled(rows * cols, seed);
        const b = filled(cols, seed + 1);
        const want = y0.slice();
        const got = y0.slice();
        jsBackend.addRows(want, b, rows, cols);
        wasm.addRows(got, b, rows, cols);
        expect(got).toEqual(want);
      }),
      { numRuns: 100 },
    );
  });

  test('sumAxis equals the JS kernel exactly (column sums in WASM, row sums in JS)', () => {
    fc.assert(
      fc.property(dim, dim, dim, fc.integer({ min: 0, max: 1e6 }), (outer, len, inner, seed) => {
        const x = filled(outer * len * inner, seed);
        const want = new Float32Array(outer * inner);
        const got = new Float32Array(outer * inner);
        jsBackend.sumAxis(x, outer, len, inner, want);
        wasm.sumAxis(x, outer, len, inner, got);
        expect(got).toEqual(want);
      }),
      { numRuns: 100 },
    );
    // The bias gradient of a 100-unit layer: column sums of a 100×100 batch.
    const g = filled(100 * 100, 5);
    const want = new Float32Array(100);
    const got = new Float32Array(100);
    jsBackend.sumAxis(g, 1, 100, 100, want);
    wasm.sumAxis(g, 1, 100, 100, got);
    expect(got).toEqual(want);
  });

  test('softmaxRows is within 1e-5 of the JS kernel, and softmaxAxis over rows is the same kernel', () => {
    // WASM subtracts the row max in float32 (JS in float64): exp(x − m) then carries a relative
    // error of up to |x − m|·2⁻²⁴, 6e-6 at the −104 where float32's exp reaches zero.
    const close = (got: number, want: number): boolean =>
      (Number.isNaN(got) && Number.isNaN(want)) || Math.abs(got - want) <= 1e-5 * Math.abs(want) + 1e-30;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        dim,
        fc.integer({ min: 0, max: 1e6 }),
        fc.constantFrom(0, 1, 2, 3, 4),
        (rows, cols, seed, special) => {
          const x = filled(rows * cols, seed).map((v) => 60 * v);
          // A row of −∞ (shift 0, then 0/0), a NaN, a +∞, a −∞ among finite values.
          if (special === 1) x.fill(-Infinity, 0, cols);
          if (special === 2) x[rows * cols - 1] = NaN;
          if (special === 3) x[0] = Infinity;
          if (special === 4) x[0] = -Infinity;
          const want = new Float32Array(rows * cols);
          const got = new Float32Array(rows * cols);
          const wantSums = new Float32Array(rows);
          const gotSums = new Float32Array(rows);
          jsBackend.softmaxRows(x, rows, cols, want, wantSums);
          wasm.softmaxRows(x, rows, cols, got, gotSums);
          for (let i = 0; i < want.length; i++) {
            if (!close(got[i], want[i])) throw new Error(`element ${i}: wasm ${got[i]}, js ${want[i]}`);
          }
          for (let r = 0; r < rows; r++) {
            if (!close(gotSums[r], wantSums[r])) throw new Error(`sum ${r}: wasm ${gotSums[r]}, js ${wantSums[r]}`);
          }
          const axis = new Float32Array(rows * cols);
          wasm.softmaxAxis(x, rows, cols, 1, axis);
          expect(axis).toEqual(got);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('out may alias an input, and float64 runs the JS kernel', () => {
    const a = Float32Array.from([1, -2, 3, -4, 5]);
    wasm.binary('mul', a, a, a);
    expect(Array.from(a)).toEqual([1, 4, 9, 16, 25]);
    wasm.unary('neg', a, a);
    expect(Array.from(a)).toEqual([-1, -4, -9, -16, -25]);
    const d = Float64Array.from([0.1, -0.7, 2.5]);
    const want = new Float64Array(3);
    const got = new Float64Array(3);
    jsBackend.unary('sigmoid', d, want);
    wasm.unary('sigmoid', d, got);
    expect(got).toEqual(want);
  });
});
