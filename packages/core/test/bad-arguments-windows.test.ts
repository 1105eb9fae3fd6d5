import {
  DTypeError,
  ShapeError,
  Tensor,
  ValueError,
  bmm,
  convTranspose2d,
  cumsum,
  embedding,
  grad,
  gruCell,
  lstmCell,
  lstmSequence,
  maskedFill,
  maxPool2d,
  maximum,
  minimum,
  noGrad,
  oneHot,
  ones,
  reshape,
  split,
  std,
  tensor,
  triu,
  variance,
  zeros,
} from '@tapegrad/core';

// #18's bad-input suite over the ops of #15/#16 (test/bad-input/suites/core-windows.ts,
// core-seq.ts, core-cells.ts) found these; one regression test each.

describe('recurrent cells check their biases as tensors', () => {
  const [x, w4, wh4, b4] = [ones([1, 2]), ones([4, 2]), ones([4, 1]), ones([4])];

  test('lstmCell with a number as bIh is a ValueError naming bIh (it was a raw TypeError)', () => {
    expect(() => lstmCell(x, zeros([2, 1, 1]), w4, wh4, 5 as never, b4)).toThrow(ValueError);
    expect(() => lstmCell(x, zeros([2, 1, 1]), w4, wh4, 5 as never, b4)).toThrow(/lstmCell: bIh must be a Tensor/);
  });

  test('gruCell with an object as bHh is a ValueError naming bHh', () => {
    const [w3, wh3, b3] = [ones([3, 2]), ones([3, 1]), ones([3])];
    expect(() => gruCell(x, zeros([1, 1]), w3, wh3, b3, {} as never)).toThrow(/gruCell: bHh must be a Tensor/);
  });

  test('lstmSequence with a string as bIh is a ValueError naming bIh', () => {
    expect(() => lstmSequence(ones([2, 1, 2]), zeros([2, 1, 1]), w4, wh4, '3' as never, b4)).toThrow(
      /lstmSequence: bIh must be a Tensor/,
    );
  });
});

test("copy_ of a source that does not broadcast names copy_ (it was broadcastTo's error)", () => {
  const dst = zeros([2]);
  expect(() => noGrad(() => dst.copy_(ones([1, 2])))).toThrow(ShapeError);
  expect(() => noGrad(() => dst.copy_(ones([3])))).toThrow(
    /copy_: src of shape \[3\] does not broadcast to dst's \[2\]/,
  );
  expect(Array.from(dst.data)).toEqual([0, 0]);
});

test('convTranspose2d checks its options before relating shapes to them (a bad stride is named as such)', () => {
  // weight [2, 1, 1, 1] with groups 1 also makes the bias [2] wrong; the stride is the first fault.
  expect(() => convTranspose2d(ones([1, 2, 1, 1]), ones([2, 1, 1, 1]), ones([2]), { stride: [1] })).toThrow(
    /convTranspose2d: stride must be/,
  );
});

describe("the issue's corner cases, for the ops added since", () => {
  test('var, std and cumsum take axis 0 and -1 of a rank-0 tensor (as every reduction, PyTorch)', () => {
    const s = tensor(2, { dtype: 'float64' });
    for (const axis of [0, -1]) {
      expect(variance(s, axis, { correction: 0 }).toArray()).toBe(0);
      expect(std(s, axis, { correction: 0 }).toArray()).toBe(0);
      expect(cumsum(s, axis).toArray()).toBe(2);
      expect(cumsum(s, axis).shape).toEqual([]);
    }
    // One value, correction 1: NaN (0/0), as PyTorch, not an error and not 0.
    expect(variance(s, 0).toArray()).toBeNaN();
  });

  test('cumsum of int32 refuses a running sum beyond int32 (it wrapped to -2147483648), as sum does', () => {
    const big = tensor([2147483647, 1], { dtype: 'int32' });
    expect(() => cumsum(big, 0)).toThrow(ValueError);
    expect(() => cumsum(big, 0)).toThrow(/cumsum: a running sum of the int32 tensor of shape \[2\] is 2147483648/);
    expect(cumsum(tensor([2147483647, -1], { dtype: 'int32' }), 0).toArray()).toEqual([2147483647, 2147483646]);
    expect(
      cumsum(
        tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { dtype: 'int32' },
        ),
        0,
      ).toArray(),
    ).toEqual([
      [1, 2],
      [4, 6],
    ]);
  });

  test('oneHot with a huge numClasses says how much memory it needs (it was a RangeError)', () => {
    const idx = tensor([0], { dtype: 'int32' });
    expect(() => oneHot(idx, 1e10)).toThrow(ValueError);
    expect(() => oneHot(idx, 1e10)).toThrow(/^oneHot: shape \[1,10000000000\] needs 40 GB \(int32\)/);
  });

  test('bmm of int32 operands is a DTypeError naming bmm (it named matmul)', () => {
    const i = tensor([[[1]]], { dtype: 'int32' });
    expect(() => bmm(i, i)).toThrow(DTypeError);
    expect(() => bmm(i, i)).toThrow(/^bmm: a must be float32 or float64/);
  });

  describe('a zero gradient of a constant branch is recorded and differentiable', () => {
    const x = (): Tensor => tensor([-1, 0, 2], { dtype: 'float64' });
    const d2 = (f: (t: Tensor) => Tensor): number[] =>
      Array.from(grad((t: Tensor) => grad((u: Tensor) => f(u).sum())(t).sum())(x()).data);
    const row = (t: Tensor): Tensor => reshape(t, [1, 3]);

    test.each([
      ['maximum (the constant wins at -1 and 0)', (t: Tensor) => maximum(t, 0.5)],
      ['minimum (the constant wins at 2)', (t: Tensor) => minimum(t, 0.5)],
      ['maskedFill', (t: Tensor) => maskedFill(t, tensor([1, 0, 1], { dtype: 'int32' }), 7)],
      ['triu above the diagonal', (t: Tensor) => triu(row(t), 1)],
      ['maxPool2d (the non-maxima)', (t: Tensor) => maxPool2d(reshape(t, [1, 1, 1, 3]), { kernelSize: [1, 3] })],
      [
        'embedding at paddingIdx',
        (t: Tensor) => embedding(tensor([0, 0], { dtype: 'int32' }), reshape(t, [3, 1]), { paddingIdx: 0 }),
      ],
      ['split (the pieces not taken)', (t: Tensor) => split(t, 1)[2]],
      ['cumsum', (t: Tensor) => cumsum(t, 0)],
    ])('%s: second derivative 0, recorded', (_name, f) => {
      expect(d2(f)).toEqual([0, 0, 0]);
    });
  });
});
