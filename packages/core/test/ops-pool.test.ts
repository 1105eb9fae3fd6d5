import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { gradcheck, gradgradcheck } from '@tapegrad/core/testing';
import { distinctLeaf, randomLeaves } from './window-arbitraries';

const t = (v: tg.NestedNumbers): tg.Tensor => tg.tensor(v, { dtype: 'float64' });
const img = t([
  [
    [
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
      [13, 14, 15, 16],
    ],
  ],
]);

describe('pooling forward values, worked out by hand', () => {
  test('maxPool2d: stride defaults to the kernel; padding never wins; ceilMode keeps a partial window', () => {
    expect(tg.maxPool2d(img, 2).toArray()).toEqual([
      [
        [
          [6, 8],
          [14, 16],
        ],
      ],
    ]);
    expect(tg.maxPool2d(tg.neg(img), { kernelSize: 3, stride: 2, padding: 1 }).toArray()).toEqual([
      [
        [
          [-1, -2],
          [-5, -6],
        ],
      ],
    ]);
    expect(tg.maxPool2d(img, { kernelSize: 3, stride: 2 }).toArray()).toEqual([[[[11]]]]);
    expect(tg.maxPool2d(img, { kernelSize: 3, stride: 2, ceilMode: true }).toArray()).toEqual([
      [
        [
          [11, 12],
          [15, 16],
        ],
      ],
    ]);
    expect(tg.maxPool2d(img, { kernelSize: 2, dilation: 2 }).shape).toEqual([1, 1, 1, 1]); // taps 0 and 2 → 11
    expect(tg.maxPool2d(img, { kernelSize: 2, dilation: 2 }).item()).toBe(11);
  });

  test('maxPool2d: the gradient goes to the first of tied maxima; a NaN wins', () => {
    const x = tg.tensor([[[[1, 3, 3, 0]]]], { dtype: 'float64', requiresGrad: true });
    tg.maxPool2d(x, [1, 4]).sum().backward();
    expect(x.grad!.toArray()).toEqual([[[[0, 1, 0, 0]]]]);
    const y = tg.tensor([[[[1, NaN, 5, 2]]]], { dtype: 'float64', requiresGrad: true });
    const out = tg.maxPool2d(y, [1, 4]);
    expect(Number.isNaN(out.item())).toBe(true);
    out.sum().backward();
    expect(y.grad!.toArray()).toEqual([[[[0, 1, 0, 0]]]]);
  });

  test('avgPool2d: countIncludePad decides whether padding counts in the divisor', () => {
    expect(tg.avgPool2d(img, 2).toArray()).toEqual([
      [
        [
          [3.5, 5.5],
          [11.5, 13.5],
        ],
      ],
    ]);
    // corner window with padding 1: pixels 1, 2, 5, 6 → 14, over 9 (padding counted) or 4
    expect(tg.avgPool2d(img, { kernelSize: 3, stride: 3, padding: 1 }).data[0]).toBeCloseTo(14 / 9, 12);
    const excl = tg.avgPool2d(img, { kernelSize: 3, stride: 3, padding: 1, countIncludePad: false });
    expect(excl.toArray()).toEqual([
      [
        [
          [3.5, 5.5],
          [11.5, 13.5],
        ],
      ],
    ]);
    // ceilMode: the last window of 4 in 3s with stride 2 hangs past the image and divides by what it covers
    expect(tg.avgPool2d(img, { kernelSize: 3, stride: 2, ceilMode: true }).toArray()).toEqual([
      [
        [
          [6, 7.5],
          [12, 13.5],
        ],
      ],
    ]);
  });

  test('adaptiveAvgPool2d: PyTorch bins (floor start, ceil end), global pooling at 1', () => {
    expect(tg.adaptiveAvgPool2d(img, 1).toArray()).toEqual([[[[8.5]]]]);
    // 4 → 3 bins: rows [0,2), [1,3), [2,4)
    const y = tg.adaptiveAvgPool2d(img, [3, null]);
    expect(y.shape).toEqual([1, 1, 3, 4]);
    expect(Array.from(y.data.subarray(4, 8))).toEqual([7, 8, 9, 10]);
    expect(tg.adaptiveAvgPool2d(t([[[1, 2, 3]]]), [1, 2]).toArray()).toEqual([[[1.5, 2.5]]]); // unbatched
  });

  test('pad: constant, reflect, replicate, in PyTorch and NumPy forms', () => {
    const x = t([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(tg.pad(x, [1, 0], { value: -1 }).toArray()).toEqual([
      [-1, 1, 2, 3],
      [-1, 4, 5, 6],
    ]);
    expect(tg.pad(x, [1, 1, 1, 0], { mode: 'reflect' }).toArray()).toEqual([
      [5, 4, 5, 6, 5],
      [2, 1, 2, 3, 2],
      [5, 4, 5, 6, 5],
    ]);
    expect(
      tg
        .pad(
          x,
          [
            [0, 1],
            [2, 0],
          ],
          { mode: 'replicate' },
        )
        .toArray(),
    ).toEqual([
      [1, 1, 1, 2, 3],
      [4, 4, 4, 5, 6],
      [4, 4, 4, 5, 6],
    ]);
  });
});

/** Pooling cases: 1–2 images of 1–2 channels, kernels 1–3, and options valid for them. */
const arbPool = fc
  .record({
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 2 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    pad: fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 1 })),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
    extra: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 })),
    ceilMode: fc.boolean(),
    countIncludePad: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1e6 }),
  })
  .map((p) => {
    // (a window of dilated taps that all miss the input is refused: see the error tests)
    const padding = p.pad.map((v, a) => Math.min(v, p.kernel[a] >> 1, p.dilation[a] > 1 ? 0 : 1));
    const size = [0, 1].map((a) => Math.max(1, p.dilation[a] * (p.kernel[a] - 1) + 1 - 2 * padding[a] + p.extra[a]));
    return { ...p, padding, shape: [p.n, p.c, ...size] };
  });

type Case = fc.Arbitrary<[(x: tg.Tensor) => tg.Tensor, tg.Tensor]>;

const cases: [string, Case][] = [
  [
    'maxPool2d',
    arbPool.map((p) => [
      (x) =>
        tg.maxPool2d(x, {
          kernelSize: p.kernel,
          stride: p.stride,
          padding: p.padding,
          dilation: p.dilation,
          ceilMode: p.ceilMode,
        }),
      distinctLeaf(p.seed, p.shape),
    ]),
  ],
  [
    'avgPool2d',
    arbPool.map((p) => [
      (x) =>
        tg.avgPool2d(x, {
          kernelSize: p.kernel,
          stride: p.stride,
          padding: p.padding,
          ceilMode: p.ceilMode,
          countIncludePad: p.countIncludePad,
        }),
      randomLeaves(p.seed, p.shape)[0],
    ]),
  ],
  [
    'adaptiveAvgPool2d',
    arbPool.map((p) => [
      (x) => tg.adaptiveAvgPool2d(x, [p.kernel[0] + p.extra[0], p.kernel[1]]),
      randomLeaves(p.seed, p.shape)[0],
    ]),
  ],
  [
    'pad',
    fc
      .record({
        shape: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        mode: fc.constantFrom('constant' as const, 'reflect' as const, 'replicate' as const),
        widths: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 6, maxLength: 6 }),
        seed: fc.integer({ min: 0, max: 1e6 }),
      })
      .map(({ shape, mode, widths, seed }) => {
        // PyTorch's flat form over the last axes; reflect needs widths below the extent
        const w = widths
          .slice(0, 2 * shape.length)
          .map((v, i) => (mode === 'reflect' ? Math.min(v, shape[shape.length - 1 - (i >> 1)] - 1) : v));
        return [
          (x: tg.Tensor) => tg.pad(x, w, { mode, ...(mode === 'constant' ? { value: 0.5 } : {}) }),
          randomLeaves(seed, shape)[0],
        ];
      }),
  ],
];

describe.each(cases)('%s: gradients over random shapes and options (float64)', (_name, arb) => {
  test('gradcheck', () => {
    fc.assert(
      fc.property(arb, ([f, x]) => {
        expect(gradcheck(f, [x]).ok).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  test('gradgradcheck (of the op, and of its square)', () => {
    fc.assert(
      fc.property(arb, ([f, x]) => {
        expect(gradgradcheck(f, [x]).ok).toBe(true);
        expect(gradgradcheck((a) => f(a).square(), [x]).ok).toBe(true);
      }),
      { numRuns: 12 },
    );
  });
});
