import { Rng } from '@tapegrad/core';
import { spiral } from '@tapegrad/datasets';
import { SGD, softmaxCrossEntropy, Trainer } from '@tapegrad/nn';
import * as path from 'node:path';
import { writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';
import { decisionBoundary, savePlot } from '@tapegrad/plot';
import { TwoLayerNet } from '../lib/two-layer-net';
import { SETTINGS } from '../spiral';

/** What `npm run example -- spiral-trainer` shows. */
export const description = 'DL from scratch 2, ch. 1: the spiral TwoLayerNet through Trainer.fit (train_spiral.py)';

/**
 * The book's `train.py`: the same net and settings as the `spiral` example, trained with
 * `Trainer.fit(x, t, { maxEpoch: 300, batchSize: 30, evalInterval: 10 })`, which prints the
 * book's `| epoch 1 |  iter 10 / 10 | time 0[s] | loss 1.13` lines; then `trainer.plot()` (the
 * loss curve against iterations ×10, with the training accuracy beside it) and the decision
 * boundary.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/st', log: console.log });
 * // | epoch 300 |  iter 10 / 10 | time 1[s] | loss 0.10
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const data = spiral({ seed: SETTINGS.seed });
  const rng = new Rng(SETTINGS.seed);
  const model = new TwoLayerNet(2, SETTINGS.hiddenSize, 3, { activation: 'sigmoid', rng });
  const optimizer = new SGD(model.parameters(), { lr: SETTINGS.learningRate });
  const trainer = new Trainer(model, optimizer, { loss: softmaxCrossEntropy });
  let buffer = '';
  const output = {
    write: (chunk: string): boolean => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        log(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
      return true;
    },
  };
  const history = trainer.fit(data.x, data.labels, {
    maxEpoch: SETTINGS.maxEpoch,
    batchSize: SETTINGS.batchSize,
    evalInterval: 10,
    rng,
    verbose: smoke ? 0 : 1,
    progress: 'lines',
    output,
  });
  const finalLoss = history.lossList[history.lossList.length - 1];
  const accuracy = model.accuracy(data.x, data.labels);
  const seconds = history.last?.seconds ?? 0;
  log(`final loss ${finalLoss.toFixed(4)} (book 0.11), training accuracy ${accuracy.toFixed(4)}`);
  const files: string[] = [];
  if (!smoke) {
    files.push(trainer.plot(path.join(outDir, 'training'), { title: 'Spiral via Trainer' }).png);
    const boundary = decisionBoundary(model, data.x.data, data.labels.data, {
      title: 'Spiral via Trainer: decision boundary',
    });
    files.push(savePlot(boundary, path.join(outDir, 'decision-boundary')).png);
  }
  const metrics = { finalLoss, accuracy, records: history.size, seconds };
  files.push(writeJson(outDir, 'metrics.json', { ...metrics, lossList: history.lossList }));
  return { metrics, files };
}
