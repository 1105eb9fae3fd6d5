import fc from 'fast-check';
import { type WindowGeometry, jsBackend, thresholds, type KernelBackend } from '../src/kernels';
import { loadNative, withNativeKernels } from '../src/kernels/native';
import { same, values } from './float32-values';
import { arbConvCase, arbPool2x2, arbPoolGeometry, geometryOf } from './window-arbitraries';

// The native window and elementwise kernels (native/window.c, native/elementwise.c) against the
// JS reference, thresholds at 0 so that every size takes the native path; special values (NaN,
// ±∞, −0) included. Skipped where the addon did not build (CI requires it).
const { addon, reason } = loadNative();
const describeNative = addon ? describe : describe.skip;
if (!addon) console.warn(`native window kernel tests skipped: ${reason}`);

/** The geometry of 2×2 max pooling at stride 2 over n×c planes of h×w. */
function pool2x2(n: number, c: number, h: number, w: number): WindowGeometry {
  return { n, c, h, w, kh: 2, kw: 2, sh: 2, sw: 2, pt: 0, pl: 0, dh: 1, dw: 1, oh: h >> 1, ow: w >> 1 };
}

/** Whether `be`'s max pooling of x gives the JS kernel's maxima and indices: [values, indices]. */
function poolsAlike(be: KernelBackend, g: WindowGeometry, x: Float32Array): [boolean, boolean] {
  const out = g.n * g.c * g.oh * g.ow;
  const [a, b] = [new Float32Array(out), new Float32Array(out)];
  const [ia, ib] = [new Int32Array(out), new Int32Array(out)];
  be.maxPool2d(g, x, a, ia);
  jsBackend.maxPool2d(g, x, b, ib);
  return [same(a, b), same(ia, ib)];
}

describeNative('native window and elementwise kernels', () => {
  const saved = structuredClone(thresholds.native);
  let native: KernelBackend;
  beforeAll(() => {
    thresholds.native.window = 0;
    thresholds.native.elementwise = 0;
    native = withNativeKernels(jsBackend, addon!, 1);
  });
  afterAll(() => {
    Object.assign(thresholds.native, saved);
    addon!.shutdown();
  });

  test('large calls split across two threads give the same results as one', () => {
    const two = withNativeKernels(jsBackend, addon!, 2, { adaptive: false });
    const g = pool2x2(8, 30, 24, 24);
    const x = values(8 * 30 * 24 * 24, 3, true);
    expect(poolsAlike(two, g, x)).toEqual([true, true]);
    const conv = { ...g, c: 1, kh: 5, kw: 5, sh: 1, sw: 1, oh: 20, ow: 20 };
    const cols = 8 * 25 * 400;
    const [p, q] = [new Float32Array(cols), new Float32Array(cols)];
    two.im2col(conv, x, p);
    jsBackend.im2col(conv, x, q);
    expect(same(p, q)).toBe(true);
    const [r, s] = [new Float32Array(x.length), new Float32Array(x.length)];
    two.unary('relu', x, r);
    jsBackend.unary('relu', x, s);
    expect(same(r, s)).toBe(true);
    two.reluGrad(x, r, r);
    jsBackend.reluGrad(x, s, s);
    expect(same(r, s)).toBe(true);
  });

  test('im2col and col2im equal the JS kernels bit for bit', () => {
    fc.assert(
      fc.property(arbConvCase(5), (c) => {
        const g = geometryOf(c);
        const x = values(g.n * g.c * g.h * g.w, c.seed, true);
        const size = g.n * g.c * g.kh * g.kw * g.oh * g.ow;
        const [a, b] = [new Float32Array(size), new Float32Array(size)];
        native.im2col(g, x, a);
        jsBackend.im2col(g, x, b);
        expect(same(a, b)).toBe(true);
        const cols = values(size, c.seed + 1);
        const [p, q] = [new Float32Array(x.length), new Float32Array(x.length)];
        native.col2im(g, cols, p);
        jsBackend.col2im(g, cols, q);
        expect(same(p, q)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  test('max pooling: the same maxima and indices, ties and NaN by PyTorch’s rule', () => {
    fc.assert(
      fc.property(arbPoolGeometry(), fc.boolean(), ({ g, seed }, ties) => {
        const x = values(g.n * g.c * g.h * g.w, seed, true).map((v) => (ties ? Math.round(v) : v));
        const out = g.n * g.c * g.oh * g.ow;
        const [a, b] = [new Float32Array(out), new Float32Array(out)];
        const [ia, ib] = [new Int32Array(out), new Int32Array(out)];
        native.maxPool2d(g, x, a, ia);
        jsBackend.maxPool2d(g, x, b, ib);
        // A window whose taps all fall in the padding has no index to agree on; the op refuses it.
        const covered = (o: number): boolean => ib[o] >= 0 && ib[o] < x.length;
        expect(same(a, b)).toBe(true);
        for (let o = 0; o < out; o++) if (covered(o)) expect(ia[o]).toBe(ib[o]);
      }),
      { numRuns: 150 },
    );
  });

  test('2×2 max pooling at stride 2 (the vectorised path): widths past four windows, odd sizes, ties, NaN', () => {
    fc.assert(
      fc.property(arbPool2x2, ({ planes, h, w, ties, seed }) => {
        const x = values(planes * h * w, seed, true).map((v) => (ties ? Math.round(v) : v));
        expect(poolsAlike(native, pool2x2(1, planes, h, w), x)).toEqual([true, true]);
      }),
      { numRuns: 200 },
    );
  });

  test('bias, scatter-add, row and column sums', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer(),
        (outer, channels, inner, seed) => {
          const n = outer * channels * inner;
          const y = values(n, seed);
          const b = values(channels, seed + 1, true);
          const [p, q] = [y.slice(), y.slice()];
          native.addBias(p, b, outer, channels, inner);
          jsBackend.addBias(q, b, outer, channels, inner);
          expect(same(p, q)).toBe(true);
          const idx = Int32Array.from(values(n, seed + 2), (v) => Math.floor(((v + 2) / 4) * inner));
          const [s, t] = [new Float32Array(inner), new Float32Array(inner)];
          native.scatterAddAxis(y, 1, inner, 1, idx, s);
          jsBackend.scatterAddAxis(y, 1, inner, 1, idx, t);
          s.forEach((v, i) => expect(v).toBeCloseTo(t[i], 4));
          const [r1, r2] = [new Float32Array(outer * channels), new Float32Array(outer * channels)];
          native.sumAxis(y, outer * channels, inner, 1, r1);
          jsBackend.sumAxis(y, outer * channels, inner, 1, r2);
          r1.forEach((v, i) => expect(Math.abs(v - r2[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(r2[i]))));
          // Column sums (inner > 1: a bias gradient's sums over rows) add in float in row order, as JS.
          const [c1, c2] = [new Float32Array(outer * inner), new Float32Array(outer * inner)];
          native.sumAxis(y, outer, channels, inner, c1);
          jsBackend.sumAxis(y, outer, channels, inner, c2);
          expect(same(c1, c2)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
    expect(() => addon!.scatterAdd(new Float32Array(2), Int32Array.from([0, 5]), new Float32Array(3), 3)).toThrow(
      /out of range/,
    );
  });

  test('column sums split across two threads equal the JS kernel bit for bit', () => {
    const split = withNativeKernels(jsBackend, addon!, 2, { adaptive: false });
    for (const [outer, len, inner] of [
      [1, 900, 130],
      [3, 200, 129],
    ]) {
      const x = values(outer * len * inner, outer + inner);
      const [a, b] = [new Float32Array(outer * inner), new Float32Array(outer * inner)];
      split.sumAxis(x, outer, len, inner, a);
      jsBackend.sumAxis(x, outer, len, inner, b);
      expect(same(a, b)).toBe(true);
    }
  });

  test('relu, step, reluGrad, add, sub, mul and the Adam step equal the JS kernels bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer(), (n, seed) => {
        const a = values(n, seed, true);
        const b = values(n, seed + 1, true);
        for (const kind of ['relu', 'step'] as const) {
          const [p, q] = [new Float32Array(n), new Float32Array(n)];
          native.unary(kind, a, p);
          jsBackend.unary(kind, a, q);
          expect(same(p, q)).toBe(true);
        }
        for (const kind of ['add', 'sub', 'mul'] as const) {
          const [p, q] = [new Float32Array(n), new Float32Array(n)];
          native.binary(kind, a, b, p);
          jsBackend.binary(kind, a, b, q);
          expect(same(p, q)).toBe(true);
        }
        const [p, q] = [new Float32Array(n), new Float32Array(n)];
        native.reluGrad(a, b, p);
        jsBackend.reluGrad(a, b, q);
        expect(same(p, q)).toBe(true);
        const w = values(n, seed + 2);
        const g = values(n, seed + 3);
        const m = values(n, seed + 4).map(Math.abs);
        const v = values(n, seed + 5).map(Math.abs);
        const step = { stepSize: 0.01, b1: 0.9, b2: 0.999, eps: 1e-8, rootBc2: 0.3, l2: 0.01, shrink: 0.999 };
        const s1 = { w: w.slice(), g, m: m.slice(), v: v.slice(), ...step };
        const s2 = { w: w.slice(), g, m: m.slice(), v: v.slice(), ...step };
        native.adamStep(s1);
        jsBackend.adamStep(s2);
        expect([same(s1.w, s2.w), same(s1.m, s2.m), same(s1.v, s2.v)]).toEqual([true, true, true]);
      }),
      { numRuns: 100 },
    );
  });
});
