import * as path from 'node:path';
import { Rng, type Tensor, kernels, noGrad } from '@tapegrad/core';
import { type CharVocab, dates } from '@tapegrad/datasets';
import { Adam } from '@tapegrad/nn';
import { heatMapSpec, renderVegaLite, savePlot } from '@tapegrad/plot';
import { type ExampleOptions, type ExampleResult, fmt, secondsSince, writeJson } from '../lib/example';
import { exactMatch, reverseQuestions, sampleLine, saveAccuracyPlot, trainEpoch } from '../lib/seq2seq';
import { AttentionSeq2seq } from './models';

/** What `npm run example -- attention-dates` shows. */
export const description =
  'DLfS 2 ch. 8: seq2seq with attention turns written dates into ISO dates; attention heat maps (target: ≥ 99% held-out)';

/** The book's settings (ch. 8, `train.py`). */
export const SETTINGS = {
  wordvecSize: 16,
  hiddenSize: 256,
  batchSize: 128,
  maxEpoch: 10,
  maxGrad: 5.0,
  lr: 0.001,
  seed: 1984,
  heatMaps: 4,
};

/**
 * The attention weights of one example as a heat-map spec: the question (read forwards) across,
 * the answer down, as the book's `visualize_attention.py` draws them.
 */
function attentionPanel(vocab: CharVocab, question: Tensor, answer: Tensor, weights: Tensor): object {
  const [rows, cols] = weights.shape;
  const q = [...vocab.decode(question.data)].reverse(); // the model read it reversed
  const flipped = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => weights.data[i * cols + (cols - 1 - j)]),
  );
  const a = [...vocab.decode(answer.data)].slice(1);
  return heatMapSpec(flipped, {
    xLabels: q,
    yLabels: a,
    domain: [0, 1],
    legendTitle: 'weight',
    title: q.join('').trim(),
  });
}

/**
 * Trains the book's attention seq2seq (Embedding 16, LSTM 256 encoder and decoder, dot-product
 * attention over every encoder state, reversed input) with Adam, batch 128, gradients clipped at
 * norm 5, for 10 epochs, measuring exact-match accuracy on the 5,000 held-out dates after every
 * epoch; draws the attention weights of a few held-out dates as heat maps.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/attention', log: console.log });
 * // held-out accuracy 0.9998 …
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  const set = dates(smoke ? { numPairs: 1000 } : {});
  const { vocab } = set;
  const data = reverseQuestions(set);
  const startId = vocab.charToId.get('_')!;
  const maxEpoch = smoke ? 1 : SETTINGS.maxEpoch;
  const rng = new Rng(SETTINGS.seed);
  const model = new AttentionSeq2seq(
    { vocabSize: vocab.size, wordvecSize: SETTINGS.wordvecSize, hiddenSize: smoke ? 32 : SETTINGS.hiddenSize },
    rng,
  );
  const optimizer = new Adam(model.parameters(), { lr: SETTINGS.lr });
  log(`kernels: ${kernels().name}; ${data.xTrain.shape[0]} training and ${data.xTest.shape[0]} held-out dates`);
  const accuracies: number[] = [];
  const losses: number[] = [];
  let trainSeconds = 0;
  let guesses: Int32Array = new Int32Array(0);
  for (let epoch = 1; epoch <= maxEpoch; epoch++) {
    const te = performance.now();
    losses.push(
      trainEpoch(model, optimizer, data.xTrain, data.tTrain, {
        batchSize: SETTINGS.batchSize,
        maxGrad: SETTINGS.maxGrad,
        rng,
      }),
    );
    trainSeconds += (performance.now() - te) / 1000;
    const result = exactMatch(model, data.xTest, data.tTest, startId);
    accuracies.push(result.accuracy);
    guesses = result.guesses;
    log(
      `epoch ${epoch}/${maxEpoch} | loss ${fmt(losses[epoch - 1])} | held-out accuracy ${fmt(result.accuracy)} | ${secondsSince(t0)} s`,
    );
  }
  const len = data.tTest.shape[1] - 1;
  for (let i = 0; i < 3; i++) {
    log(
      `  ${sampleLine(vocab, data.xTest.slice(i), data.tTest.slice(i), guesses.subarray(i * len, (i + 1) * len), true)}`,
    );
  }
  const wrong: string[] = [];
  for (let i = 0; i < data.xTest.shape[0] && wrong.length < 10; i++) {
    const line = sampleLine(
      vocab,
      data.xTest.slice(i),
      data.tTest.slice(i),
      guesses.subarray(i * len, (i + 1) * len),
      true,
    );
    if (line.includes('☒')) wrong.push(line);
  }
  if (wrong.length > 0) log(`some of the held-out dates it got wrong:\n  ${wrong.join('\n  ')}`);
  const files: string[] = [];
  // The heat maps are drawn in smoke mode too, so the test suite exercises them.
  const count = SETTINGS.heatMaps;
  const xs = data.xTest.slice([0, count]);
  const ts = data.tTest.slice([0, count]);
  const { weights } = noGrad(() => model.teacherForced(xs, ts.slice(null, [0, len])));
  const panels = Array.from({ length: count }, (_, i) =>
    attentionPanel(vocab, xs.slice(i), ts.slice(i), weights.slice(i)),
  );
  files.push(savePlot(renderVegaLite({ concat: panels, columns: 2, spacing: 30 }), path.join(outDir, 'attention')).png);
  if (!smoke) files.push(saveAccuracyPlot({ 'held-out': accuracies }, 'attention seq2seq on dates', outDir));
  const metrics = {
    testAccuracy: accuracies[accuracies.length - 1],
    bestTestAccuracy: Math.max(...accuracies),
    trainSeconds: Math.round(trainSeconds * 10) / 10,
    seconds: secondsSince(t0),
  };
  files.push(writeJson(outDir, 'metrics.json', { settings: SETTINGS, ...metrics, accuracies, losses }));
  return { metrics, files };
}
