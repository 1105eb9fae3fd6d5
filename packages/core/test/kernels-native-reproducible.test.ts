import { type KernelBackend, type WindowGeometry, jsBackend, thresholds } from '../src/kernels';
import { type NativeAddon, loadNative, withNativeKernels } from '../src/kernels/native';
import { values } from './float32-values';

// Every native float32 kernel that may be split over the addon's threads gives the same bits
// whether a call is split or not: on a backend configured for two (or four) threads with every
// large call split (adaptive: false) and with none split (the split sizes at ∞, as when the
// timings say one thread or the pool is busy), at sizes above the split thresholds. All but the
// convolution's weight gradient give the same bits on one thread too; its sums are cut by the
// configured threads. A sum whose order followed the split (the weight gradient added
// per-thread partial sums) made two runs of one training differ in the last bits.
const { addon, reason } = loadNative();
const describeNative = addon ? describe : describe.skip;
if (!addon) console.warn(`native reproducibility tests skipped: ${reason}`);

type Outputs = (Float32Array | Int32Array)[];

/** The elements (as bit patterns) where a and b differ. */
function differing(a: Float32Array | Int32Array, b: Float32Array | Int32Array): number {
  const [p, q] = [new Int32Array(a.buffer, a.byteOffset, a.length), new Int32Array(b.buffer, b.byteOffset, b.length)];
  let n = Math.abs(p.length - q.length);
  for (let i = 0; i < Math.min(p.length, q.length); i++) n += +(p[i] !== q[i]);
  return n;
}

/** A backend on `threads` threads, and whether its large calls are split (all of them) or not (none). */
interface Regime {
  be: KernelBackend;
  split: boolean;
}

/** `run` on the regime's backend, with the split sizes at ∞ while it runs if it splits nothing. */
function under(r: Regime, run: (be: KernelBackend) => Outputs): Outputs {
  const saved = { ...thresholds.native };
  if (!r.split) Object.assign(thresholds.native, { split: Infinity, threaded: Infinity, cellsThreaded: Infinity });
  try {
    return run(r.be);
  } finally {
    Object.assign(thresholds.native, saved);
  }
}

/** What `run` writes in each regime, compared with the first's bit for bit: differing elements. */
function compare(regimes: Regime[], run: (be: KernelBackend) => Outputs): number[] {
  const [want, ...rest] = regimes.map((r) => under(r, run));
  return rest.flatMap((got) => got.map((a, i) => differing(a, want[i])));
}

function conv(n: number, c: number, hw: number, k: number, stride: number, pad: number): WindowGeometry {
  const o = Math.floor((hw + 2 * pad - k) / stride) + 1;
  return { n, c, h: hw, w: hw, kh: k, kw: k, sh: stride, sw: stride, pt: pad, pl: pad, dh: 1, dw: 1, oh: o, ow: o };
}

describeNative('native kernels are reproducible across split decisions and thread counts', () => {
  let backends: Regime[];
  let byThreads: Record<2 | 4, Regime[]>;
  const calls = new Set<string>();
  beforeAll(() => {
    // Counts the addon's calls, so that a gate declining (JS compared with JS) cannot pass unseen.
    const counted = Object.create(addon!) as NativeAddon;
    for (const k of Object.getOwnPropertyNames(addon!) as (keyof NativeAddon)[]) {
      const f = addon![k] as (...a: unknown[]) => unknown;
      Object.defineProperty(counted, k, { value: (...a: unknown[]) => (calls.add(k), f(...a)) });
    }
    const regimes = (threads: number): Regime[] => [
      { be: withNativeKernels(jsBackend, counted, threads), split: false },
      { be: withNativeKernels(jsBackend, counted, threads, { adaptive: false }), split: true },
    ];
    byThreads = { 2: regimes(2), 4: regimes(4) };
    backends = [{ be: withNativeKernels(jsBackend, counted, 1), split: false }, ...byThreads[2], ...byThreads[4]];
  });
  afterAll(() => addon!.shutdown());

  test.each([
    // Rows split: 200 rows (one blocked product) against two of at most 120 (the short path);
    // k past one KC block of 256.
    [200, 130, 300],
    [120, 100, 700],
    // Columns split (C wider than tall): a Linear layer's gradient.
    [100, 4320, 100],
  ])('gemm %i×%i×%i, every transpose', (m, n, k) => {
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]) {
      const [a, b] = [values(m * k, 1), values(k * n, 2)];
      const diffs = compare(backends, (be) => {
        const c = new Float32Array(m * n);
        be.gemm({ a, aOff: 0, b, bOff: 0, c, cOff: 0, m, n, k, transA, transB });
        return [c];
      });
      expect(diffs).toEqual([0, 0, 0, 0]);
    }
    expect(calls.has('sgemm')).toBe(true);
  });

  test.each([
    // Columns read in place (stride 1, rows at least a vector wide), figure E's first layer.
    ['in place', conv(8, 1, 28, 5, 1, 0), 30, 1],
    ['in place, 16 → 16, padded', conv(8, 16, 28, 3, 1, 1), 16, 1],
    // Unfolded, products on the gemm (the deep convnet's 7² layers).
    ['unfolded on the gemm', conv(24, 32, 7, 3, 1, 1), 64, 1],
    // Unfolded, products in register tiles (depth under 32).
    ['unfolded in tiles', conv(24, 2, 7, 3, 1, 1), 64, 1],
    ['strided, grouped', conv(24, 8, 20, 3, 2, 1), 32, 2],
    ['depthwise', conv(16, 32, 16, 3, 1, 1), 32, 32],
  ] as const)('convForward and convWeightGrad: %s', (_name, g, channels, groups) => {
    const x = values(g.n * g.c * g.h * g.w, 3);
    const w = values((channels * g.c * g.kh * g.kw) / groups, 4);
    const bias = values(channels, 5);
    const gy = values(g.n * channels * g.oh * g.ow, 6);
    expect(gy.length).toBeGreaterThanOrEqual(1 << 16);
    const forward = compare(backends, (be) => {
      const out = new Float32Array(gy.length);
      be.convForward({ g, groups, channels, x, w, bias, out });
      return [out];
    });
    expect(forward).toEqual([0, 0, 0, 0]);
    const weightGrad = (be: KernelBackend) => {
      const [gw, gb] = [new Float32Array(w.length), new Float32Array(channels)];
      be.convWeightGrad({ g, groups, channels, x, gy, gw, gb });
      const gwAlone = new Float32Array(w.length);
      be.convWeightGrad({ g, groups, channels, x, gy, gw: gwAlone, gb: null });
      return [gw, gb, gwAlone];
    };
    expect([compare(byThreads[2], weightGrad), compare(byThreads[4], weightGrad)]).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    // The addon's ranges alone decide the bits: three of them on one, two and four threads.
    const direct = [1, 2, 4].map((threads) => {
      const [gw, gb] = [new Float32Array(w.length), new Float32Array(channels)];
      const geometry = Int32Array.from([
        g.n,
        g.c,
        g.h,
        g.w,
        g.kh,
        g.kw,
        g.sh,
        g.sw,
        g.pt,
        g.pl,
        g.dh,
        g.dw,
        g.oh,
        g.ow,
      ]);
      addon!.convWeightGrad(geometry, x, gy, gw, gb, groups, channels, threads, 3);
      return [gw, gb];
    });
    expect(direct.slice(1).flatMap((got) => got.map((a, i) => differing(a, direct[0][i])))).toEqual([0, 0, 0, 0]);
    expect(calls.has('convWeightGrad')).toBe(true);
  });

  test('window kernels: im2col, col2im, max pooling and its gradient, bias, row and column sums', () => {
    const g = conv(8, 8, 32, 3, 1, 1);
    const x = values(g.n * g.c * g.h * g.w, 7, true);
    const cols = values(g.n * g.c * 9 * g.oh * g.ow, 8);
    const pools: WindowGeometry[] = [
      { ...g, kh: 2, kw: 2, sh: 2, sw: 2, pt: 0, pl: 0, oh: 16, ow: 16 },
      { ...g, kh: 3, kw: 3, sh: 2, sw: 2, pt: 1, pl: 1, oh: 16, ow: 16 },
    ];
    const diffs = compare(backends, (be) => {
      const unfolded = new Float32Array(cols.length);
      be.im2col(g, x, unfolded);
      const folded = new Float32Array(x.length);
      be.col2im(g, cols, folded);
      const pooled = pools.flatMap((p) => {
        const [out, idx, dx] = [
          new Float32Array(g.n * g.c * 256),
          new Int32Array(g.n * g.c * 256),
          new Float32Array(x.length),
        ];
        be.maxPool2d(p, x, out, idx);
        be.maxPool2dBackward(p, out, idx, dx);
        return [out, idx, dx];
      });
      const biased = Float32Array.from(x);
      be.addBias(biased, values(g.c, 9), g.n, g.c, g.h * g.w);
      const [rows, colSums] = [new Float32Array(g.n * g.c), new Float32Array(g.n * g.w)];
      be.sumAxis(x, g.n * g.c, g.h * g.w, 1, rows);
      be.sumAxis(x, g.n, g.c * g.h, g.w, colSums);
      return [unfolded, folded, ...pooled, biased, rows, colSums];
    });
    expect(diffs).toEqual(new Array(4 * 11).fill(0));
    for (const k of ['im2col', 'col2im', 'maxPool2d', 'maxPool2dBackward', 'addBias', 'rowSums', 'colSums'])
      expect(calls.has(k)).toBe(true);
  });

  test('elementwise kernels and the Adam step', () => {
    const n = 1 << 17;
    const [a, b] = [values(n, 10, true), values(n, 11, true)];
    const diffs = compare(backends, (be) => {
      const outs = [0, 1, 2, 3, 4, 5].map(() => new Float32Array(n));
      be.binary('add', a, b, outs[0]);
      be.binary('mul', a, b, outs[1]);
      be.unary('relu', a, outs[2]);
      be.reluGrad(b, a, outs[3]);
      const [w, m, v] = [Float32Array.from(a), outs[4], outs[5]];
      for (let s = 1; s <= 2; s++)
        be.adamStep({
          w,
          g: b,
          m,
          v,
          stepSize: 1e-3,
          b1: 0.9,
          b2: 0.999,
          eps: 1e-8,
          rootBc2: Math.sqrt(1 - 0.999 ** s),
          l2: 0,
          shrink: 1,
        });
      return [...outs.slice(0, 4), w, m, v];
    });
    expect(diffs).toEqual(new Array(4 * 7).fill(0));
    expect(calls.has('adam')).toBe(true);
  });

  test('LSTM steps and whole sequences, forward and backward', () => {
    const [steps, batch, inSize, hidden] = [3, 64, 48, 96];
    const [wIh, wHh, bIh, bHh] = [
      values(4 * hidden * inSize, 12),
      values(4 * hidden * hidden, 13),
      values(4 * hidden, 14),
      values(4 * hidden, 15),
    ];
    const x = values(steps * batch * inSize, 16);
    const state = (steps + 1) * batch * hidden;
    const diffs = compare(backends, (be) => {
      const out = new Float32Array(2 * state);
      out.set(values(batch * hidden, 17));
      out.set(values(batch * hidden, 18), state);
      const [acts, xh] = [
        new Float32Array(steps * batch * 5 * hidden),
        new Float32Array(steps * batch * (inSize + hidden)),
      ];
      be.lstmSequence({ x, wIh, wHh, bIh, bHh, steps, batch, inSize, hidden, out, acts, xh });
      const gy = values(out.length, 19);
      const [gGates, gX, gState0] = [
        new Float32Array(steps * batch * 4 * hidden),
        new Float32Array(x.length),
        new Float32Array(2 * batch * hidden),
      ];
      be.lstmSequenceBackward({ gy, acts, out, wIh, wHh, steps, batch, inSize, hidden, gGates, gX, gState0 });
      const cell = {
        xw: values(batch * 4 * hidden, 20),
        xwOff: 0,
        hw: values(batch * 4 * hidden, 21),
        bIh,
        bHh,
        c: values(batch * hidden, 22),
        cOff: 0,
        batch,
        hidden,
      };
      const [hOut, cOut, cellActs] = [
        new Float32Array(batch * hidden),
        new Float32Array(batch * hidden),
        new Float32Array(batch * 5 * hidden),
      ];
      be.lstmCell({ ...cell, hOut, hOutOff: 0, cOut, cOutOff: 0, acts: cellActs, actsOff: 0 });
      const [gates, gcPrev] = [new Float32Array(batch * 4 * hidden), new Float32Array(batch * hidden)];
      const gh = values(batch * hidden, 23);
      be.lstmCellBackward({
        gh,
        ghOff: 0,
        gc: values(batch * hidden, 24),
        gcOff: 0,
        ghIn: null,
        ghInOff: 0,
        gcIn: null,
        gcInOff: 0,
        acts: cellActs,
        actsOff: 0,
        c: cell.c,
        cOff: 0,
        batch,
        hidden,
        gGates: gates,
        gGatesOff: 0,
        gcPrev,
        gcPrevOff: 0,
      });
      return [out, acts, xh, gGates, gX, gState0, hOut, cOut, cellActs, gates, gcPrev];
    });
    expect(diffs).toEqual(new Array(4 * 11).fill(0));
    for (const k of ['lstmSequence', 'lstmSequenceBackward', 'lstmCell', 'lstmCellBackward'])
      expect(calls.has(k)).toBe(true);
  });
});
