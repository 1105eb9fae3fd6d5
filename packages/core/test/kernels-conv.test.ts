import fc from 'fast-check';
import { type ConvForwardArgs, type KernelBackend, jsBackend } from '../src/kernels';
import { convByGemm } from '../src/kernels/js';
import { layer } from '../src/kernels/dispatch';
import { loadNative, withNativeKernels } from '../src/kernels/native';

// The convolution products (convForward, convWeightGrad): the JS reference against their
// definition in float64, and the native kernels (every ISA this CPU has, one and two threads) and
// the products on a backend's own gemm (convByGemm, WASM's path) against the reference, in float32
// within 1e-4 of the largest magnitude. Sizes cross the register tiles' edges: channels past 6,
// positions past 64 and not a multiple of 16, groups.
const { addon } = loadNative();

interface Case {
  batch: number;
  groups: number;
  channels: number;
  taps: number;
  positions: number;
  bias: boolean;
  seed: number;
}

const arbCase: fc.Arbitrary<Case> = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  groups: fc.integer({ min: 1, max: 3 }),
  channels: fc.integer({ min: 1, max: 13 }),
  taps: fc.integer({ min: 1, max: 30 }),
  positions: fc.integer({ min: 1, max: 90 }),
  bias: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1e6 }),
});

function values(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

/** A case's operands in float64: w, cols, bias, gy. */
function operands(c: Case): Float64Array[] {
  const { batch, groups, channels, taps, positions } = c;
  return [
    values(groups * channels * taps, c.seed),
    values(batch * groups * taps * positions, c.seed + 1),
    values(groups * channels, c.seed + 2),
    values(batch * groups * channels * positions, c.seed + 3),
  ];
}

function run(be: KernelBackend, c: Case, f32: boolean): { out: Float64Array; gw: Float64Array } {
  const cast = (a: Float64Array) => (f32 ? Float32Array.from(a) : a);
  const [w, cols, bias, gy] = operands(c).map(cast);
  const { batch, groups, channels, taps, positions } = c;
  const out = cast(new Float64Array(batch * groups * channels * positions).fill(NaN));
  const gw = cast(new Float64Array(groups * channels * taps).fill(NaN));
  const sizes = { batch, groups, channels, taps, positions };
  be.convForward({ w, cols, bias: c.bias ? bias : null, out, ...sizes } as ConvForwardArgs);
  be.convWeightGrad({ gy, cols, gw, ...sizes });
  return { out: Float64Array.from(out), gw: Float64Array.from(gw) };
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

test('the JS reference matches the definition: out = W·cols + b, gW = Σ gy·colsᵀ', () => {
  fc.assert(
    fc.property(arbCase, (c) => {
      const [w, cols, bias, gy] = operands(c);
      const { batch, groups, channels: m, taps: k, positions: n } = c;
      const { out, gw } = run(jsBackend, c, false);
      for (let i = 0; i < batch; i++)
        for (let g = 0; g < groups; g++)
          for (let o = 0; o < m; o++)
            for (let l = 0; l < n; l++) {
              let s = c.bias ? bias[g * m + o] : 0;
              for (let q = 0; q < k; q++) s += w[(g * m + o) * k + q] * cols[((i * groups + g) * k + q) * n + l];
              expect(out[((i * groups + g) * m + o) * n + l]).toBeCloseTo(s, 9);
            }
      for (let g = 0; g < groups; g++)
        for (let o = 0; o < m; o++)
          for (let q = 0; q < k; q++) {
            let s = 0;
            for (let i = 0; i < batch; i++)
              for (let l = 0; l < n; l++)
                s += gy[((i * groups + g) * m + o) * n + l] * cols[((i * groups + g) * k + q) * n + l];
            expect(gw[(g * m + o) * k + q]).toBeCloseTo(s, 9);
          }
    }),
    { numRuns: 40 },
  );
});

function matchesReference(be: KernelBackend): void {
  fc.assert(
    fc.property(arbCase, (c) => {
      const got = run(be, c, true);
      const want = run(jsBackend, c, false);
      expect(relError(got.out, want.out)).toBeLessThan(1e-4);
      expect(relError(got.gw, want.gw)).toBeLessThan(1e-4);
    }),
    { numRuns: 60 },
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
  test('a call large enough to split over two threads matches the reference', () => {
    const c: Case = { batch: 6, groups: 2, channels: 31, taps: 25, positions: 577, bias: true, seed: 7 };
    const got = run(withNativeKernels(jsBackend, addon!, 2), c, true);
    const want = run(jsBackend, c, false);
    expect(relError(got.out, want.out)).toBeLessThan(1e-4);
    expect(relError(got.gw, want.gw)).toBeLessThan(1e-4);
  });
  for (const isa of ['avx512', 'avx2'] as const) {
    for (const threads of [1, 2]) {
      test(`${isa} on ${threads} thread(s) matches the float64 reference (skipped without ${isa})`, () => {
        if (!addon!.useIsa(isa)) return;
        matchesReference(withNativeKernels(jsBackend, addon!, threads));
      });
    }
  }
});
