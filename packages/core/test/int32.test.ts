import fc from 'fast-check';
import {
  DTypeError,
  INT32_MAX,
  INT32_MIN,
  Tensor,
  ValueError,
  arange,
  clip,
  full,
  linspace,
  tensor,
  zeros,
} from '@tapegrad/core';

// #18: int32 used to store NaN and ±Infinity as 0 and wrap 3e9 to -1294967296, sums overflowed
// silently, clip let values out of fractional bounds, and other typed arrays were labelled int32.

describe('values int32 cannot hold are ValueErrors, never 0 or a wrapped value', () => {
  test.each([
    [NaN, 0],
    [Infinity, 1],
    [-Infinity, 0],
    [3e9, 2],
    [-2147483649, 0],
  ])('tensor([…, %p, …], { dtype: int32 })', (bad, at) => {
    const values = [1, 2, 3];
    values[at] = bad;
    expect(() => tensor(values, { dtype: 'int32' })).toThrow(ValueError);
    expect(() => tensor(values, { dtype: 'int32' })).toThrow(
      new RegExp(`^tensor: element ${at} of values is ${bad}, which int32 cannot hold`),
    );
  });

  test('the issue’s tensor([NaN, Infinity, 3e9], { dtype: int32 }) and astype', () => {
    expect(() => tensor([NaN, Infinity, 3e9], { dtype: 'int32' })).toThrow(ValueError);
    expect(() => tensor([NaN, Infinity, 3e9], { dtype: 'float64' }).astype('int32')).toThrow(
      /^astype: x\[0\] is NaN, which int32 cannot hold/,
    );
    expect(() => tensor([1, 3e9], { dtype: 'float64' }).astype('int32')).toThrow(/^astype: x\[1\] is 3000000000/);
    expect(() => tensor(new Float64Array([Infinity]), { dtype: 'int32' })).toThrow(/values\[0\] is Infinity/);
  });

  test('what fits is truncated toward zero, as PyTorch and NumPy', () => {
    expect(tensor([1.9, -1.9, INT32_MAX, INT32_MIN, 2147483647.5], { dtype: 'int32' }).toArray()).toEqual([
      1,
      -1,
      INT32_MAX,
      INT32_MIN,
      INT32_MAX,
    ]);
    expect(tensor([-0.5, 2.5]).astype('int32').toArray()).toEqual([0, 2]);
  });

  test('full, arange, linspace and fill_ check their int32 values too', () => {
    expect(() => full([2], 3e9, { dtype: 'int32' })).toThrow(/^full: value is 3000000000, which int32 cannot hold/);
    expect(() => arange(3e9, 3e9 + 2, 1, { dtype: 'int32' })).toThrow(/^arange: the first value is 3000000000/);
    expect(() => linspace(0, 1e10, 3, { dtype: 'int32' })).toThrow(/^linspace: the last value is 10000000000/);
    expect(() => zeros([1], { dtype: 'int32' }).fill_(NaN)).toThrow(/^fill_: value is NaN/);
    expect(arange(0, 2, 0.5, { dtype: 'int32' }).toArray()).toEqual([0, 0, 1, 1]);
  });
});

describe('int32 sums are exact or a ValueError (tapegrad has no int64 to widen to)', () => {
  test('the issue’s overflow', () => {
    const x = tensor([2e9, 2e9], { dtype: 'int32' });
    expect(() => x.sum()).toThrow(ValueError);
    expect(() => x.sum()).toThrow(
      /^sum: the sum of the int32 tensor of shape \[2\] is 4000000000, beyond int32's range/,
    );
    expect(x.astype('float64').sum().item()).toBe(4e9);
    // mean is float32 and is summed in float64: no overflow there.
    expect(x.mean().item()).toBe(2e9);
    expect(x.mean().dtype).toBe('float32');
  });

  test('sums that fit are exact, also when partial sums leave int32 (property, against BigInt)', () => {
    const big = fc.integer({ min: INT32_MIN, max: INT32_MAX });
    fc.assert(
      fc.property(fc.array(fc.array(big, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const x = tensor(rows, { dtype: 'int32' });
        const exact = (vs: number[]): bigint => vs.reduce((s, v) => s + BigInt(v), 0n);
        const check = (got: () => Tensor, want: bigint[]): void => {
          if (want.every((w) => w >= BigInt(INT32_MIN) && w <= BigInt(INT32_MAX))) {
            expect(Array.from(got().data)).toEqual(want.map(Number));
          } else expect(got).toThrow(/beyond int32's range/);
        };
        check(() => x.sum(), [exact(rows.flat())]);
        check(() => x.sum(1), rows.map(exact));
        check(
          () => x.sum(0),
          [0, 1, 2].map((j) => exact(rows.map((r) => r[j]))),
        );
      }),
      { numRuns: 200 },
    );
    // Partial sums beyond int32 that come back into range: exact.
    expect(tensor([INT32_MAX, INT32_MAX, -INT32_MAX, -INT32_MAX, 5], { dtype: 'int32' }).sum().item()).toBe(5);
  });
});

describe('clip of int32', () => {
  test('fractional bounds promote to float32 (PyTorch), so every value is within them', () => {
    const y = clip(tensor([1, 2, 3], { dtype: 'int32' }), 1.5, 2.5);
    expect(y.dtype).toBe('float32');
    expect(y.toArray()).toEqual([1.5, 2, 2.5]);
  });

  test('whole bounds keep int32, also bounds beyond its range; bounds wholly outside it promote', () => {
    const x = tensor([-5, 0, 5], { dtype: 'int32' });
    expect(clip(x, -1, 1).dtype).toBe('int32');
    expect(clip(x, -1, 1).toArray()).toEqual([-1, 0, 1]);
    expect(clip(x, -1e10, 1e10).toArray()).toEqual([-5, 0, 5]);
    expect(clip(x, -Infinity, 2).toArray()).toEqual([-5, 0, 2]);
    const far = clip(x, 3e9, 4e9);
    expect(far.dtype).toBe('float32');
    expect(far.toArray()).toEqual([3e9, 3e9, 3e9]);
  });

  test('bad bounds are typed errors', () => {
    expect(() => clip(zeros([2]), NaN, 1)).toThrow(/clip: min must be a number, got NaN/);
    expect(() => clip(zeros([2]), 0, '1' as never)).toThrow(/clip: max must be a number, got "1"/);
    expect(() => clip(zeros([2]), 2, 1)).toThrow(/clip: needs min ≤ max, got min=2, max=1/);
  });
});

describe('typed arrays of other kinds are converted or refused, never relabelled', () => {
  test.each([
    ['Int8Array', new Int8Array([-128, 127])],
    ['Uint8Array', new Uint8Array([0, 255])],
    ['Uint8ClampedArray', new Uint8ClampedArray([0, 255])],
    ['Int16Array', new Int16Array([-32768, 32767])],
    ['Uint16Array', new Uint16Array([0, 65535])],
    ['Uint32Array', new Uint32Array([0, INT32_MAX])],
  ])('%s becomes an int32 copy with the same values', (_name, a) => {
    const t = tensor(a);
    expect(t.dtype).toBe('int32');
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(Array.from(t.data)).toEqual(Array.from(a));
  });

  test('Uint32Array([4e9]) is refused as int32 and exact as float64', () => {
    expect(() => tensor(new Uint32Array([4e9]))).toThrow(
      /values\[0\] of the Uint32Array is 4000000000.*dtype: 'float64'/,
    );
    expect(tensor(new Uint32Array([4e9]), { dtype: 'float64' }).item()).toBe(4e9);
  });

  test('an explicit dtype converts any kind', () => {
    expect(tensor(new Int16Array([3, -4]), { dtype: 'float32' }).toArray()).toEqual([3, -4]);
  });

  test('bigint arrays and DataViews are DTypeErrors; so is a foreign array given to the constructor', () => {
    expect(() => tensor(new BigInt64Array(2) as never)).toThrow(DTypeError);
    expect(() => tensor(new BigInt64Array(2) as never)).toThrow(/tensor: a BigInt64Array cannot be a tensor's data/);
    expect(() => tensor(new DataView(new ArrayBuffer(4)) as never)).toThrow(DTypeError);
    expect(() => new Tensor(new Int16Array(2) as never, [2])).toThrow(
      /^Tensor: data must be a Float32Array, Float64Array or Int32Array, got a Int16Array/,
    );
  });
});
