import {
  ShapeError,
  ValueError,
  convTranspose2d,
  gruCell,
  lstmCell,
  lstmSequence,
  noGrad,
  ones,
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
