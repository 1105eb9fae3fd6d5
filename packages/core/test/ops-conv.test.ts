import fc from 'fast-check';
import * as tg from '@tapegrad/core';
import { gradcheck, gradgradcheck } from '@tapegrad/core/testing';
import { type ConvCase, arbConvCase, randomLeaves } from './window-arbitraries';

const GRAD_RUNS = { numRuns: 25 };
const GRADGRAD_RUNS = { numRuns: 8 };

const t = (v: tg.NestedNumbers): tg.Tensor => tg.tensor(v, { dtype: 'float64' });

describe('conv forward values, worked out by hand', () => {
  test('conv2d: a 2×2 kernel over a 3×3 image, with bias', () => {
    const x = t([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
    ]);
    const w = t([
      [
        [
          [1, 0],
          [0, -1],
        ],
      ],
    ]);
    // (1−5, 2−6; 4−8, 5−9) + 10
    expect(tg.conv2d(x, w, t([10])).toArray()).toEqual([
      [
        [
          [6, 6],
          [6, 6],
        ],
      ],
    ]);
  });

  test('conv2d: stride 2 and padding 1 see the zeros around the image', () => {
    const x = t([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
    const w = t([
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ]);
    // windows at rows/cols −1 and 1: only the corners' pixels fall inside
    expect(tg.conv2d(x, w, null, { stride: 2, padding: 1 }).toArray()).toEqual([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
  });

  test("conv2d: dilation 2 and 'same' padding", () => {
    const x = t([
      [
        [
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ],
      ],
    ]);
    const w = t([
      [
        [
          [1, 0, 0],
          [0, 0, 0],
          [0, 0, 1],
        ],
      ],
    ]);
    // dilation 1: each output is x[i-1][j-1] + x[i+1][j+1]; 'same' keeps 3×3
    expect(tg.conv2d(x, w, null, { padding: 'same' }).toArray()).toEqual([
      [
        [
          [5, 6, 0],
          [8, 10, 2],
          [0, 4, 5],
        ],
      ],
    ]);
    const d = t([[[[1, 1]]]]); // taps two columns apart
    expect(tg.conv2d(x, d, null, { dilation: [1, 2] }).toArray()).toEqual([[[[4], [10], [16]]]]);
  });

  test('conv2d: groups convolve their own channels', () => {
    const x = t([[[[1]], [[2]], [[3]], [[4]]]]); // [1, 4, 1, 1]
    const w = t([
      [[[1]], [[1]]],
      [[[1]], [[-1]]],
    ]); // [2, 2, 1, 1], groups 2: out0 = x0 + x1, out1 = x2 − x3
    expect(tg.conv2d(x, w, null, { groups: 2 }).toArray()).toEqual([[[[3]], [[-1]]]]);
  });

  test("conv1d: a difference kernel, 'same' with an even kernel pads after", () => {
    expect(tg.conv1d(t([[[1, 2, 4, 8]]]), t([[[1, 0, -1]]])).toArray()).toEqual([[[-3, -6]]]);
    // kernel 2: total padding 1, none before and one after (PyTorch's rule)
    expect(tg.conv1d(t([[[1, 2, 4, 8]]]), t([[[1, 1]]]), null, { padding: 'same' }).toArray()).toEqual([
      [[3, 6, 12, 8]],
    ]);
    expect(tg.conv1d(t([[1, 2, 4]]), t([[[2]]]), t([1])).toArray()).toEqual([[3, 5, 9]]); // unbatched
  });

  test('convTranspose2d spreads each pixel over a kernel-sized patch', () => {
    const x = t([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
    ]);
    const w = t([
      [
        [
          [1, 1],
          [1, 1],
        ],
      ],
    ]);
    expect(tg.convTranspose2d(x, w).toArray()).toEqual([
      [
        [
          [1, 3, 2],
          [4, 10, 6],
          [3, 7, 4],
        ],
      ],
    ]);
    // stride 2: patches do not overlap; padding 1 trims a border; outputPadding adds a row/column
    expect(tg.convTranspose2d(x, w, null, { stride: 2 }).toArray()).toEqual([
      [
        [
          [1, 1, 2, 2],
          [1, 1, 2, 2],
          [3, 3, 4, 4],
          [3, 3, 4, 4],
        ],
      ],
    ]);
    expect(tg.convTranspose2d(x, w, t([1]), { stride: 2, padding: 1, outputPadding: 1 }).toArray()).toEqual([
      [
        [
          [2, 3, 3],
          [4, 5, 5],
          [4, 5, 5],
        ],
      ],
    ]);
  });

  test('im2col and col2im on a 3×3 image (PyTorch unfold/fold)', () => {
    const x = t([
      [
        [
          [0, 1, 2],
          [3, 4, 5],
          [6, 7, 8],
        ],
      ],
    ]);
    expect(tg.im2col(x, 2).toArray()).toEqual([
      [
        [0, 1, 3, 4],
        [1, 2, 4, 5],
        [3, 4, 6, 7],
        [4, 5, 7, 8],
      ],
    ]);
    expect(tg.col2im(tg.ones([1, 4, 4], { dtype: 'float64' }), [3, 3], 2).toArray()).toEqual([
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
    expect(x.im2col(3, { padding: 1 }).shape).toEqual([1, 9, 9]);
  });

  test('conv2d is im2col followed by a matrix product', () => {
    const [x, w] = randomLeaves(3, [2, 3, 6, 5], [4, 3, 3, 2]);
    const cols = tg.im2col(x, [3, 2], { stride: [2, 1], padding: 1 }); // [2, 18, L]
    const viaCols = tg.matmul(w.reshape(4, 18), cols);
    const y = tg.conv2d(x, w, null, { stride: [2, 1], padding: 1 });
    expect(
      Array.from(y.data)
        .map((v, i) => v - viaCols.data[i])
        .every((d) => Math.abs(d) < 1e-12),
    ).toBe(true);
  });
});

/** The conv2d of a case on leaves drawn from its seed: [f, inputs]. */
function conv2dCase(c: ConvCase): [(...xs: tg.Tensor[]) => tg.Tensor, tg.Tensor[]] {
  const shapes = [[c.n, c.cin, ...c.size], [c.cout, c.cin / c.groups, ...c.kernel], ...(c.bias ? [[c.cout]] : [])];
  const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
  return [(x, w, b) => tg.conv2d(x, w, b ?? null, opts), randomLeaves(c.seed, ...shapes)];
}

function convTransposeCase(c: ConvCase): [(...xs: tg.Tensor[]) => tg.Tensor, tg.Tensor[]] {
  // the largest valid output padding: below the stride or the dilation
  const outputPadding = c.stride.map((s, a) => Math.max(s, c.dilation[a]) - 1);
  const shapes = [[c.n, c.cin, ...c.size], [c.cin, c.cout / c.groups, ...c.kernel], ...(c.bias ? [[c.cout]] : [])];
  // padding at most what the output can lose
  const padding = c.padding.map((p, a) =>
    Math.min(p, Math.floor(((c.size[a] - 1) * c.stride[a] + c.dilation[a] * (c.kernel[a] - 1)) / 2)),
  );
  const opts = { stride: c.stride, padding, dilation: c.dilation, groups: c.groups, outputPadding };
  return [(x, w, b) => tg.convTranspose2d(x, w, b ?? null, opts), randomLeaves(c.seed, ...shapes)];
}

function conv1dCase(c: ConvCase): [(...xs: tg.Tensor[]) => tg.Tensor, tg.Tensor[]] {
  const shapes = [[c.n, c.cin, c.size[1]], [c.cout, c.cin / c.groups, c.kernel[1]], ...(c.bias ? [[c.cout]] : [])];
  const opts = { stride: c.stride[1], padding: c.padding[1], dilation: c.dilation[1], groups: c.groups };
  return [(x, w, b) => tg.conv1d(x, w, b ?? null, opts), randomLeaves(c.seed, ...shapes)];
}

function im2colCase(c: ConvCase): [(...xs: tg.Tensor[]) => tg.Tensor, tg.Tensor[]] {
  const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation };
  return [(x) => tg.im2col(x, c.kernel, opts), randomLeaves(c.seed, [c.n, c.cin, ...c.size])];
}

function col2imCase(c: ConvCase): [(...xs: tg.Tensor[]) => tg.Tensor, tg.Tensor[]] {
  const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation };
  const l = tg.im2col(tg.zeros([1, 1, ...c.size]), c.kernel, opts).shape[2];
  return [
    (x) => tg.col2im(x, c.size, c.kernel, opts),
    randomLeaves(c.seed, [c.n, c.cin * c.kernel[0] * c.kernel[1], l]),
  ];
}

const squared =
  (f: (...xs: tg.Tensor[]) => tg.Tensor) =>
  (...xs: tg.Tensor[]): tg.Tensor =>
    f(...xs).square();

describe.each([
  ['conv2d', conv2dCase],
  ['conv1d', conv1dCase],
  ['convTranspose2d', convTransposeCase],
  ['im2col', im2colCase],
  ['col2im', col2imCase],
])('%s: gradients over random shapes, strides, paddings, dilations and groups (float64)', (_name, make) => {
  test('gradcheck', () => {
    fc.assert(
      fc.property(arbConvCase(), (c) => {
        const [f, xs] = make(c);
        expect(gradcheck(f, xs).ok).toBe(true);
      }),
      GRAD_RUNS,
    );
  });

  test('gradgradcheck (of the op, and of its square)', () => {
    fc.assert(
      fc.property(arbConvCase(1), (c) => {
        const [f, xs] = make(c);
        expect(gradgradcheck(f, xs).ok).toBe(true);
        expect(gradgradcheck(squared(f), xs).ok).toBe(true);
      }),
      GRADGRAD_RUNS,
    );
  });
});

test('double backward through a conv reaches the input: d/dx of ‖∂L/∂w‖²', () => {
  // L = Σ conv(x, w)²; g = ∂L/∂w depends on x through the unfolded columns, which must be on the
  // tape under createGraph (forward's own columns would be constants).
  const [x, w] = randomLeaves(11, [1, 2, 4, 4], [3, 2, 2, 2]);
  const f = (a: tg.Tensor, b: tg.Tensor): tg.Tensor => {
    const gw = tg.grad((aa: tg.Tensor, bb: tg.Tensor) => tg.conv2d(aa, bb).square().sum(), {
      argnums: 1,
      createGraph: true,
    });
    return gw(a, b).square().sum();
  };
  expect(gradcheck(f, [x, w]).ok).toBe(true);
});
