/**
 * The training work of figures B, C and D of `npm run bench`, for tapegrad (through the public
 * API: `mlp`, `softmaxCrossEntropy`, `backward()`, `SGD.step()`) and TensorFlow.js (variables,
 * `tf.losses.softmaxCrossEntropy`, `tf.train.sgd(lr).minimize`). Each trainer returns
 * `run(steps)`, which continues from where the last call stopped.
 */
import { Rng, Tensor } from '@tapegrad/core';
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

/** tapegrad: an `mlp(sizes)` trained by SGD on the given index batches; returns `run(steps)`. */
export function tapegradTrainer(
  x: Tensor,
  labels: Tensor,
  sizes: number[],
  batchIdx: Int32Array[],
  lr: number,
  activation: Activation = 'sigmoid',
) {
  const net = mlp(sizes, { activation, rng: new Rng(0) });
  const opt = new SGD(net.parameters(), { lr });
  const idx = batchIdx.map((b) => new Tensor(b, [b.length]));
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

/** TensorFlow.js: the same network and work on the active tfjs backend; `run` and `dispose`. */
export function tfTrainer(
  tf: typeof TF,
  xData: Float32Array,
  labels: Int32Array,
  sizes: number[],
  batchIdx: Int32Array[],
  lr: number,
  activation: Activation = 'sigmoid',
) {
  const [d, h, c] = sizes;
  const n = labels.length;
  const x = tf.tensor2d(xData, [n, d]);
  const t = tf.oneHot(tf.tensor1d(labels, 'int32'), c).toFloat();
  const u = (fanIn: number, shape: number[]) =>
    tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
  const vars = [u(d, [d, h]), u(d, [h]), u(h, [h, c]), u(h, [c])];
  const [w1, b1, w2, b2] = vars;
  const idx = batchIdx.map((b) => tf.tensor1d(b, 'int32'));
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
    tf.dispose([x, t, ...vars, ...idx]);
    opt.dispose();
  };
  return { run, dispose };
}
