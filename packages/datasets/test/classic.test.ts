import { breastCancer, DatasetError, digits, iris, parseLabeledCsv, sevenSegment, wine, xor } from '@tapegrad/datasets';

function counts(labels: ArrayLike<number>, k: number): number[] {
  const c = new Array(k).fill(0);
  for (let i = 0; i < labels.length; i++) c[labels[i]]++;
  return c;
}

describe('classic UCI sets shipped in data/', () => {
  test.each([
    ['breastCancer', breastCancer, [569, 30], [212, 357], ['malignant', 'benign']],
    ['iris', iris, [150, 4], [50, 50, 50], ['setosa', 'versicolor', 'virginica']],
    ['wine', wine, [178, 13], [59, 71, 48], ['class_0', 'class_1', 'class_2']],
    ['digits', digits, [1797, 64], [178, 182, 177, 183, 181, 182, 181, 179, 174, 180], null],
  ] as const)('%s: shape, dtypes, class counts', (_, load, shape, classCounts, names) => {
    const d = load();
    expect(d.x.shape).toEqual(shape);
    expect(d.x.dtype).toBe('float32');
    expect(d.labels.dtype).toBe('int32');
    expect(d.t).toBe(d.labels);
    expect(counts(d.labels.data, classCounts.length)).toEqual(classCounts);
    if (names) expect(d.classNames).toEqual(names);
    const hot = load({ oneHot: true });
    expect(hot.t.shape).toEqual([shape[0], classCounts.length]);
  });

  test('first rows as in the files', () => {
    expect(Array.from(iris().x.data.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    expect(breastCancer().x.data[0]).toBe(Math.fround(17.99));
    const dg = digits();
    expect(dg.labels.data[0]).toBe(0);
    expect(Math.max(...dg.x.data)).toBe(16);
  });

  test('malformed CSVs are DatasetErrors with file and line', () => {
    expect(() => parseLabeledCsv('2,1,a,b\n1.5,0\n', 'f.csv', { header: true })).toThrow(
      /f\.csv, line 1: the header announces 2 rows, the file has 1/,
    );
    expect(() => parseLabeledCsv('1,1,a,b\nx,0\n', 'f.csv', { header: true })).toThrow(
      /line 2: feature 0 is 'x', not a decimal number/,
    );
    expect(() => parseLabeledCsv('1,1,a,b\n1,2\n', 'f.csv', { header: true })).toThrow(
      /line 2: label '2' is not a class 0..1/,
    );
    expect(() => parseLabeledCsv('1,2,3\n', 'g.csv', { header: false, features: 1, classNames: ['a', 'b'] })).toThrow(
      DatasetError,
    );
  });
});

describe('toy sets', () => {
  test('sevenSegment: the textbook table and 4-bit targets, MSB first', () => {
    const { x, t, labels } = sevenSegment();
    expect(x.shape).toEqual([10, 7]);
    const row = (d: number) => Array.from(x.data.subarray(d * 7, d * 7 + 7)).join('');
    expect(row(0)).toBe('1111110');
    expect(row(4)).toBe('0110011');
    expect(row(9)).toBe('1110011');
    expect(Array.from(t.data.subarray(5 * 4, 5 * 4 + 4))).toEqual([0, 1, 0, 1]);
    expect(Array.from(t.data.subarray(9 * 4, 9 * 4 + 4))).toEqual([1, 0, 0, 1]);
    expect(Array.from(labels.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(sevenSegment({ oneHot: true }).t.shape).toEqual([10, 10]);
  });

  test('xor', () => {
    const { x, t, labels } = xor();
    expect(x.toArray()).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(Array.from(t.data)).toEqual([0, 1, 1, 0]);
    expect(t.shape).toEqual([4, 1]);
    expect(Array.from(labels.data)).toEqual([0, 1, 1, 0]);
    expect(xor({ oneHot: true }).t.toArray()).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
      [1, 0],
    ]);
  });
});
