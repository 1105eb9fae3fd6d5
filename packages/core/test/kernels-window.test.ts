import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { arbConvCase, distinctLeaf, geometryOf } from './window-arbitraries';

/**
 * The window kernels: the JS reference against definitions written the slow, obvious way, and
 * the float32 path of the active backend (native/WASM where they take over) against the float64
 * JS reference, forward and gradients, within 1e-4 relative.
 */

function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < want.length; i++) {
    num = Math.max(num, Math.abs(got[i] - want[i]));
    den = Math.max(den, Math.abs(want[i]));
  }
  return num / Math.max(den, 1e-30);
}

/** im2col by its definition: cols[m, (ch·kh + a)·kw + b, i·ow + j] = x[m, ch, i·sh − pt + a·dh, j·sw − pl + b·dw] or 0. */
function im2colByDefinition(g: tg.WindowGeometry, x: Float64Array): Float64Array {
  const out = new Float64Array(g.n * g.c * g.kh * g.kw * g.oh * g.ow);
  let p = 0;
  for (let m = 0; m < g.n; m++)
    for (let ch = 0; ch < g.c; ch++)
      for (let a = 0; a < g.kh; a++)
        for (let b = 0; b < g.kw; b++)
          for (let i = 0; i < g.oh; i++)
            for (let j = 0; j < g.ow; j++, p++) {
              const y = i * g.sh - g.pt + a * g.dh;
              const xx = j * g.sw - g.pl + b * g.dw;
              out[p] = y >= 0 && y < g.h && xx >= 0 && xx < g.w ? x[((m * g.c + ch) * g.h + y) * g.w + xx] : 0;
            }
  return out;
}

test('JS im2col matches its definition, and col2im is its adjoint (⟨im2col x, c⟩ = ⟨x, col2im c⟩)', () => {
  fc.assert(
    fc.property(arbConvCase(4), (c) => {
      const g = geometryOf(c);
      const rng = new tg.Rng(c.seed);
      const x = tg.randn([g.n, g.c, g.h, g.w], { rng, dtype: 'float64' }).data as Float64Array;
      const cols = new Float64Array(g.n * g.c * g.kh * g.kw * g.oh * g.ow);
      tg.jsBackend.im2col(g, x, cols);
      expect(Array.from(cols)).toEqual(Array.from(im2colByDefinition(g, x)));
      const r = tg.randn([cols.length], { rng, dtype: 'float64' }).data;
      const back = new Float64Array(x.length);
      tg.jsBackend.col2im(g, r, back);
      const lhs = cols.reduce((s, v, i) => s + v * r[i], 0);
      const rhs = x.reduce((s, v, i) => s + v * back[i], 0);
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * (1 + Math.abs(lhs)));
    }),
    { numRuns: 60 },
  );
});

/** Runs f on float32 copies (active backend) and float64 copies (JS backend): outputs and gradients. */
function bothWays(f: (...xs: tg.Tensor[]) => tg.Tensor, inputs: tg.Tensor[]): { got: tg.Tensor[]; want: tg.Tensor[] } {
  const run = (dtype: tg.DType): tg.Tensor[] => {
    const xs = inputs.map((t) => tg.tensor(t, { dtype, requiresGrad: true }));
    const y = f(...xs);
    const gy = tg.randn(y.shape, { rng: new tg.Rng(5), dtype });
    y.mul(gy).sum().backward();
    return [y, ...xs.map((x) => x.grad!)];
  };
  const got = run('float32');
  const prev = tg.setBackend(tg.jsBackend);
  try {
    return { got, want: run('float64') };
  } finally {
    tg.setBackend(prev);
  }
}

/** Realistic sizes: a batch of images big enough for the accelerated kernels to take over. */
const arbLayer = fc.record({
  n: fc.integer({ min: 1, max: 4 }),
  cin: fc.integer({ min: 1, max: 8 }),
  cout: fc.integer({ min: 1, max: 16 }),
  size: fc.integer({ min: 5, max: 20 }),
  k: fc.constantFrom(1, 3, 5),
  stride: fc.integer({ min: 1, max: 2 }),
  padding: fc.integer({ min: 0, max: 2 }),
  seed: fc.integer({ min: 0, max: 1e6 }),
});

const cases: [
  string,
  (
    l: fc.Arbitrary<{
      n: number;
      cin: number;
      cout: number;
      size: number;
      k: number;
      stride: number;
      padding: number;
      seed: number;
    }>,
  ) => fc.Arbitrary<[(...xs: tg.Tensor[]) => tg.Tensor, tg.Tensor[]]>,
][] = [
  [
    'conv2d',
    (arb) =>
      arb.map((l) => {
        const rng = new tg.Rng(l.seed);
        const xs = [
          tg.randn([l.n, l.cin, l.size, l.size], { rng }),
          tg.randn([l.cout, l.cin, l.k, l.k], { rng }),
          tg.randn([l.cout], { rng }),
        ];
        return [(x, w, b) => tg.conv2d(x, w, b, { stride: l.stride, padding: Math.min(l.padding, l.k >> 1) }), xs];
      }),
  ],
  [
    'convTranspose2d',
    (arb) =>
      arb.map((l) => {
        const rng = new tg.Rng(l.seed);
        const xs = [
          tg.randn([l.n, l.cin, l.size, l.size], { rng }),
          tg.randn([l.cin, l.cout, l.k, l.k], { rng }),
          tg.randn([l.cout], { rng }),
        ];
        return [
          (x, w, b) => tg.convTranspose2d(x, w, b, { stride: l.stride, padding: Math.min(l.padding, l.k >> 1) }),
          xs,
        ];
      }),
  ],
  [
    'maxPool2d',
    (arb) =>
      arb.map((l) => [
        (x) => tg.maxPool2d(x, { kernelSize: Math.max(2, l.k), stride: l.stride, padding: l.padding >> 1 }),
        [distinctLeaf(l.seed, [l.n, l.cin, l.size, l.size]).detach()],
      ]),
  ],
  [
    'avgPool2d',
    (arb) =>
      arb.map((l) => [
        (x) => tg.avgPool2d(x, { kernelSize: l.k, stride: l.stride, padding: Math.min(l.padding, l.k >> 1) }),
        [tg.randn([l.n, l.cin, l.size, l.size], { rng: new tg.Rng(l.seed) })],
      ]),
  ],
];

describe.each(cases)('%s: float32 on the active backend matches float64 on the JS reference', (_name, make) => {
  test('within 1e-4 relative, forward and gradients', () => {
    fc.assert(
      fc.property(make(arbLayer), ([f, xs]) => {
        const { got, want } = bothWays(f, xs);
        got.forEach((g, i) => {
          expect(g.shape).toEqual(want[i].shape);
          expect(relError(g.data, want[i].data)).toBeLessThan(1e-4);
        });
      }),
      { numRuns: 15 },
    );
  });
});
