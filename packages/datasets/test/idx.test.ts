import fc from 'fast-check';
import { checkChecksum, DatasetError, encodeIdx, md5, parseIdx, type IdxType } from '@tapegrad/datasets';
import { imageSetFromIdx } from '../src/image-set';

const TYPES: IdxType[] = ['uint8', 'int8', 'int16', 'int32', 'float32', 'float64'];

function sampleValues(type: IdxType, n: number): number[] {
  const v = Array.from({ length: n }, (_, i) => (i * 37) % 251);
  if (type === 'int8' || type === 'int16' || type === 'int32') return v.map((x) => x - 120);
  if (type === 'float32' || type === 'float64') return v.map((x) => x / 8 - 3);
  return v;
}

describe('parseIdx', () => {
  test.each(TYPES)('round-trips %s, big-endian', (type) => {
    const values = sampleValues(type, 24);
    const bytes = encodeIdx(values, [2, 3, 4], type);
    const parsed = parseIdx(bytes, 'x.idx');
    expect(parsed.type).toBe(type);
    expect(parsed.shape).toEqual([2, 3, 4]);
    expect(Array.from(parsed.data)).toEqual(values);
  });

  test('reads the header exactly as the IDX spec says', () => {
    // magic 0x00000801 = unsigned bytes, 1 dimension; then 3 as a big-endian uint32
    const bytes = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 3, 5, 0, 4);
    expect(parseIdx(bytes)).toEqual({ type: 'uint8', shape: [3], data: Uint8Array.of(5, 0, 4) });
    const shorts = Uint8Array.of(0, 0, 0x0b, 1, 0, 0, 0, 1, 0x01, 0x02);
    expect(Array.from(parseIdx(shorts).data)).toEqual([258]);
  });

  test.each([
    [Uint8Array.of(0, 0, 8), /shorter than the 4-byte magic/],
    [Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0), /bad magic number/],
    [Uint8Array.of(0, 0, 7, 1, 0, 0, 0, 0), /unknown type code 0x07/],
    [Uint8Array.of(0, 0, 8, 0), /0 dimensions/],
    [Uint8Array.of(0, 0, 8, 2, 0, 0, 0, 1), /truncated header/],
    [
      Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 3, 1, 2),
      /truncated: dimensions \[3\] of uint8 need 11 bytes, the file has 10/,
    ],
    [Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 1, 1, 2), /trailing bytes/],
    [Uint8Array.of(0, 0, 8, 2, 255, 255, 255, 255, 255, 255, 255, 255), /more than 2147483647/],
  ])('rejects malformed input %#', (bytes, message) => {
    let err: unknown;
    try {
      parseIdx(bytes, 'bad-file');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DatasetError);
    expect((err as DatasetError).message).toMatch(message);
    expect((err as DatasetError).message).toMatch(/bad-file/);
    expect((err as DatasetError).file).toBe('bad-file');
  });
});

/** A random corruption of a byte string: overwrite, truncate, append, delete or insert bytes. */
const corruption = (n: number) =>
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(n - 1), value: fc.nat(255) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(n - 1) }),
    fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(n - 1), count: fc.integer({ min: 1, max: 6 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(n),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }),
    }),
  );

type Corruption =
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array };

function corrupt(bytes: Uint8Array, c: Corruption): Uint8Array {
  const b = Array.from(bytes);
  if (c.kind === 'set') b[c.at] = c.value;
  else if (c.kind === 'truncate') b.length = c.at;
  else if (c.kind === 'append') b.push(...c.bytes);
  else if (c.kind === 'delete') b.splice(c.at, c.count);
  else b.splice(c.at, 0, ...c.bytes);
  return Uint8Array.from(b);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

describe('IDX fuzz: random corruptions of a small synthetic file', () => {
  const images = encodeIdx(sampleValues('uint8', 3 * 4 * 5), [3, 4, 5]);
  const labels = encodeIdx([7, 0, 9], [3]);

  test('parseIdx throws a DatasetError or returns exactly what the bytes encode (1000 runs)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(images, labels, encodeIdx(sampleValues('int16', 6), [2, 3], 'int16')),
        corruption(images.length),
        (base, c) => {
          const bad = corrupt(base, c);
          let parsed;
          try {
            parsed = parseIdx(bad, 'fuzz.idx');
          } catch (e) {
            expect(e).toBeInstanceOf(DatasetError);
            return;
          }
          // Accepted: then it must be a faithful reading, byte for byte.
          expect(sameBytes(encodeIdx(parsed.data, parsed.shape, parsed.type), bad)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('image/label pairs: a DatasetError, or consistent counts and labels 0..9 (600 runs)', () => {
    fc.assert(
      fc.property(fc.boolean(), corruption(images.length), (onImages, c) => {
        const img = onImages ? corrupt(images, c) : images;
        const lbl = onImages
          ? labels
          : corrupt(labels, { ...c, at: 'at' in c ? c.at % labels.length : 0 } as Corruption);
        try {
          const raw = imageSetFromIdx(img, 'img.idx', lbl, 'lbl.idx');
          expect(raw.labels.length).toBe(raw.count);
          expect(raw.images.length).toBe(raw.count * raw.rows * raw.cols);
          expect(raw.labels.every((l) => l < 10)).toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(DatasetError);
        }
      }),
      { numRuns: 600 },
    );
  });

  test('with a checksum, every corruption that changes the bytes is caught (600 runs)', () => {
    const expected = { size: images.length, md5: md5(images) };
    expect(() => checkChecksum(images, 'img.idx', expected)).not.toThrow();
    fc.assert(
      fc.property(corruption(images.length), (c) => {
        const bad = corrupt(images, c);
        fc.pre(!sameBytes(bad, images));
        expect(() => checkChecksum(bad, 'img.idx', expected, 'synthetic')).toThrow(DatasetError);
      }),
      { numRuns: 600 },
    );
  });
});
