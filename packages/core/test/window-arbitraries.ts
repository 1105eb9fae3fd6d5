import fc from 'fast-check';
import * as tg from '@tapegrad/core';

/** A random convolution: sizes and options, kernel size 1 and odd/even sizes included. */
export interface ConvCase {
  n: number;
  groups: number;
  cin: number;
  cout: number;
  kernel: [number, number];
  stride: [number, number];
  dilation: [number, number];
  padding: [number, number];
  size: [number, number];
  bias: boolean;
  seed: number;
}

/** The largest batch, groups, in and out channels a group, and kernel extent of {@link arbConvCase}. */
export interface ConvCaseLimits {
  n: number;
  groups: number;
  cinG: number;
  coutG: number;
  kernel: number;
}

/**
 * Convolution cases small enough for gradgradcheck: a batch of 1–2, 1–2 groups of 1–2 channels,
 * kernels 1–3 (or up to `limits`), strides and dilations 1–2, padding 0–2, and an input that the
 * (dilated) kernel fits once padded, plus 0–`extra` more pixels per axis.
 */
export function arbConvCase(extra = 2, limits: Partial<ConvCaseLimits> = {}): fc.Arbitrary<ConvCase> {
  const most = { n: 2, groups: 2, cinG: 2, coutG: 2, kernel: 3, ...limits };
  const pair = (min: number, max: number): fc.Arbitrary<[number, number]> =>
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));
  return fc
    .record({
      n: fc.integer({ min: 1, max: most.n }),
      groups: fc.integer({ min: 1, max: most.groups }),
      cinG: fc.integer({ min: 1, max: most.cinG }),
      coutG: fc.integer({ min: 1, max: most.coutG }),
      kernel: pair(1, most.kernel),
      stride: pair(1, 2),
      dilation: pair(1, 2),
      padding: pair(0, 2),
      extra: pair(0, extra),
      bias: fc.boolean(),
      seed: fc.integer({ min: 0, max: 1e6 }),
    })
    .map(({ cinG, coutG, extra: e, ...c }) => {
      const size = [0, 1].map((a) => Math.max(1, c.dilation[a] * (c.kernel[a] - 1) + 1 - 2 * c.padding[a] + e[a]));
      return { ...c, cin: cinG * c.groups, cout: coutG * c.groups, size: size as [number, number] };
    });
}

/** float64 leaves that require grad: N(0, 1) values drawn from `seed`. */
export function randomLeaves(seed: number, ...shapes: number[][]): tg.Tensor[] {
  const rng = new tg.Rng(seed);
  return shapes.map((s) => tg.randn(s, { rng, dtype: 'float64', requiresGrad: true }));
}

/**
 * A float64 leaf of `shape` whose values are distinct and at least 0.05 apart (a shuffled grid),
 * so a max is never within a finite-difference step of a tie.
 */
export function distinctLeaf(seed: number, shape: number[]): tg.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const rng = new tg.Rng(seed);
  const v = Float64Array.from({ length: n }, (_, i) => (i - n / 2) * 0.05);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.random() * (i + 1));
    [v[i], v[j]] = [v[j], v[i]];
  }
  return tg.tensor(v, { shape, requiresGrad: true });
}

/** The kernel geometry of a case: its window over the [n, cin, ...size] input. */
export function geometryOf(c: ConvCase): tg.WindowGeometry {
  const [h, w] = c.size;
  const count = (a: 0 | 1, size: number): number =>
    Math.floor((size + 2 * c.padding[a] - c.dilation[a] * (c.kernel[a] - 1) - 1) / c.stride[a]) + 1;
  return {
    n: c.n,
    c: c.cin,
    h,
    w,
    kh: c.kernel[0],
    kw: c.kernel[1],
    sh: c.stride[0],
    sw: c.stride[1],
    pt: c.padding[0],
    pl: c.padding[1],
    dh: c.dilation[0],
    dw: c.dilation[1],
    oh: count(0, h),
    ow: count(1, w),
  };
}

/**
 * Max-pooling geometries from {@link arbConvCase}: padding at most half the kernel (as the op
 * requires) and the last window of each axis starting inside the input; with the case's seed.
 */
export function arbPoolGeometry(extra = 5): fc.Arbitrary<{ g: tg.WindowGeometry; seed: number }> {
  return arbConvCase(extra)
    .map((c) => ({
      g: geometryOf({
        ...c,
        padding: [Math.min(c.padding[0], c.kernel[0] >> 1), Math.min(c.padding[1], c.kernel[1] >> 1)],
      }),
      seed: c.seed,
    }))
    .filter(({ g }) => g.oh >= 1 && g.ow >= 1 && (g.oh - 1) * g.sh - g.pt < g.h && (g.ow - 1) * g.sw - g.pl < g.w);
}

/**
 * 2×2 max pooling at stride 2 (the native kernels' SSE path) over `planes` planes of h×w: widths
 * past four windows and odd sizes, values rounded to make ties when `ties`, and a seed.
 */
export const arbPool2x2 = fc.record({
  planes: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 2, max: 9 }),
  w: fc.integer({ min: 2, max: 23 }),
  ties: fc.boolean(),
  seed: fc.integer(),
});
