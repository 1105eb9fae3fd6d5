import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import fc from 'fast-check';
import { IndexError, Rng, ShapeError, TapegradError, tensor, ValueError } from '@tapegrad/core';
import {
  checkChecksum,
  DataLoader,
  DatasetError,
  digits,
  encodeIdx,
  findFile,
  iris,
  labelTensor,
  loadFashionMnist,
  loadMnist,
  makeDir,
  md5,
  normalize,
  oneHot,
  packageDir,
  parseIdx,
  parseLabeledCsv,
  readBytes,
  Scaler,
  sevenSegment,
  spiral,
  standardize,
  takeRows,
  TensorDataset,
  trainTestSplit,
  xor,
} from '@tapegrad/datasets';
import { JUNK_CALLS, JUNK_RUNS, ds, junk, labels, x } from './junk-calls';

/** Regression tests of issue #18's datasets cases: each bad input gets a typed error naming it. */

describe('encodeIdx refuses values its element type cannot hold (it stored 300 as 44)', () => {
  it.each([
    [[300], 'uint8', /encodeIdx: data\[0\] = 300 does not fit uint8 \(integers 0\.\.255\)/],
    [[-1], 'uint8', /data\[0\] = -1 does not fit uint8/],
    [[1, 2.5], 'uint8', /data\[1\] = 2\.5 does not fit uint8/],
    [[-129], 'int8', /does not fit int8 \(integers -128\.\.127\)/],
    [[40000], 'int16', /does not fit int16/],
    [[2 ** 31], 'int32', /does not fit int32/],
    [[0.5], 'int32', /data\[0\] = 0\.5 does not fit int32/],
    [[Number.NaN], 'int32', /data\[0\] = NaN does not fit int32/],
    [[1e39], 'float32', /data\[0\] = 1e\+39 does not fit float32 \(values within ±3\.4028234663852886e\+38\)/],
  ] as const)('%j as %s', (values, type, message) => {
    expect(() => encodeIdx(values, [values.length], type)).toThrow(ValueError);
    expect(() => encodeIdx(values, [values.length], type)).toThrow(message);
  });

  it('keeps what the type can hold, NaN and infinities in float types included', () => {
    expect(Array.from(parseIdx(encodeIdx([0, 255], [2])).data)).toEqual([0, 255]);
    expect(Array.from(parseIdx(encodeIdx([-(2 ** 31), 2 ** 31 - 1], [2], 'int32')).data)).toEqual([
      -(2 ** 31),
      2 ** 31 - 1,
    ]);
    const f = parseIdx(encodeIdx([Number.NaN, Infinity, -3.4e38], [3], 'float32')).data;
    expect([Number.isNaN(f[0]), f[1], f[2]]).toEqual([true, Infinity, Math.fround(-3.4e38)]);
    expect(parseIdx(encodeIdx([1e300], [1], 'float64')).data[0]).toBe(1e300);
  });

  it('checks its other arguments', () => {
    expect(() => encodeIdx([1, 2], [3])).toThrow(ShapeError);
    expect(() => encodeIdx(null as never, [1])).toThrow(
      /encodeIdx: data must be an array or typed array of numbers, got null/,
    );
    expect(() => encodeIdx(['1'] as never, [1])).toThrow(ValueError);
    expect(() => encodeIdx([1], [1], 'uint16' as never)).toThrow(/encodeIdx: type must be one of/);
    expect(() => encodeIdx([1], [-1] as never)).toThrow(ShapeError);
    expect(() => encodeIdx([], [2 ** 32, 0])).toThrow(/dimension 4294967296 does not fit/);
  });
});

describe('parseLabeledCsv reads decimal numbers only (it read 0x10 as 16)', () => {
  const csv = (cell: string, label = '0'): string => `1,1,a,b\n${cell},${label}\n`;
  it.each(['0x10', '0b1', '0o7', '1_000', 'Infinity', '1e', '--1', '.'])('feature %j is a DatasetError', (cell) => {
    expect(() => parseLabeledCsv(csv(cell), 'f.csv', { header: true })).toThrow(DatasetError);
    expect(() => parseLabeledCsv(csv(cell), 'f.csv', { header: true })).toThrow(
      `f.csv, line 2: feature 0 is '${cell}', not a decimal number`,
    );
  });

  it.each(['0x1', '1.0', '-0', '1e0'])('label %j is a DatasetError', (label) => {
    expect(() => parseLabeledCsv(csv('1', label), 'f.csv', { header: true })).toThrow(
      /line 2: label .* is not a class 0\.\.1/,
    );
  });

  it('a hexadecimal header count is refused', () => {
    expect(() => parseLabeledCsv('0x1,1,a,b\n1,0\n', 'f.csv', { header: true })).toThrow(/line 1: expected a header/);
  });

  it('decimal forms CSV files use are read', () => {
    const { x: parsed } = parseLabeledCsv('3,1,a,b\n-2.5,0\n 1e3 ,1\n+.5,0\n', 'f.csv', { header: true });
    expect(Array.from(parsed.data)).toEqual([-2.5, 1000, 0.5]);
  });

  it('checks its arguments', () => {
    expect(() => parseLabeledCsv(null as never, 'f.csv', { header: true })).toThrow(ValueError);
    expect(() => parseLabeledCsv('1,0\n', 'f.csv', { header: false, features: 0, classNames: ['a', 'b'] })).toThrow(
      /spec\.features must be an integer ≥ 1, got 0/,
    );
    expect(() => parseLabeledCsv('1,0\n', 'f.csv', { header: false, features: 1, classNames: ['a'] })).toThrow(
      /spec\.classNames must be an array of at least 2 strings/,
    );
    expect(() => parseLabeledCsv('1,0\n', 'f.csv', null as never)).toThrow(
      /parseLabeledCsv: spec must be \{ header: true \} or/,
    );
    expect(() => parseLabeledCsv('1,0\n', 'f.csv', {} as never)).toThrow(
      /spec\.header must be true or false, got undefined/,
    );
  });
});

describe('DataLoader rejects unknown options and bad values (it ignored numWorkers and collate)', () => {
  it.each([
    [{ numWorkers: 4 }, /DataLoader: unknown option 'numWorkers'; valid: batchSize, shuffle, dropLast, rng/],
    [{ collate: (b: unknown) => b }, /DataLoader: unknown option 'collate'/],
    [{ batchsize: 8 }, /unknown option 'batchsize' \(did you mean 'batchSize'\?\)/],
    [{ batchSize: 0.5 }, /DataLoader: batchSize must be an integer ≥ 1, got 0\.5/],
    [{ batchSize: Number.NaN }, /batchSize must be an integer ≥ 1, got NaN/],
    [{ batchSize: Infinity }, /batchSize must be an integer ≥ 1, got Infinity/],
    [{ batchSize: '8' }, /batchSize must be an integer ≥ 1, got "8"/],
    [{ batchSize: -1 }, /batchSize must be an integer ≥ 1, got -1/],
    [{ shuffle: 'yes' }, /DataLoader: shuffle must be true or false, got "yes"/],
    [{ dropLast: 1 }, /DataLoader: dropLast must be true or false, got 1/],
    [{ rng: 42 }, /DataLoader: rng must be an Rng, got 42/],
  ])('%p', (options, message) => {
    expect(() => new DataLoader(ds, options as never)).toThrow(ValueError);
    expect(() => new DataLoader(ds, options as never)).toThrow(message);
  });

  it.each([
    [null, /DataLoader: dataset must be a Dataset \(length, get, getBatch\), got null/],
    [undefined, /got undefined/],
    [5, /got 5/],
    [x, /got a float32 Tensor of shape \[3,2\]; wrap tensors as new TensorDataset\(x, t\)/],
    [{ length: 3, get: (): null => null }, /got an object/],
    [{ length: -1, get: (): null => null, getBatch: (): null => null }, /must be a Dataset/],
  ])('DataLoader(%p) is a ValueError naming the argument', (dataset, message) => {
    expect(() => new DataLoader(dataset as never)).toThrow(ValueError);
    expect(() => new DataLoader(dataset as never)).toThrow(message);
  });

  it('options must be an object; valid ones still work', () => {
    expect(() => new DataLoader(ds, null as never)).toThrow(/DataLoader: options must be an object, got null/);
    const loader = new DataLoader(ds, { batchSize: 2, shuffle: true, dropLast: true, rng: new Rng(0) });
    expect([...loader].map((b) => b.x.shape)).toEqual([[2, 2]]);
  });
});

describe('TensorDataset and takeRows check tensors and indices', () => {
  it('non-tensors are ValueErrors', () => {
    expect(() => new TensorDataset(null as never, labels)).toThrow(/TensorDataset: x must be a Tensor, got null/);
    expect(() => new TensorDataset(x, [0, 1, 0] as never)).toThrow(/TensorDataset: t must be a Tensor/);
    expect(() => ds.getBatch(null as never)).toThrow(/TensorDataset\.getBatch: indices must be an array/);
    expect(() => ds.get('1' as never)).toThrow(IndexError);
  });

  it('takeRows refuses out-of-range rows instead of returning zeros', () => {
    expect(() => takeRows(x, [3])).toThrow(/takeRows: index 3 is out of range for a data set of length 3/);
    expect(() => takeRows(x, [0.5])).toThrow(IndexError);
    expect(() => takeRows(null as never, [0])).toThrow(/takeRows: a must be a Tensor, got null/);
    expect(() => takeRows(tensor(1), [0])).toThrow(ShapeError);
    expect(Array.from(takeRows(x, [2, 0]).data)).toEqual([5, 6, 1, 2]);
  });
});

describe('sizes that could never be allocated are ValueErrors, not RangeError: Invalid typed array length', () => {
  it.each([
    [
      { numPerClass: 1e12 },
      /spiral: shape \[3000000000000,2\] needs 24000 GB \(float32\); the limit is 4294967296 elements/,
    ],
    [{ numPerClass: 2 ** 40, numClasses: 2 ** 20 }, /spiral: shape .* needs/],
    [{ numPerClass: 1, numClasses: 70000 }, /spiral: shape \[70000,70000\] needs 20 GB/],
  ])('spiral(%p)', (options, message) => {
    expect(() => spiral(options)).toThrow(ValueError);
    expect(() => spiral(options)).toThrow(message);
  });

  it.each([
    [{ numPerClass: 0 }, /spiral: numPerClass must be an integer ≥ 1, got 0/],
    [{ numPerClass: 1.5 }, /numPerClass must be an integer ≥ 1, got 1\.5/],
    [{ numClasses: Number.NaN }, /numClasses must be an integer ≥ 1, got NaN/],
    [{ numClasses: '3' }, /numClasses must be an integer ≥ 1, got "3"/],
    [{ seed: 0.5 }, /spiral: seed must be an integer, got 0\.5/],
    [{ numPoints: 10 }, /spiral: unknown option 'numPoints'/],
  ])('spiral(%p) is a ValueError', (options, message) => {
    expect(() => spiral(options as never)).toThrow(ValueError);
    expect(() => spiral(options as never)).toThrow(message);
  });

  it('spiral with a huge size says how much memory it needs (it was a RangeError)', () => {
    expect(() => spiral({ numPerClass: 1e9, numClasses: 10 })).toThrow(
      /^spiral: shape \[10000000000,2\] needs 80 GB \(float32\)/,
    );
  });

  it('oneHot', () => {
    expect(() => oneHot([0], 1e10)).toThrow(/oneHot: shape \[1,10000000000\] needs 40 GB/);
    expect(() => oneHot([0], 0)).toThrow(/oneHot: numClasses must be an integer ≥ 1, got 0/);
    expect(() => oneHot([0], 1.5)).toThrow(ValueError);
    expect(() => oneHot(null as never)).toThrow(/oneHot: labels must be an array or typed array of numbers, got null/);
    expect(() => oneHot('01' as never)).toThrow(ValueError);
    expect(() => oneHot([])).toThrow(/no labels to infer it from/);
  });

  it('labelTensor refuses values an int32 label cannot be', () => {
    expect(() => labelTensor([0.5])).toThrow(/labelTensor: label 0 is 0\.5, not an int32 integer/);
    expect(() => labelTensor([2 ** 31])).toThrow(ValueError);
    expect(() => labelTensor(null as never)).toThrow(ValueError);
    expect(Array.from(labelTensor(new Uint8Array([3, 255])).data)).toEqual([3, 255]);
  });
});

describe('loaders check their options', () => {
  it.each([
    [() => xor({ oneHot: 'yes' } as never), /xor: oneHot must be true or false, got "yes"/],
    [
      () => sevenSegment({ onehot: true } as never),
      /sevenSegment: unknown option 'onehot' \(did you mean 'oneHot'\?\)/,
    ],
    [() => iris({ oneHot: 1 } as never), /iris: oneHot must be true or false, got 1/],
    [() => digits({ flatten: true } as never), /digits: unknown option 'flatten'/],
    [() => loadMnist({ flaten: false } as never), /loadMnist: unknown option 'flaten' \(did you mean 'flatten'\?\)/],
    [() => loadMnist({ dir: 5 } as never), /loadMnist: dir must be a non-empty string, got 5/],
    [() => loadMnist({ normalize: 'no' } as never), /loadMnist: normalize must be true or false/],
    [() => loadMnist(null as never), /loadMnist: options must be an object, got null/],
    [() => loadFashionMnist({ cacheDir: 3 } as never), /loadFashionMnist: cacheDir must be a non-empty string, got 3/],
    [() => trainTestSplit(null as never, labels), /trainTestSplit: x must be a Tensor, got null/],
    [
      () => trainTestSplit(x, labels, { testsize: 0.2 } as never),
      /unknown option 'testsize' \(did you mean 'testSize'\?\)/,
    ],
    [() => trainTestSplit(x, labels, { testSize: '1' } as never), /testSize must be a finite number, got "1"/],
    [() => trainTestSplit(x, labels, { stratify: 'yes' } as never), /stratify must be true, false or a Tensor/],
    [() => trainTestSplit(x, labels, { rng: 1 } as never), /trainTestSplit: rng must be an Rng, got 1/],
    [() => standardize(null as never), ValueError],
    [() => normalize([[1, 2]] as never), ValueError],
    [
      () => new Scaler(new Float64Array(2), new Float64Array(3), [2]),
      /Scaler: scale must be a Float64Array of 2 values/,
    ],
    [() => standardize(x).transform(null as never), /Scaler\.transform: x must be a Tensor, got null/],
  ])('%#: %p', (call, expected) => {
    expect(call).toThrow(expected);
  });
});

describe('file helpers check their arguments', () => {
  it.each([
    [() => readBytes(0 as never), /readBytes: file must be a non-empty string, got 0/], // 0 would read stdin
    [() => parseIdx('abc' as never), /parseIdx: bytes must be a Uint8Array \(or Buffer\), got "abc"/],
    [() => md5(null as never), /md5: bytes must be a Uint8Array/],
    [() => findFile(os.tmpdir(), [] as never), /findFile: names must be a non-empty array of file names/],
    [() => findFile(null as never, ['a']), /findFile: dir must be a non-empty string/],
    [() => packageDir('' as never), /packageDir: name must be a non-empty string/],
    [() => checkChecksum(new Uint8Array(1), 'f', null as never), /checkChecksum: expected must be \{ size, md5 \}/],
  ])('%#: %p', (call, message) => {
    expect(call).toThrow(ValueError);
    expect(call).toThrow(message);
  });
});

describe('makeDir creates folders level by level (a recursive mkdir loops forever on /proc/x)', () => {
  it('creates missing parents and accepts an existing folder', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-makedir-'));
    makeDir(path.join(root, 'a', 'b', 'c'));
    expect(fs.statSync(path.join(root, 'a', 'b', 'c')).isDirectory()).toBe(true);
    expect(() => makeDir(path.join(root, 'a', 'b', 'c'))).not.toThrow();
    fs.writeFileSync(path.join(root, 'file'), 'x');
    expect(() => makeDir(path.join(root, 'file', 'sub'))).toThrow(
      `cannot create the folder ${path.join(root, 'file', 'sub')}: ${path.join(root, 'file')} exists and is not a folder`,
    );
    fs.rmSync(root, { recursive: true });
  });

  (fs.existsSync('/proc/self') ? it : it.skip)('names what it cannot create, at once', () => {
    expect(() => makeDir('/proc/x/y')).toThrow(DatasetError);
    expect(() => makeDir('/proc/x/y')).toThrow('cannot create the folder /proc/x (for /proc/x/y) (ENOENT)');
    expect(() => makeDir(3 as never)).toThrow(/makeDir: dir must be a non-empty string, got 3/);
  });
});

describe('every datasets entry point answers junk with a typed error or a value', () => {
  it.each(JUNK_CALLS)('%s', (_name, call) => {
    fc.assert(
      fc.property(junk, junk, (a, b) => {
        try {
          call(a, b);
        } catch (e) {
          if (!(e instanceof TapegradError)) throw e;
        }
      }),
      { numRuns: JUNK_RUNS },
    );
  });
});
