import { Rng, type Tensor, concat, full, kernels } from '@tapegrad/core';
import { addition, takeRows } from '@tapegrad/datasets';
import { Adam, CosineAnnealingLR, clipGradNorm, softmaxCrossEntropy } from '@tapegrad/nn';
import { type ExampleOptions, type ExampleResult, fmt, secondsSince, writeJson } from '../lib/example';
import { saveAccuracyPlot, shareExact } from '../lib/seq2seq';
import { CharTransformer } from './model';

/** What `npm run example -- char-transformer` shows. */
export const description =
  'A two-layer causal Transformer learns the addition set character by character, then writes answers (greedy and sampled)';

/** The settings. */
export const SETTINGS = {
  dModel: 64,
  numHeads: 4,
  dimFeedforward: 256,
  numLayers: 2,
  batchSize: 128,
  epochs: 30,
  lr: 1e-3,
  maxGrad: 1.0,
  seed: 1984,
  samples: 8,
};

/**
 * Question and answer as one string, `16+75  _91  `: the model reads all but the last character
 * and is scored on the answer's characters after `_` (the positions that read `_` and the answer).
 */
function batchLoss(model: CharTransformer, x: Tensor, t: Tensor): Tensor {
  const q = x.shape[1];
  const a = t.shape[1];
  const seq = concat([x, t], 1);
  const scores = model.forward(seq.slice(null, [0, q + a - 1])); // [N, q + a − 1, V]
  const answer = scores.slice(null, [q, q + a - 1]); // read '_' and the answer, predict the answer
  const target = t.slice(null, [1, a]);
  return softmaxCrossEntropy(answer.reshape([-1, answer.shape[2]]), target.reshape([-1]));
}

/** Greedy (temperature 0) answers for every question; the share exactly right. */
function heldOut(
  model: CharTransformer,
  x: Tensor,
  t: Tensor,
  startId: number,
  rng: Rng,
): { accuracy: number; guesses: Int32Array } {
  const [n, a] = t.shape;
  const guesses = new Int32Array(n * (a - 1));
  for (let s = 0; s < n; s += 500) {
    const rows = Int32Array.from({ length: Math.min(500, n - s) }, (_, i) => s + i);
    const xb = takeRows(x, rows);
    const prompt = concat([xb, full([rows.length, 1], startId, { dtype: 'int32' })], 1);
    guesses.set(model.generate(prompt, a - 1, 0, rng).data, s * (a - 1));
  }
  return { accuracy: shareExact(guesses, t), guesses };
}

/**
 * Trains a two-layer causal Transformer (d 64, 4 heads, feed-forward 256, pre-norm, learned
 * positions) with Adam (lr 1e-3, cosine-annealed to 0, batch 128, gradients clipped at norm 1) on
 * the 45,000 training problems of the addition set, as text `16+75  _91  ` scored on the answer's
 * characters; reports exact-match accuracy of greedy answers on the 5,000
 * held-out problems after every epoch, and prints answers sampled at temperature 1.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/char-transformer', log: console.log });
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  const data = addition(smoke ? { numProblems: 1200 } : {});
  const { vocab } = data;
  const startId = vocab.charToId.get('_')!;
  const epochs = smoke ? 2 : SETTINGS.epochs;
  const rng = new Rng(SETTINGS.seed);
  const q = data.xTrain.shape[1];
  const a = data.tTrain.shape[1];
  const model = new CharTransformer(
    {
      vocabSize: vocab.size,
      maxLength: q + a - 1,
      dModel: smoke ? 32 : SETTINGS.dModel,
      numHeads: SETTINGS.numHeads,
      dimFeedforward: smoke ? 64 : SETTINGS.dimFeedforward,
      numLayers: SETTINGS.numLayers,
    },
    rng,
  );
  const optimizer = new Adam(model.parameters(), { lr: SETTINGS.lr });
  const scheduler = new CosineAnnealingLR(optimizer, { tMax: epochs });
  log(`kernels: ${kernels().name}; ${data.xTrain.shape[0]} training and ${data.xTest.shape[0]} held-out problems`);
  const n = data.xTrain.shape[0];
  const iters = Math.floor(n / SETTINGS.batchSize);
  const accuracies: number[] = [];
  const losses: number[] = [];
  let trainSeconds = 0;
  let guesses: Int32Array = new Int32Array(0);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const te = performance.now();
    const perm = rng.permutation(n);
    let total = 0;
    for (let it = 0; it < iters; it++) {
      const rows = perm.subarray(it * SETTINGS.batchSize, (it + 1) * SETTINGS.batchSize);
      const loss = batchLoss(model, takeRows(data.xTrain, rows), takeRows(data.tTrain, rows));
      optimizer.zeroGrad();
      loss.backward();
      clipGradNorm(model.parameters(), SETTINGS.maxGrad);
      optimizer.step();
      total += loss.item();
    }
    scheduler.step();
    trainSeconds += (performance.now() - te) / 1000;
    losses.push(total / iters);
    const result = heldOut(model, data.xTest, data.tTest, startId, rng);
    accuracies.push(result.accuracy);
    guesses = result.guesses;
    log(
      `epoch ${epoch}/${epochs} | loss ${fmt(losses[epoch - 1])} | held-out accuracy ${fmt(result.accuracy)} | ${secondsSince(t0)} s`,
    );
  }
  const shown = Math.min(SETTINGS.samples, data.xTest.shape[0]);
  const rows = Int32Array.from({ length: shown }, (_, i) => i);
  const xs = takeRows(data.xTest, rows);
  const prompt = concat([xs, full([shown, 1], startId, { dtype: 'int32' })], 1);
  const sampled = model.generate(prompt, a - 1, 1, rng);
  const lines: string[] = [];
  for (let i = 0; i < shown; i++) {
    const question = vocab.decode(xs.slice(i).data).trim();
    const truth = vocab.decode(data.tTest.slice(i).data).slice(1).trim();
    const greedy = vocab.decode(guesses.subarray(i * (a - 1), (i + 1) * (a - 1))).trim();
    const sample = vocab.decode(sampled.slice(i).data).trim();
    lines.push(`${question.padEnd(7)} = ${truth.padEnd(4)} | greedy ${greedy.padEnd(4)} | sampled (T = 1) ${sample}`);
  }
  log(`held-out questions:\n  ${lines.join('\n  ')}`);
  const files: string[] = [];
  if (!smoke) files.push(saveAccuracyPlot({ 'held-out, greedy': accuracies }, 'char-transformer on addition', outDir));
  const metrics = {
    testAccuracy: accuracies[accuracies.length - 1],
    bestTestAccuracy: Math.max(...accuracies),
    parameters: model.parameters().reduce((s, p) => s + p.size, 0),
    trainSeconds: Math.round(trainSeconds * 10) / 10,
    seconds: secondsSince(t0),
  };
  files.push(writeJson(outDir, 'metrics.json', { settings: SETTINGS, ...metrics, accuracies, losses, samples: lines }));
  return { metrics, files };
}
