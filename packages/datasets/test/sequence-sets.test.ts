import { IndexError, tensor, ValueError } from '@tapegrad/core';
import {
  addition,
  ADDITION_CHARS,
  calendarDate,
  CharVocab,
  DATE_CASES,
  DATE_CHARS,
  DATE_FORMATS,
  dates,
  isoDate,
  sineWave,
} from '@tapegrad/datasets';

const rows = (t: { shape: readonly number[]; data: ArrayLike<number> }, vocab: CharVocab): string[] =>
  vocab.decode(tensor(Array.from(t.data), { dtype: 'int32' }).reshape(t.shape as number[])) as string[];

describe('CharVocab', () => {
  const vocab = new CharVocab(ADDITION_CHARS);

  it('gives each character its position as id, both ways', () => {
    expect(vocab.size).toBe(13);
    expect(vocab.charToId.get('7')).toBe(7);
    expect(vocab.charToId.get('_')).toBe(12);
    const ids = vocab.encode(['16+75  ', '1+1    ']);
    expect(ids.dtype).toBe('int32');
    expect(ids.shape).toEqual([2, 7]);
    expect(Array.from(ids.data.subarray(0, 7))).toEqual([1, 6, 10, 7, 5, 11, 11]);
    expect(vocab.decode(ids)).toEqual(['16+75  ', '1+1    ']);
    expect(vocab.encode('_91').shape).toEqual([3]);
    expect(vocab.decode(vocab.encode('_91'))).toBe('_91');
    expect(vocab.decode([9, 1])).toBe('91');
  });

  it('refuses what it cannot encode or decode, with typed errors', () => {
    expect(() => vocab.encode('1-2')).toThrow(ValueError);
    expect(() => vocab.encode('1-2')).toThrow(/CharVocab.encode: "-" is not in the vocabulary/);
    expect(() => vocab.encode(['12', '1'])).toThrow(/texts\[0\] has 2 characters, texts\[1\] 1/);
    expect(() => vocab.encode([])).toThrow(ValueError);
    expect(() => vocab.decode([13])).toThrow(IndexError);
    expect(() => vocab.decode([13])).toThrow(/id 13 is not in \[0, 13\)/);
    expect(() => vocab.decode([0.5])).toThrow(IndexError);
    expect(() => vocab.decode(tensor([[[1]]], { dtype: 'int32' }))).toThrow(/\[L\] or \[N, L\]/);
    expect(() => new CharVocab('abca')).toThrow(/"a" repeats/);
    expect(() => new CharVocab('')).toThrow(ValueError);
  });
});

describe('addition', () => {
  const set = addition();
  const { xTrain, tTrain, xTest, tTest, vocab, questions, answers } = set;

  it("has the book's shapes: 45,000 + 5,000 problems, questions of 7 and answers of 5 characters", () => {
    expect(xTrain.shape).toEqual([45000, 7]);
    expect(tTrain.shape).toEqual([45000, 5]);
    expect(xTest.shape).toEqual([5000, 7]);
    expect(tTest.shape).toEqual([5000, 5]);
    expect(xTrain.dtype).toBe('int32');
    expect(vocab.size).toBe(13);
  });

  it('every answer is the sum of its question, padded, and the tensors hold the texts in order', () => {
    const all = [...rows(xTrain, vocab), ...rows(xTest, vocab)];
    const sums = [...rows(tTrain, vocab), ...rows(tTest, vocab)];
    expect(all).toEqual(questions);
    expect(sums).toEqual(answers);
    const wrong: string[] = [];
    for (let i = 0; i < all.length; i++) {
      const m = /^(\d{1,3})\+(\d{1,3}) *$/.exec(all[i]);
      const ok =
        m !== null &&
        String(Number(m[1])) === m[1] && // no leading zeros
        String(Number(m[2])) === m[2] &&
        sums[i] === `_${Number(m[1]) + Number(m[2])}`.padEnd(5, ' ');
      if (!ok) wrong.push(`${all[i]} → ${sums[i]}`);
    }
    expect(wrong).toEqual([]);
  });

  it('problems are distinct, so no held-out problem is seen in training', () => {
    expect(new Set(questions).size).toBe(50000);
  });

  it('holds operands of every digit count, fewer short ones (there are only 10 one-digit numbers)', () => {
    const counts = [0, 0, 0];
    for (const q of questions) for (const operand of q.trim().split('+')) counts[operand.length - 1]++;
    expect(counts.reduce((a, b) => a + b)).toBe(100000);
    expect(counts[0]).toBeGreaterThan(3000);
    expect(counts[0]).toBeLessThan(counts[1]);
    expect(counts[1]).toBeLessThan(counts[2]);
  });

  it('is the same set on every machine: pinned problems for the default seed', () => {
    expect(questions.slice(0, 6)).toEqual(['4+4    ', '2+44   ', '98+2   ', '22+520 ', '3+26   ', '87+21  ']);
    expect(questions.slice(45000, 45003)).toEqual(['42+350 ', '2+103  ', '62+148 ']);
    expect(addition({ seed: 1984, numProblems: 50 }).questions.slice(0, 3)).toEqual(questions.slice(0, 3));
    expect(addition({ seed: 1, numProblems: 50 }).questions.slice(0, 6)).not.toEqual(questions.slice(0, 6));
  });

  it('takes other sizes, digit counts and held-out shares', () => {
    const small = addition({ numProblems: 200, maxDigits: 2, testFraction: 0.25, seed: 3 });
    expect(small.xTrain.shape).toEqual([150, 5]);
    expect(small.tTest.shape).toEqual([50, 4]);
    for (const q of small.questions) expect(q).toMatch(/^\d{1,2}\+\d{1,2} *$/);
  });

  it('refuses bad options with typed errors', () => {
    expect(() => addition({ numProblems: 60, maxDigits: 1 })).toThrow(/at most half of the 100 distinct problems/);
    expect(() => addition({ maxDigits: 0 })).toThrow(/addition: maxDigits must be an integer in \[1, 7\], got 0/);
    expect(() => addition({ testFraction: 1 })).toThrow(/testFraction must be a finite number > 0 and < 1/);
    expect(() => addition({ numProblems: 5, testFraction: 0.1 })).toThrow(/leaves 0 held out/);
    expect(() => addition({ numProblem: 5 } as never)).toThrow(
      /unknown option 'numProblem' \(did you mean 'numProblems'\?\)/,
    );
    expect(() => addition({ seed: 0.5 })).toThrow(ValueError);
  });
});

describe('dates', () => {
  const { xTrain, tTrain, xTest, tTest, vocab, questions, answers } = dates();

  it('has 45,000 + 5,000 pairs, questions of 29 and answers of 11 characters', () => {
    expect(xTrain.shape).toEqual([45000, 29]);
    expect(tTrain.shape).toEqual([45000, 11]);
    expect(xTest.shape).toEqual([5000, 29]);
    expect(tTest.shape).toEqual([5000, 11]);
    expect(vocab.size).toBe(DATE_CHARS.length);
    expect([...rows(xTest, vocab), ...rows(tTest, vocab)]).toEqual([
      ...questions.slice(45000),
      ...answers.slice(45000),
    ]);
  });

  it('every question writes its answer’s date in one of the formats and casings; questions are distinct', () => {
    const formats = Object.values(DATE_FORMATS);
    const usedFormats = new Set<number>();
    const usedCases = new Set<string>();
    const wrong: string[] = [];
    for (let i = 0; i < questions.length; i++) {
      const m = /^_(\d{4})-(\d{2})-(\d{2})$/.exec(answers[i]);
      const [year, month, day] = m === null ? [0, 0, 0] : [Number(m[1]), Number(m[2]), Number(m[3])];
      const date = calendarDate(Date.UTC(year, month - 1, day) / 86400000);
      const q = questions[i].trimEnd();
      const k = formats.findIndex((f) => f(date).toLowerCase() === q.toLowerCase());
      const written = k >= 0 ? formats[k](date) : '';
      const casing =
        q === written
          ? 'as written'
          : q === written.toUpperCase()
            ? 'upper'
            : q === written.toLowerCase()
              ? 'lower'
              : null;
      // a real calendar date of 1950–2049, written in one format and one casing
      if (m === null || isoDate(date) !== answers[i].slice(1) || year < 1950 || year > 2049 || casing === null) {
        wrong.push(`${q} → ${answers[i]}`);
        continue;
      }
      usedFormats.add(k);
      usedCases.add(casing);
    }
    expect(wrong).toEqual([]);
    expect(usedFormats.size).toBe(formats.length);
    expect([...usedCases].sort()).toEqual([...DATE_CASES].sort());
    expect(new Set(questions).size).toBe(50000);
  });

  it('writes the examples of the issue', () => {
    const sep27 = calendarDate(Date.UTC(1994, 8, 27) / 86400000);
    expect(sep27).toEqual({ year: 1994, month: 9, day: 27, weekday: 2 });
    expect(DATE_FORMATS['MMMM d, y'](sep27)).toBe('September 27, 1994');
    expect(DATE_FORMATS['d MMM y'](sep27).toUpperCase()).toBe('27 SEP 1994');
    expect(DATE_FORMATS['EEEE, MMMM d, y'](sep27)).toBe('Tuesday, September 27, 1994');
    expect(DATE_FORMATS['EEE, M/d/yy'](calendarDate(Date.UTC(1971, 7, 10) / 86400000))).toBe('Tue, 8/10/71');
    expect(isoDate(sep27)).toBe('1994-09-27');
  });

  it('no written date stands for two dates (every format, every day of 1950–2049)', () => {
    const meaning = new Map<string, number>();
    for (let day = Date.UTC(1950, 0, 1) / 86400000; day <= Date.UTC(2049, 11, 31) / 86400000; day++) {
      const date = calendarDate(day);
      for (const f of Object.values(DATE_FORMATS)) {
        const s = f(date).toLowerCase();
        const seen = meaning.get(s);
        if (seen !== undefined && seen !== day) throw new Error(`"${s}" means days ${seen} and ${day}`);
        meaning.set(s, day);
      }
    }
    let longest = 0;
    for (const s of meaning.keys()) longest = Math.max(longest, s.length);
    expect(longest).toBe(29);
  });

  it('is the same set on every machine: pinned pairs for the default seed', () => {
    expect(questions.slice(0, 4).map((q) => q.trimEnd())).toEqual([
      '23 August 1953',
      'Sun, 12/31/95',
      '18 MAR 2003',
      'Thursday, December 19, 2047',
    ]);
    expect(answers.slice(0, 4)).toEqual(['_1953-08-23', '_1995-12-31', '_2003-03-18', '_2047-12-19']);
  });

  it('refuses bad options with typed errors', () => {
    expect(() => dates({ numPairs: 1 })).toThrow(/dates: numPairs must be an integer in \[2, 500000\], got 1/);
    expect(() => dates({ testFraction: 0 })).toThrow(ValueError);
    expect(() => dates({ numPairs: 4 })).toThrow(/leaves 0 held out/);
    expect(() => dates({ size: 3 } as never)).toThrow(/dates: unknown option 'size'/);
  });
});

describe('sineWave', () => {
  it('cuts the noisy series into windows whose target is the next value, split in time', () => {
    const { series, clean, x, t, xTrain, tTrain, xTest, tTest, splitAt } = sineWave();
    expect(series.shape).toEqual([1000]);
    expect(x.shape).toEqual([975, 25, 1]);
    expect(t.shape).toEqual([975, 1]);
    expect(splitAt).toBe(780);
    expect(xTrain.shape).toEqual([780, 25, 1]);
    expect(tTrain.shape).toEqual([780, 1]);
    expect(xTest.shape).toEqual([195, 25, 1]);
    expect(tTest.shape).toEqual([195, 1]);
    for (const i of [0, 1, 500, 974]) {
      expect(Array.from(x.data.subarray(i * 25, i * 25 + 25))).toEqual(Array.from(series.data.subarray(i, i + 25)));
      expect(t.data[i]).toBe(series.data[i + 25]);
    }
    expect(xTest.data[0]).toBe(series.data[780]);
    expect(tTest.data[194]).toBe(series.data[999]);
    let maxNoise = 0;
    for (let i = 0; i < 1000; i++) {
      expect(clean.data[i]).toBeCloseTo(Math.sin((2 * Math.PI * i) / 50), 6);
      maxNoise = Math.max(maxNoise, Math.abs(series.data[i] - clean.data[i]));
    }
    expect(maxNoise).toBeLessThanOrEqual(0.05 + 1e-7);
    expect(maxNoise).toBeGreaterThan(0.04);
  });

  it('is seeded: the same numbers for the same options, exact sines without noise', () => {
    expect(Array.from(sineWave().series.data.subarray(0, 3))).toEqual([
      Math.fround(-0.04635755717754364),
      Math.fround(0.12363412976264954),
      Math.fround(0.2094506472349167),
    ]);
    expect(sineWave({ seed: 2 }).series.data[0]).not.toBe(sineWave().series.data[0]);
    const exact = sineWave({ numSteps: 100, period: 20, windowSize: 10, noise: 0, testFraction: 0.1 });
    expect(exact.x.shape).toEqual([90, 10, 1]);
    expect(exact.xTest.shape).toEqual([9, 10, 1]);
    expect(Array.from(exact.series.data)).toEqual(Array.from(exact.clean.data));
  });

  it('refuses bad options with typed errors', () => {
    expect(() => sineWave({ windowSize: 999 })).toThrow(
      /sineWave: windowSize must be an integer in \[1, 998\], got 999/,
    );
    expect(() => sineWave({ period: 0 })).toThrow(/period must be a finite number > 0/);
    expect(() => sineWave({ noise: -1 })).toThrow(/noise must be a finite number ≥ 0/);
    expect(() => sineWave({ numSteps: 10, windowSize: 5, testFraction: 0.1 })).toThrow(/leaves 0 held out/);
    expect(() => sineWave({ length: 10 } as never)).toThrow(/unknown option 'length'/);
  });
});
