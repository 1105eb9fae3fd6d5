import * as tg from '@tapegrad/core';

const x = tg.zeros([2, 4, 5, 5]);
const w = tg.zeros([6, 4, 3, 3]);

/** Calls `f` and returns the error it throws (failing the test when it throws none). */
function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('windowed ops: bad arguments get typed errors naming the op, the argument and the shapes', () => {
  test.each<[string, () => unknown, typeof tg.TapegradError, RegExp]>([
    [
      'kernel larger than the padded input',
      () => tg.conv2d(x, tg.zeros([6, 4, 7, 3])),
      tg.ShapeError,
      /conv2d: kernel of extent 7 is larger than the padded input \(5 \+ 0 padding\): x is \[2,4,5,5\], weight is \[6,4,7,3\]/,
    ],
    [
      'dilated kernel larger than the padded input',
      () => tg.conv1d(tg.zeros([1, 1, 4]), tg.zeros([1, 1, 3]), null, { dilation: 2 }),
      tg.ShapeError,
      /conv1d: kernel of extent 5 \(dilated\) is larger/,
    ],
    [
      'in channels not divisible by groups',
      () => tg.conv2d(tg.zeros([2, 3, 5, 5]), tg.zeros([6, 1, 3, 3]), null, { groups: 2 }),
      tg.ShapeError,
      /conv2d: in channels \(3\) and out channels \(6\) must be divisible by groups \(2\): x is \[2,3,5,5\]/,
    ],
    [
      'weight in/groups mismatch',
      () => tg.conv2d(x, tg.zeros([6, 3, 3, 3])),
      tg.ShapeError,
      /conv2d: weight's axis 1 must be in\/groups = 4: x is \[2,4,5,5\], weight is \[6,3,3,3\]/,
    ],
    [
      'stride 0',
      () => tg.conv2d(x, w, null, { stride: 0 }),
      tg.ValueError,
      /conv2d: stride must be an integer ≥ 1 or 2 of them, got 0/,
    ],
    [
      'stride [1, 0]',
      () => tg.conv2d(x, w, null, { stride: [1, 0] }),
      tg.ValueError,
      /conv2d: stride must be an integer ≥ 1/,
    ],
    [
      'weight of the wrong rank',
      () => tg.conv2d(x, tg.zeros([6, 4, 3])),
      tg.ShapeError,
      /conv2d: weight must have rank 4 \(\[out, in\/groups, kH, kW\]\), got x is \[2,4,5,5\], weight is \[6,4,3\]/,
    ],
    [
      'x of the wrong rank',
      () => tg.conv2d(tg.zeros([5, 5]), w),
      tg.ShapeError,
      /conv2d: x must have rank 3 or 4, got shape \[5,5\]/,
    ],
    [
      "'same' with stride 2",
      () => tg.conv2d(x, w, null, { stride: 2, padding: 'same' }),
      tg.ValueError,
      /conv2d: padding 'same' needs stride 1, got stride \[2, 2\]/,
    ],
    [
      'an unknown padding mode',
      () => tg.conv2d(x, w, null, { padding: 'full' as 'same' }),
      tg.ValueError,
      /conv2d: padding must be one of "same", "valid"; got "full"/,
    ],
    [
      'negative padding',
      () => tg.conv2d(x, w, null, { padding: -1 }),
      tg.ValueError,
      /conv2d: padding must be an integer ≥ 0/,
    ],
    [
      'bias of the wrong shape',
      () => tg.conv2d(x, w, tg.zeros([5])),
      tg.ShapeError,
      /conv2d: bias must be \[out\] = \[6\]: .*bias is \[5\]/,
    ],
    [
      'mixed dtypes',
      () => tg.conv2d(x, tg.zeros([6, 4, 3, 3], { dtype: 'float64' })),
      tg.DTypeError,
      /conv2d: x, weight and bias must share one dtype/,
    ],
    [
      'a misspelt option',
      () => tg.conv2d(x, w, null, { strides: 2 } as object),
      tg.ValueError,
      /conv2d: unknown option 'strides' \(did you mean 'stride'\?\)/,
    ],
    [
      'groups 0',
      () => tg.conv2d(x, w, null, { groups: 0 }),
      tg.ValueError,
      /conv2d: groups must be an integer ≥ 1, got 0/,
    ],
    [
      'convTranspose2d: outputPadding not below stride or dilation',
      () => tg.convTranspose2d(x, tg.zeros([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 }),
      tg.ValueError,
      /convTranspose2d: outputPadding \(2, 2\) must be smaller than stride \(2, 2\) or dilation/,
    ],
    [
      'convTranspose2d: weight axis 0 is not the in channels',
      () => tg.convTranspose2d(x, tg.zeros([3, 2, 3, 3])),
      tg.ShapeError,
      /convTranspose2d: weight's axis 0 must be the in channels, 4/,
    ],
    [
      'maxPool2d: kernel larger than the input',
      () => tg.maxPool2d(x, 6),
      tg.ShapeError,
      /maxPool2d: kernel of extent 6 is larger than the padded input \(5 \+ 0 padding\): x is \[2,4,5,5\]/,
    ],
    [
      'maxPool2d: padding over half the kernel',
      () => tg.maxPool2d(x, { kernelSize: 2, padding: 2 }),
      tg.ValueError,
      /maxPool2d: padding \(2, 2\) must be at most half the kernel/,
    ],
    [
      'maxPool2d: no kernelSize',
      () => tg.maxPool2d(x, {} as tg.MaxPoolOptions),
      tg.ValueError,
      /maxPool2d: kernelSize is required/,
    ],
    [
      'maxPool2d: a window of dilated taps that misses the input',
      () => tg.maxPool2d(tg.zeros([1, 1, 1, 1]), { kernelSize: 2, dilation: 2, padding: 1 }),
      tg.ValueError,
      /maxPool2d: window 0 along axis 2 .* covering no element/,
    ],
    [
      'avgPool2d: stride 0',
      () => tg.avgPool2d(x, { kernelSize: 2, stride: 0 }),
      tg.ValueError,
      /avgPool2d: stride must be an integer ≥ 1/,
    ],
    [
      'avgPool2d: dilation is not an option',
      () => tg.avgPool2d(x, { kernelSize: 2, dilation: 2 } as tg.AvgPoolOptions),
      tg.ValueError,
      /avgPool2d: unknown option 'dilation'/,
    ],
    [
      'adaptiveAvgPool2d: output size 0',
      () => tg.adaptiveAvgPool2d(x, 0),
      tg.ValueError,
      /adaptiveAvgPool2d: outputSize must be an integer ≥ 1/,
    ],
    [
      'im2col: a 3-D input',
      () => tg.im2col(tg.zeros([4, 5, 5]), 2),
      tg.ShapeError,
      /im2col: x must have rank 4, got shape \[4,5,5\]/,
    ],
    [
      'col2im: columns that do not match the windows',
      () => tg.col2im(tg.zeros([1, 4, 5]), [3, 3], 2),
      tg.ShapeError,
      /col2im: cols must be \[N, C·4, 4\] for a 2×2 kernel over 3×3 \(2×2 positions\): cols is \[1,4,5\]/,
    ],
    [
      'pad: reflect as wide as the axis',
      () => tg.pad(tg.zeros([2, 3]), [3, 0], { mode: 'reflect' }),
      tg.ShapeError,
      /pad: reflect padding of \(3, 0\) on axis 1 needs widths below the extent, x is \[2,3\]/,
    ],
    [
      'pad: negative widths',
      () => tg.pad(tg.zeros([2, 3]), [-1, 0]),
      tg.ValueError,
      /pad: widths must be non-negative integers/,
    ],
    [
      'pad: more widths than axes',
      () => tg.pad(tg.zeros([3]), [1, 1, 1, 1]),
      tg.ValueError,
      /pad: widths must be .* for x of shape \[3\]/,
    ],
    [
      'pad: an unknown mode',
      () => tg.pad(tg.zeros([3]), [1, 1], { mode: 'circular' as 'reflect' }),
      tg.ValueError,
      /pad: mode must be one of "constant", "reflect", "replicate"; got "circular"/,
    ],
    [
      'pad: a value with reflect',
      () => tg.pad(tg.zeros([3]), [1, 1], { mode: 'reflect', value: 1 }),
      tg.ValueError,
      /pad: value applies to mode 'constant' only/,
    ],
  ])('%s', (_what, f, type, message) => {
    const e = errorOf(f);
    expect(e).toBeInstanceOf(type);
    expect(e.message).toMatch(message);
  });

  test('an int32 input is a DTypeError', () => {
    expect(() =>
      tg.conv2d(tg.zeros([1, 1, 3, 3], { dtype: 'int32' }), tg.zeros([1, 1, 2, 2], { dtype: 'int32' })),
    ).toThrow(tg.DTypeError);
    expect(() => tg.maxPool2d(tg.zeros([1, 1, 3, 3], { dtype: 'int32' }), 2)).toThrow(
      /maxPool2d: x must be float32 or float64, got int32/,
    );
  });
});
