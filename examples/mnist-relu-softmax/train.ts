import { Rng, tensor, type Tensor } from '@tapegrad/core';
import { init, SGD } from '@tapegrad/nn';
import { epochBatches, type DataSplit, evaluateAccuracy } from '@tapegrad/cli';
import { TwoLayerNet } from '../lib/two-layer-net';

/** Options of {@link trainReluSoftmax}. */
export interface ReluSoftmaxOptions {
  epochs: number;
  /** 1 = the textbook's per-sample SGD. */
  batchSize: number;
  lr: number;
  seed: number;
  log: (line: string) => void;
}

/** What {@link trainReluSoftmax} measured. */
export interface ReluSoftmaxResult {
  trainAccuracy: number;
  testAccuracy: number;
  /** Training time only (no evaluation), as the textbook times it. */
  trainSeconds: number;
  perEpoch: { epoch: number; loss: number; trainAccuracy: number; seconds: number }[];
}

/**
 * The NumPy-DNN textbook's 784-64-10 net: ReLU hidden layer with He init, softmax output with
 * LeCun init, softmax cross-entropy, plain SGD; `batchSize` 1 is its per-sample loop (one image
 * per update, shuffled every epoch).
 *
 * @example
 * trainReluSoftmax(train, test, { epochs: 3, batchSize: 1, lr: 0.01, seed: 1, log: console.log });
 */
export function trainReluSoftmax(train: DataSplit, test: DataSplit, o: ReluSoftmaxOptions): ReluSoftmaxResult {
  const rng = new Rng(o.seed);
  const net = new TwoLayerNet(784, 64, 10, { activation: 'relu', init: init.heNormal, init2: init.lecunNormal, rng });
  const optimizer = new SGD(net.parameters(), { lr: o.lr });
  const n = train.x.shape[0];
  const forward = (x: Tensor) => net.forward(x);
  const perEpoch: ReluSoftmaxResult['perEpoch'] = [];
  let trainSeconds = 0;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    const t0 = performance.now();
    let total = 0;
    let steps = 0;
    if (o.batchSize === 1) {
      for (const i of rng.permutation(n)) {
        const loss = net.loss(train.x.slice([i, i + 1]), tensor([train.labels.data[i]], { dtype: 'int32' }));
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        total += loss.item();
        steps++;
      }
    } else {
      for (const { x, t } of epochBatches(train.x, train.labels, o.batchSize, rng)) {
        const loss = net.loss(x, t);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        total += loss.item();
        steps++;
      }
    }
    trainSeconds += (performance.now() - t0) / 1000;
    const trainAccuracy = evaluateAccuracy(forward, train.x, train.labels);
    perEpoch.push({ epoch, loss: total / steps, trainAccuracy, seconds: trainSeconds });
    o.log(
      `epoch ${epoch}/${o.epochs}: loss ${(total / steps).toFixed(4)}, train accuracy ${trainAccuracy.toFixed(4)} (${trainSeconds.toFixed(1)} s training)`,
    );
  }
  return {
    trainAccuracy: perEpoch[perEpoch.length - 1].trainAccuracy,
    testAccuracy: evaluateAccuracy(forward, test.x, test.labels),
    trainSeconds,
    perEpoch,
  };
}
