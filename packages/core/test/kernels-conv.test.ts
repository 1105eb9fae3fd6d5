import fc from 'fast-check';
import { type KernelBackend, type WindowGeometry, jsBackend } from '../src/kernels';
import { type ConvCase, arbConvCase, geometryOf } from './window-arbitraries';
import { convByGemm } from '../src/kernels/js';
import { layer } from '../src/kernels/dispatch';
import { loadNative, withNativeKernels } from '../src/kernels/native';

// The convolution kernels (convForward, convWeightGrad): the JS reference against the definition
// of cross-correlation in float64, and the native kernels (every ISA this CPU has, one and two
// threads) and the products on a backend's own gemm (convByGemm, WASM's path) against the
// reference, in float32 within 1e-4 of the largest magnitude. Sizes cross the register tiles'
// edges (out channels past 6, positions past 64 and not a multiple of 16), with groups, strides,
// padding and dilation.
const { addon } = loadNative();

// Past the register tiles' edges: out channels past 6 a group, positions past 64.
const arbCase = arbConvCase(18, { n: 3, groups: 3, cinG: 3, coutG: 13, kernel: 5 });
// Output rows of 1–45 positions at stride 1 across: from 8 (AVX2) or 16 (AVX-512) on, the native
// kernels read the columns in place (vectors reaching into the next row, positions past the last
// whole vector, padding, dilation, a row stride of 2); below, they unfold each image.
const arbWide = arbConvCase(40, { n: 2, groups: 2, cinG: 2, coutG: 7, kernel: 5 }).map((c): ConvCase => ({
  ...c,
  stride: [c.stride[0], 1],
}));

function values(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

/** A case's geometry, out channels, and operands in float64: x, w, bias, gy. */
function operands(c: ConvCase): { g: WindowGeometry; channels: number; ops: Float64Array[] } {
  const g = geometryOf(c);
  const channels = c.cout;
  const ops = [
    values(g.n * g.c * g.h * g.w, c.seed),
    values(channels * (c.cin / c.groups) * g.kh * g.kw, c.seed + 1),
    values(channels, c.seed + 2),
    values(g.n * channels * g.oh * g.ow, c.seed + 3),
  ];
  return { g, channels, ops };
}

function run(be: KernelBackend, c: ConvCase, f32: boolean): { out: Float64Array; gw: Float64Array; gb: Float64Array } {
  const cast = (a: Float64Array) => (f32 ? Float32Array.from(a) : a);
  const { g, channels, ops } = operands(c);
  const [x, w, bias, gy] = ops.map(cast);
  const out = cast(new Float64Array(gy.length).fill(NaN));
  const gw = cast(new Float64Array(w.length).fill(NaN));
  be.convForward({ g, groups: c.groups, channels, x, w, bias: c.bias ? bias : null, out });
  // The bias gradient comes with the weight's when asked for (c.bias), else gb stays untouched.
  const gb = cast(new Float64Array(channels).fill(NaN));
  be.convWeightGrad({ g, groups: c.groups, channels, x, gy, gw, gb: c.bias ? gb : null });
  return { out: Float64Array.from(out), gw: Float64Array.from(gw), gb: Float64Array.from(gb) };
}

function relError(got: Float64Array, want: Float64Array): number {
  let num = 0;
  let den = 0;
  want.forEach((v, i) => {
    num = Math.max(num, Math.abs(got[i] - v));
    den = Math.max(den, Math.abs(v));
  });
  return num / Math.max(den, 1e-30);
}

/** x at image i, channel ch, row y, column xx, or 0 in the padding. */
function pixel(x: Float64Array, g: WindowGeometry, i: number, ch: number, y: number, xx: number): number {
  return y >= 0 && y < g.h && xx >= 0 && xx < g.w ? x[((i * g.c + ch) * g.h + y) * g.w + xx] : 0;
}

test('the JS reference matches the definition: cross-correlation plus bias, and gW = Σ gy·x over the windows', () => {
  fc.assert(
    fc.property(arbCase, (c) => {
      const { g, channels, ops } = operands(c);
      const [x, w, bias, gy] = ops;
      const { out, gw, gb } = run(jsBackend, c, false);
      const m = c.cout / c.groups;
      const cinG = c.cin / c.groups;
      // The input pixel under tap (a, b) of channel ch for output position (i, r, j).
      const under = (i: number, k: number, ch: number, a: number, b: number, r: number, j: number): number =>
        pixel(x, g, i, k * cinG + ch, r * g.sh - g.pt + a * g.dh, j * g.sw - g.pl + b * g.dw);
      const taps: [number, number, number][] = [];
      for (let ch = 0; ch < cinG; ch++)
        for (let a = 0; a < g.kh; a++) for (let b = 0; b < g.kw; b++) taps.push([ch, a, b]);
      for (let i = 0; i < g.n; i++)
        for (let o = 0; o < channels; o++)
          for (let r = 0; r < g.oh; r++)
            for (let j = 0; j < g.ow; j++) {
              const k = Math.floor(o / m);
              let s = c.bias ? bias[o] : 0;
              taps.forEach(([ch, a, b], q) => (s += w[o * taps.length + q] * under(i, k, ch, a, b, r, j)));
              expect(out[((i * channels + o) * g.oh + r) * g.ow + j]).toBeCloseTo(s, 9);
            }
      for (let o = 0; o < channels; o++)
        taps.forEach(([ch, a, b], q) => {
          let s = 0;
          for (let i = 0; i < g.n; i++)
            for (let r = 0; r < g.oh; r++)
              for (let j = 0; j < g.ow; j++)
                s += gy[((i * channels + o) * g.oh + r) * g.ow + j] * under(i, Math.floor(o / m), ch, a, b, r, j);
          expect(gw[o * taps.length + q]).toBeCloseTo(s, 9);
        });
      for (let o = 0; o < channels; o++) {
        let s = 0;
        for (let i = 0; i < g.n; i++)
          for (let p = 0; p < g.oh * g.ow; p++) s += gy[(i * channels + o) * g.oh * g.ow + p];
        if (c.bias) expect(gb[o]).toBeCloseTo(s, 9);
        else expect(gb[o]).toBeNaN();
      }
    }),
    { numRuns: 30 },
  );
});

function matchesReference(be: KernelBackend, cases = arbCase, numRuns = 60): void {
  fc.assert(
    fc.property(cases, (c) => {
      const got = run(be, c, true);
      const want = run(jsBackend, c, false);
      expect(relError(got.out, want.out)).toBeLessThan(1e-4);
      expect(relError(got.gw, want.gw)).toBeLessThan(1e-4);
      if (c.bias) expect(relError(got.gb, want.gb)).toBeLessThan(1e-4);
      else expect(got.gb.every(Number.isNaN)).toBe(true);
    }),
    { numRuns },
  );
}

test('float32 on a backend’s own gemm (convByGemm) matches the float64 reference', () => {
  matchesReference(layer('byGemm', jsBackend, convByGemm(jsBackend)));
});

(addon ? describe : describe.skip)('native convolution products', () => {
  const defaultIsa = addon?.isa() as 'avx512' | 'avx2';
  afterAll(() => {
    addon!.useIsa(defaultIsa);
    addon!.shutdown();
  });
  /** A stride-1, unpadded case with bias: the native kernels on `threads` against the reference. */
  function matchesAt(threads: number, c: Pick<ConvCase, 'n' | 'groups' | 'cin' | 'cout' | 'kernel' | 'size' | 'seed'>) {
    const full: ConvCase = { ...c, stride: [1, 1], padding: [0, 0], dilation: [1, 1], bias: true };
    const got = run(withNativeKernels(jsBackend, addon!, threads, { adaptive: false }), full, true);
    const want = run(jsBackend, full, false);
    expect(relError(got.out, want.out)).toBeLessThan(1e-4);
    expect(relError(got.gw, want.gw)).toBeLessThan(1e-4);
    expect(relError(got.gb, want.gb)).toBeLessThan(1e-4);
  }
  test('a call large enough to split over two threads matches the reference', () => {
    matchesAt(2, { n: 6, groups: 2, cin: 2, cout: 62, kernel: [5, 5], size: [29, 30], seed: 7 });
  });
  for (const isa of ['avx512', 'avx2'] as const) {
    for (const threads of [1, 2]) {
      test(`${isa} on ${threads} thread(s) matches the float64 reference (skipped without ${isa})`, () => {
        if (!addon!.useIsa(isa)) return;
        matchesReference(withNativeKernels(jsBackend, addon!, threads, { adaptive: false }));
      });
      test(`${isa} on ${threads} thread(s) matches it on rows a vector wide and more (skipped without ${isa})`, () => {
        if (!addon!.useIsa(isa)) return;
        matchesReference(withNativeKernels(jsBackend, addon!, threads, { adaptive: false }), arbWide, 40);
      });
      test(`${isa} on ${threads} thread(s) matches it at figure E's layer, 30 5×5 filters over 28×28 (skipped without ${isa})`, () => {
        if (!addon!.useIsa(isa)) return;
        matchesAt(threads, { n: 5, groups: 1, cin: 1, cout: 30, kernel: [5, 5], size: [28, 28], seed: 11 });
      });
    }
  }
});
