import { Rng } from '@tapegrad/core';
import { loadMnist } from '@tapegrad/datasets';
import { SGD } from '@tapegrad/nn';
import * as path from 'node:path';
import { randomBatch, evaluateAccuracy } from '@tapegrad/cli';
import { secondsSince, writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';
import { lineChart, savePlot } from '@tapegrad/plot';
import { TwoLayerNet } from '../lib/two-layer-net';

/** What `npm run example -- mnist-two-layer` shows. */
export const description = 'DL from scratch ch. 4: TwoLayerNet 784-50-10 sigmoid on MNIST (train_neuralnet.py)';

/** The book's settings. */
export const SETTINGS = { itersNum: 10000, batchSize: 100, learningRate: 0.1, hiddenSize: 50, seed: 1 };

/**
 * The book's mini-batch training: 10,000 iterations of SGD (lr 0.1) on random batches of 100
 * (`np.random.choice`), printing `train acc, test acc | 0.9, 0.9` on the full training and test
 * sets once per epoch (600 iterations), and plotting both accuracies (the book's Figure 4-12).
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/m2l', log: console.log });
 * // train acc, test acc | 0.1124, 0.1135 … test acc 0.9447
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  const train = loadMnist({ split: 'train' });
  const test = loadMnist({ split: 'test' });
  const xTrain = smoke ? train.x.slice([0, 3000]) : train.x;
  const tTrain = smoke ? train.labels.slice([0, 3000]) : train.labels;
  const xTest = smoke ? test.x.slice([0, 1000]) : test.x;
  const tTest = smoke ? test.labels.slice([0, 1000]) : test.labels;
  const itersNum = smoke ? 300 : SETTINGS.itersNum;
  const trainSize = xTrain.shape[0];
  const iterPerEpoch = Math.max(trainSize / SETTINGS.batchSize, 1);
  const rng = new Rng(SETTINGS.seed);
  const net = new TwoLayerNet(784, SETTINGS.hiddenSize, 10, { activation: 'sigmoid', rng });
  const optimizer = new SGD(net.parameters(), { lr: SETTINGS.learningRate });
  const trainAcc: number[] = [];
  const testAcc: number[] = [];
  const lossList: number[] = [];
  const forward = (x: typeof xTrain) => net.forward(x);
  for (let i = 0; i < itersNum; i++) {
    const idx = randomBatch(trainSize, SETTINGS.batchSize, rng);
    const loss = net.loss(xTrain.gather(idx), tTrain.gather(idx));
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    lossList.push(loss.item());
    if (i % iterPerEpoch === 0) {
      trainAcc.push(evaluateAccuracy(forward, xTrain, tTrain));
      testAcc.push(evaluateAccuracy(forward, xTest, tTest));
      log(`train acc, test acc | ${trainAcc[trainAcc.length - 1]}, ${testAcc[testAcc.length - 1]}`);
    }
  }
  const finalTest = evaluateAccuracy(forward, xTest, tTest);
  const finalTrain = evaluateAccuracy(forward, xTrain, tTrain);
  const seconds = secondsSince(t0);
  log(
    `after ${itersNum} iterations: train acc ${finalTrain.toFixed(4)}, test acc ${finalTest.toFixed(4)} (book 0.9422), ${seconds} s`,
  );
  const files: string[] = [];
  if (!smoke) {
    const epochs = trainAcc.map((_, i) => i);
    const svg = lineChart(
      [
        { name: 'train acc', x: epochs, y: trainAcc },
        { name: 'test acc', x: epochs, y: testAcc },
      ],
      {
        title: 'MNIST TwoLayerNet: accuracy',
        xLabel: 'epochs',
        yLabel: 'accuracy',
        yDomain: [0, 1],
        legend: 'bottom-right',
      },
    );
    files.push(savePlot(svg, path.join(outDir, 'accuracy')).png);
  }
  const metrics = { trainAccuracy: finalTrain, testAccuracy: finalTest, iterations: itersNum, seconds };
  files.push(writeJson(outDir, 'metrics.json', { ...metrics, trainAcc, testAcc }));
  return { metrics, files };
}
