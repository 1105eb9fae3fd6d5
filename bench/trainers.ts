/**
 * The training work of figures B, C and D of `npm run bench`, for tapegrad (through the public
 * API: `mlp`, `softmaxCrossEntropy`, `backward()`, `SGD.step()`) and TensorFlow.js (variables,
 * `tf.losses.softmaxCrossEntropy`, `tf.train.sgd(lr).minimize`). Each trainer returns
 * `run(steps)`, which continues from where the last call stopped.
 */
import { Rng, Tensor } from '@tapegrad/core';
import { loadMnist, spiral } from '@tapegrad/datasets';
import { mlp, SGD, softmaxCrossEntropy } from '@tapegrad/nn';
import type * as TF from '@tensorflow/tfjs';

export type Activation = 'sigmoid' | 'relu';

/** A seeded Fisher–Yates permutation of 0…n−1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.random() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/** Index batches of `size` rows in the permutation's order. */
export function batches(perm: Int32Array, size: number): Int32Array[] {
  const out: Int32Array[] = [];
  for (let i = 0; i + size <= perm.length; i += size) out.push(perm.slice(i, i + size));
  return out;
}

/** A figure's data: float32 inputs [n, d], int32 labels, and the index batches in their order. */
export interface FigureData {
  x: Tensor;
  labels: Tensor;
  batches: Int32Array[];
}

/** Figure B's data: the MNIST training set in batches of 100, in a fixed order. */
export function mnistData(): FigureData {
  const mnist = loadMnist({ split: 'train' });
  return { x: mnist.x, labels: mnist.labels, batches: batches(permutation(mnist.labels.size, new Rng(1)), 100) };
}

/** Figures C's and D's data: the spiral in batches of 30, in a fixed order. */
export function spiralData(): FigureData {
  const sp = spiral();
  const x = new Tensor(Float32Array.from(sp.x.data as ArrayLike<number>), sp.x.shape);
  const labels = new Tensor(Int32Array.from(sp.labels.data as ArrayLike<number>), [sp.labels.size]);
  return { x, labels, batches: batches(permutation(labels.size, new Rng(2)), 30) };
}

/** tapegrad: an `mlp(sizes)` trained by SGD on the given index batches; returns `run(steps)`. */
export function tapegradTrainer(data: FigureData, sizes: number[], lr: number, activation: Activation = 'sigmoid') {
  const { x, labels } = data;
  const net = mlp(sizes, { activation, rng: new Rng(0) });
  const opt = new SGD(net.parameters(), { lr });
  const idx = data.batches.map((b) => new Tensor(b, [b.length]));
  let pos = 0;
  return (steps: number): void => {
    for (let s = 0; s < steps; s++) {
      const i = idx[pos++ % idx.length];
      const loss = softmaxCrossEntropy(net.forward(x.take(i)), labels.take(i));
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
  };
}

/** A data set on the active tfjs backend: inputs, one-hot targets and the index batches. */
export interface TfData {
  x: TF.Tensor2D;
  t: TF.Tensor;
  idx: TF.Tensor1D[];
  dispose(): void;
}

/** Puts a figure's data on the active tfjs backend, once for every trainer of that backend. */
export function tfData(tf: typeof TF, data: FigureData, classes: number): TfData {
  const x = tf.tensor2d(data.x.data as Float32Array, data.x.shape as [number, number]);
  const t = tf.oneHot(tf.tensor1d(data.labels.data as Int32Array, 'int32'), classes).toFloat();
  const idx = data.batches.map((b) => tf.tensor1d(b, 'int32'));
  return { x, t, idx, dispose: () => tf.dispose([x, t, ...idx]) };
}

/**
 * TensorFlow.js: the same network and work on the backend `data` lives on, which must be the
 * active one whenever `run(steps)` is called; `run` and `dispose`.
 */
export function tfTrainer(
  tf: typeof TF,
  data: TfData,
  sizes: number[],
  lr: number,
  activation: Activation = 'sigmoid',
) {
  const [d, h, c] = sizes;
  const { x, t, idx } = data;
  const u = (fanIn: number, shape: number[]) =>
    tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
  const vars = [u(d, [d, h]), u(d, [h]), u(h, [h, c]), u(h, [c])];
  const [w1, b1, w2, b2] = vars;
  const opt = tf.train.sgd(lr);
  let pos = 0;
  const run = (steps: number): void => {
    for (let s = 0; s < steps; s++) {
      const i = idx[pos++ % idx.length];
      tf.tidy(() => {
        const xb = tf.gather(x, i);
        const tb = tf.gather(t, i);
        opt.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(
              tb,
              tf.add(tf.matMul((activation === 'relu' ? tf.relu : tf.sigmoid)(tf.add(tf.matMul(xb, w1), b1)), w2), b2),
            ),
          false,
          vars,
        );
      });
    }
    w1.dataSync(); // make sure the work is done
  };
  const dispose = (): void => {
    tf.dispose(vars);
    opt.dispose();
  };
  return { run, dispose };
}
