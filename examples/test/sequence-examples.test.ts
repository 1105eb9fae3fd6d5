import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng, type Tensor, noGrad, randn } from '@tapegrad/core';
import { addition, CharVocab } from '@tapegrad/datasets';
import * as attentionDates from '../attention-dates';
import { attend } from '../attention-dates/models';
import * as charTransformer from '../char-transformer';
import { CharTransformer } from '../char-transformer/model';
import { type CharSeq2seq, exactMatch, reverseQuestions, sampleLine, saveAccuracyPlot } from '../lib/seq2seq';
import * as seq2seqAddition from '../seq2seq-addition';
import { Seq2seq } from '../seq2seq-addition/models';
import * as sineRnn from '../sine-rnn';

const opts = (lines: string[] = []) => ({
  smoke: true,
  outDir: fs.mkdtempSync(path.join(os.tmpdir(), 'tapegrad-seq-')),
  log: (l: string) => lines.push(l),
});

const vocab = new CharVocab('0123456789+ _');
const ids = (texts: string[]): Tensor => vocab.encode(texts);

/** A model that answers from a table: `answers[i]` for question row i. */
function oracle(answers: string[]): CharSeq2seq {
  return {
    forward: () => {
      throw new Error('not used');
    },
    generate: (xs: Tensor) => ids(answers.slice(0, xs.shape[0])),
  } as unknown as CharSeq2seq;
}

describe('the seq2seq helpers', () => {
  const x = ids(['16+75  ', '1+2    ']);
  const t = ids(['_91  ', '_3   ']);

  it("reverse the questions as the book's x[:, ::-1], answers untouched", () => {
    const r = reverseQuestions({ xTrain: x, tTrain: t, xTest: x, tTest: t });
    expect(vocab.decode(r.xTrain)).toEqual(['  57+61', '    2+1']);
    expect(vocab.decode(r.tTest)).toEqual(['_91  ', '_3   ']);
  });

  it('count an answer right only when every character is', () => {
    expect(exactMatch(oracle(['91  ', '3   ']), x, t, 12).accuracy).toBe(1);
    expect(exactMatch(oracle(['91  ', '3  3']), x, t, 12).accuracy).toBe(0.5);
    expect(exactMatch(oracle(['19  ', '4   ']), x, t, 12).accuracy).toBe(0);
  });

  it('draw one accuracy curve per model', () => {
    const png = saveAccuracyPlot({ plain: [0.1, 0.2], peeky: [0.5, 0.9] }, 'test', opts().outDir);
    expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(fs.readFileSync(png.replace(/png$/, 'svg'), 'utf8')).toContain('>peeky<');
  });

  it("print the book's lines, the question read forwards again", () => {
    const reversed = ids(['  57+61']);
    expect(sampleLine(vocab, reversed.slice(0), t.slice(0), vocab.encode('91  ').data, true)).toBe(
      'Q 16+75    T 91     ☑ 91',
    );
    expect(sampleLine(vocab, x.slice(1), t.slice(1), vocab.encode('4   ').data, false)).toBe('Q 1+2      T 3      ☒ 4');
  });
});

describe('seq2seq-addition', () => {
  it('the plain and peeky models score every step and generate ids', () => {
    const sizes = { vocabSize: 13, wordvecSize: 4, hiddenSize: 6 };
    for (const peeky of [false, true]) {
      const model = new Seq2seq(sizes, peeky, new Rng(1));
      expect(model.forward(ids(['16+75  ', '1+2    ']), ids(['_91 ', '_3  '])).shape).toEqual([2, 4, 13]);
      const out = noGrad(() => model.generate(ids(['16+75  ']), 12, 4));
      expect([out.dtype, ...out.shape]).toEqual(['int32', 1, 4]);
    }
    // the peeky decoder reads the context beside every input and every output
    expect(new Seq2seq(sizes, true, new Rng(1)).decoder.fc.inFeatures).toBe(12);
  });

  it('smoke: trains all three variants and reports their held-out accuracy', async () => {
    const { metrics, files } = await seq2seqAddition.run(opts());
    for (const k of ['plainAccuracy', 'reversedAccuracy', 'reversedPeekyAccuracy']) {
      expect(metrics[k]).toBeGreaterThanOrEqual(0);
      expect(metrics[k]).toBeLessThanOrEqual(1);
    }
    const saved = JSON.parse(fs.readFileSync(files[files.length - 1], 'utf8'));
    expect(Object.keys(saved.curves)).toEqual(['plain', 'reversed', 'reversed + peeky']);
    expect(saved.curves.plain).toHaveLength(2);
  });
});

describe('attention-dates', () => {
  it('attention weights are a softmax over the encoder steps, and the context their weighted sum', () => {
    const hs = randn([2, 5, 3], { rng: new Rng(1), dtype: 'float64' });
    const dec = randn([2, 4, 3], { rng: new Rng(2), dtype: 'float64' });
    const { context, weights } = attend(hs, dec);
    expect(weights.shape).toEqual([2, 4, 5]);
    const w = Array.from(weights.data);
    for (let r = 0; r < 8; r++) expect(w.slice(r * 5, r * 5 + 5).reduce((a, b) => a + b)).toBeCloseTo(1, 12);
    // row (n=1, t'=2) by hand
    const [n, tt] = [1, 2];
    const scores = Array.from({ length: 5 }, (_, j) =>
      [0, 1, 2].reduce((s, k) => s + dec.data[(n * 4 + tt) * 3 + k] * hs.data[(n * 5 + j) * 3 + k], 0),
    );
    const z = scores.map(Math.exp);
    const sum = z.reduce((a, b) => a + b);
    for (let j = 0; j < 5; j++) expect(w[(n * 4 + tt) * 5 + j]).toBeCloseTo(z[j] / sum, 12);
    for (let k = 0; k < 3; k++) {
      const want = z.reduce((s, zj, j) => s + (zj / sum) * hs.data[(n * 5 + j) * 3 + k], 0);
      expect(context.data[(n * 4 + tt) * 3 + k]).toBeCloseTo(want, 12);
    }
  });

  it('smoke: trains, reports held-out accuracy and draws the attention heat maps', async () => {
    const { metrics, files } = await attentionDates.run(opts());
    expect(metrics.testAccuracy).toBeGreaterThanOrEqual(0);
    const png = files.find((f) => f.endsWith('attention.png'))!;
    expect(fs.readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('char-transformer', () => {
  it('is causal: a later character never changes the scores of earlier positions', () => {
    const model = new CharTransformer(
      { vocabSize: 13, maxLength: 11, dModel: 8, numHeads: 2, dimFeedforward: 16, numLayers: 2 },
      new Rng(3),
    );
    const a = noGrad(() => model.forward(ids(['16+75  _91 '])));
    const b = noGrad(() => model.forward(ids(['16+75  _92+'])));
    const v = 13;
    expect(Array.from(a.data.subarray(0, 9 * v))).toEqual(Array.from(b.data.subarray(0, 9 * v)));
    expect(Array.from(a.data.subarray(9 * v, 10 * v))).not.toEqual(Array.from(b.data.subarray(9 * v, 10 * v)));
    const out = model.generate(ids(['16+75  _']), 4, 0, new Rng(1));
    expect([out.dtype, ...out.shape]).toEqual(['int32', 1, 4]);
  });

  it('smoke: trains, answers held-out problems greedily and samples', async () => {
    const lines: string[] = [];
    const { metrics } = await charTransformer.run(opts(lines));
    expect(metrics.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(lines.join('\n')).toMatch(/greedy .* \| sampled \(T = 1\)/);
  });
});

describe('sine-rnn', () => {
  it('smoke: the training loss falls, and the held-out errors are reported', async () => {
    const { metrics, files } = await sineRnn.run(opts());
    const saved = JSON.parse(fs.readFileSync(files[files.length - 1], 'utf8'));
    expect(saved.losses[saved.losses.length - 1]).toBeLessThan(saved.losses[0]);
    expect(Number.isFinite(metrics.testMse)).toBe(true);
    expect(metrics.noiseFloor).toBeCloseTo(0.05 ** 2 / 3, 12);
  });
});

test('the addition set and the seq2seq vocabulary agree', () => {
  expect(addition({ numProblems: 20 }).vocab.chars.join('')).toBe(vocab.chars.join(''));
});
