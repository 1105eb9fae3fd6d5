import fc from 'fast-check';
import {
  DTypeError,
  MAX_ELEMENTS,
  ShapeError,
  TapegradError,
  ValueError,
  allocateChecked,
  checkAllocation,
  checkAxis,
  checkBoolean,
  checkDType,
  checkFunction,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOptions,
  checkShapeArg,
  checkString,
  checkTensor,
  describe as describeValue,
  tensor,
  zeros,
} from '@tapegrad/core';

describe('the shared argument checkers', () => {
  test('checkInteger accepts safe integers in range and names the function and argument otherwise', () => {
    expect(checkInteger('f', 'n', 3, { min: 1 })).toBe(3);
    expect(checkInteger('f', 'n', -2)).toBe(-2);
    expect(() => checkInteger('DataLoader', 'batchSize', 0.5, { min: 1 })).toThrow(
      new ValueError('DataLoader: batchSize must be an integer ≥ 1, got 0.5'),
    );
    for (const bad of [0, -1, NaN, Infinity, 2 ** 53, '3', null, undefined, [1]]) {
      expect(() => checkInteger('f', 'n', bad, { min: 1 })).toThrow(ValueError);
    }
    expect(() => checkInteger('f', 'n', 11, { min: 0, max: 10 })).toThrow(
      /f: n must be an integer in \[0, 10\], got 11/,
    );
  });

  test('checkNumber refuses NaN always and infinities unless allowed', () => {
    expect(checkNumber('SGD', 'lr', 0.1, { min: 0 })).toBe(0.1);
    expect(checkNumber('f', 'x', Infinity, { finite: false })).toBe(Infinity);
    expect(() => checkNumber('f', 'x', NaN, { finite: false })).toThrow(ValueError);
    expect(() => checkNumber('SGD', 'lr', Infinity, { min: 0 })).toThrow(
      new ValueError('SGD: lr must be a finite number ≥ 0, got Infinity'),
    );
    expect(() => checkNumber('Adam', 'eps', 0, { above: 0 })).toThrow(/Adam: eps must be a finite number > 0, got 0/);
    expect(() => checkNumber('RMSProp', 'alpha', 2, { min: 0, max: 1 })).toThrow(/≥ 0 and ≤ 1, got 2/);
    expect(() => checkNumber('f', 'p', 1, { min: 0, below: 1 })).toThrow(/< 1, got 1/);
    expect(() => checkNumber('f', 'x', '1')).toThrow(/got "1"/);
  });

  test('checkBoolean, checkOneOf, checkFunction', () => {
    expect(checkBoolean('f', 'b', false)).toBe(false);
    expect(() => checkBoolean('f', 'shuffle', 1)).toThrow(new ValueError('f: shuffle must be true or false, got 1'));
    expect(checkOneOf('pad', 'mode', 'reflect', ['constant', 'reflect'])).toBe('reflect');
    expect(() => checkOneOf('pad', 'mode', 'wrap', ['constant', 'reflect'])).toThrow(
      new ValueError(`pad: mode must be one of "constant", "reflect"; got "wrap"`),
    );
    const g = (x: number): number => x;
    expect(checkFunction('LambdaLR', 'lrLambda', g)).toBe(g);
    expect(() => checkFunction('LambdaLR', 'lrLambda', 0.5)).toThrow(/LambdaLR: lrLambda must be a function, got 0.5/);
    expect(checkString('loadMnist', 'dir', '/data')).toBe('/data');
    expect(() => checkString('readBytes', 'file', 0)).toThrow(
      new ValueError('readBytes: file must be a non-empty string, got 0'),
    );
    expect(() => checkString('f', 'dir', '')).toThrow(/f: dir must be a non-empty string, got ""/);
    expect(checkString('f', 'text', '', { allowEmpty: true })).toBe('');
    expect(() => checkString('f', 'text', null, { allowEmpty: true })).toThrow(/f: text must be a string, got null/);
  });

  test('checkTensor: not a tensor is a ValueError, a wrong dtype a DTypeError, a wrong rank a ShapeError', () => {
    const w = zeros([2, 3]);
    expect(checkTensor('f', 'w', w, { ndim: 2, dtype: 'float32' })).toBe(w);
    expect(() => checkTensor('concat', 'tensors[1]', null)).toThrow(
      new ValueError('concat: tensors[1] must be a Tensor, got null'),
    );
    expect(() => checkTensor('f', 'x', { shape: [2] })).toThrow(/got an object/);
    expect(() => checkTensor('f', 'idx', w, { dtype: 'int32' })).toThrow(
      new DTypeError('f: idx must be int32, got float32 of shape [2,3]'),
    );
    expect(() => checkTensor('conv2d', 'weight', w, { ndim: [3, 4] })).toThrow(
      new ShapeError('conv2d: weight must have rank 3 or 4, got shape [2,3]'),
    );
  });

  test('checkShapeArg and checkAxis', () => {
    const s = [2, 3];
    expect(checkShapeArg('zeros', 'shape', s)).toEqual([2, 3]);
    expect(checkShapeArg('zeros', 'shape', s)).not.toBe(s);
    for (const bad of [[-2, 2], [0.5], [NaN], ['2'], 3, null, [[1, 3]]]) {
      expect(() => checkShapeArg('zeros', 'shape', bad)).toThrow(ShapeError);
    }
    expect(checkAxis('softmax', 'axis', -1, 3)).toBe(2);
    expect(checkAxis('mean', 'axis', 0, 0)).toBe(0);
    expect(checkAxis('mean', 'axis', -1, 0)).toBe(0);
    for (const bad of [3, -4, 0.5, '0', NaN]) expect(() => checkAxis('sum', 'axis', bad, 3)).toThrow(ShapeError);
    expect(() => checkAxis('sum', 'axis', '0', 2)).toThrow(/sum: axis "0" is out of range for a tensor of rank 2/);
  });

  test('checkOptions rejects unknown keys and non-objects, and suggests a near name', () => {
    expect(checkOptions('f', undefined, ['a'])).toEqual({});
    expect(checkOptions('f', { a: 1 }, ['a', 'b'])).toEqual({ a: 1 });
    expect(() => checkOptions('Trainer.fit', { maxEpochs: 3 }, ['epochs', 'batchSize'])).toThrow(
      new ValueError(`Trainer.fit: unknown option 'maxEpochs'; valid: epochs, batchSize`),
    );
    expect(() => checkOptions('DataLoader', { batchsize: 3 }, ['batchSize'])).toThrow(/did you mean 'batchSize'\?/);
    expect(() => checkOptions('penalty', { L2: 1 }, ['l1', 'l2'])).toThrow(/did you mean 'l2'\?/);
    expect(() => checkOptions('SGD', { moment: 0.9 }, ['lr', 'momentum', 'monitor'])).toThrow(
      /did you mean 'momentum'\?/,
    );
    expect(() => checkOptions('SGD', { zzz: 1 }, ['lr'])).toThrow(/unknown option 'zzz'; valid: lr$/);
    for (const bad of [null, 3, 'x', [1], zeros([1])]) {
      expect(() => checkOptions('f', bad, ['a'])).toThrow(/f: options must be an object/);
    }
  });

  test('checkDType names the bad value whatever it is', () => {
    expect(checkDType('f', 'float64')).toBe('float64');
    expect(() => checkDType('tensor', 'int8')).toThrow(/tensor: unknown dtype 'int8'; valid: float32, float64, int32/);
    expect(() => checkDType('tensor', 3)).toThrow(DTypeError);
  });

  test('checkAllocation: sizes beyond the engine limit are a ValueError before anything is allocated', () => {
    expect(checkAllocation('zeros', [2, 3], 'float32')).toBe(6);
    expect(() => checkAllocation('zeros', [1e5, 1e5], 'float32')).toThrow(
      new ValueError(`zeros: shape [100000,100000] needs 40 GB (float32); the limit is ${MAX_ELEMENTS} elements`),
    );
    expect(() =>
      allocateChecked('zeros', [4], 'float32', () => {
        throw new RangeError('Array buffer allocation failed');
      }),
    ).toThrow(/zeros: could not allocate shape \[4\] .*Array buffer allocation failed/);
    expect(allocateChecked('zeros', [4], 'float32', () => new Float32Array(4)).length).toBe(4);
  });

  test('every checker throws only tapegrad errors, whatever it is given (fast-check)', () => {
    const anything = fc.anything({ withBigInt: true, withTypedArray: true, withNullPrototype: true });
    fc.assert(
      fc.property(anything, (v) => {
        const calls = [
          () => checkInteger('f', 'n', v, { min: 0 }),
          () => checkNumber('f', 'x', v),
          () => checkBoolean('f', 'b', v),
          () => checkString('f', 's', v),
          () => checkOneOf('f', 'm', v, ['a']),
          () => checkTensor('f', 't', v),
          () => checkShapeArg('f', 's', v),
          () => checkAxis('f', 'axis', v, 2),
          () => checkOptions('f', v, ['a']),
          () => checkDType('f', v),
        ];
        for (const call of calls) {
          try {
            call();
          } catch (e) {
            if (!(e instanceof TapegradError)) return false;
            if (!/^f: /.test(e.message)) return false;
          }
        }
        return typeof describeValue(v) === 'string';
      }),
      { numRuns: 300 },
    );
  });

  test('describe keeps messages short and readable', () => {
    expect(describeValue(tensor([[1, 2]]))).toBe('a float32 Tensor of shape [1,2]');
    expect(describeValue(new Int16Array(2))).toBe('a Int16Array');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue([1, 2, 3, 4, 5, 6, 7])).toBe('[1, 2, 3, 4, 5, 6, …]');
    expect(describeValue('x'.repeat(50))).toMatch(/…"$/);
  });
});
