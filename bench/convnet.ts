/**
 * Figure E of `npm run bench`: the book's SimpleConvNet (ch. 7) trained on MNIST — conv 30×5×5 →
 * ReLU → max-pool 2 → Linear 4320-100 → ReLU → Linear 100-10, softmax cross-entropy, Adam lr
 * 0.001, batch 100 — for tapegrad (its public API) and TensorFlow.js; the NumPy and PyTorch
 * peers are bench/numpy_peer.py and bench/torch_peer.py. Also tapegrad's per-layer time
 * breakdown of a step.
 */
import { type KernelBackend, Rng, Tensor, kernels, setBackend } from '@tapegrad/core';
import { Adam, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, softmaxCrossEntropy } from '@tapegrad/nn';
import type * as TF from '@tensorflow/tfjs';
import type { FigureData, TfData } from './trainers';

/** Multiply-adds ×2 of one step: conv forward and weight gradient, both Linear layers' three products. */
export const E_FLOP = 2 * (2 * 100 * 30 * 576 * 25 + 3 * 100 * 4320 * 100 + 3 * 100 * 100 * 10);

/** The network (PyTorch's default init). */
export function simpleConvNet(rng: Rng): Sequential {
  return new Sequential(
    new Conv2d(1, 30, 5, { rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(4320, 100, { rng }),
    new ReLU(),
    new Linear(100, 10, { rng }),
  );
}

/** Milliseconds since an arbitrary start, by the wall clock. */
export const wallMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** The categories of {@link profileStep}'s breakdown, in order. */
export const PHASES = ['conv forward', 'conv backward', 'pooling', 'Linear layers', 'the rest'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * The phase a kernel call belongs to in figure E's step: the conv layer's kernels, the pooling's
 * (forward, and its backward, whichever kernel runs it), the Linear layers' products and bias
 * sums; anything else (ReLU, the loss, Adam) is "the rest".
 */
function phaseOfKernel(kernel: string): Exclude<Phase, 'the rest'> | null {
  switch (kernel) {
    case 'convForward':
    case 'im2col':
    case 'addBias':
      return 'conv forward';
    case 'convWeightGrad':
    case 'col2im':
      return 'conv backward';
    case 'maxPool2d':
    case 'maxPool2dBackward':
    case 'scatterAddAxis':
      return 'pooling';
    case 'gemm':
    case 'addRows':
    case 'sumAxis':
      return 'Linear layers';
    default:
      return null;
  }
}

/** `base` with every kernel call's time (by `now`) added to its phase in `ms`. */
function timedBackend(base: KernelBackend, ms: Record<Phase, number>, now: () => number): KernelBackend {
  const out: Record<string, unknown> = { ...base };
  for (const k of Object.keys(base) as (keyof KernelBackend)[]) {
    const phase = phaseOfKernel(k);
    const f = base[k];
    if (phase === null || typeof f !== 'function') continue;
    out[k] = (...args: unknown[]) => {
      const t0 = now();
      (f as (...a: unknown[]) => unknown)(...args);
      ms[phase] += now() - t0;
    };
  }
  return out as unknown as KernelBackend;
}

/**
 * tapegrad's trainer of figure E: `run(steps)` continues from where the last call stopped;
 * `profile(steps)` runs steps the same way with every kernel call timed and returns ms per step
 * by {@link PHASES} (each kernel's calls by {@link phaseOfKernel}; the rest is the step's time
 * outside those kernels).
 */
export function tapegradConvTrainer(data: FigureData) {
  const { x, labels } = data;
  const net = simpleConvNet(new Rng(0));
  const opt = new Adam(net.parameters(), { lr: 0.001 });
  const idx = data.batches.map((b) => new Tensor(b, [b.length]));
  let pos = 0;
  const run = (steps: number): void => {
    for (let s = 0; s < steps; s++) {
      const i = idx[pos++ % idx.length];
      const loss = softmaxCrossEntropy(net.forward(x.take(i).reshape([-1, 1, 28, 28])), labels.take(i));
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
  };
  const profile = (steps: number, now: () => number = wallMs): Record<Phase, number> => {
    const ms: Record<Phase, number> = {
      'conv forward': 0,
      'conv backward': 0,
      pooling: 0,
      'Linear layers': 0,
      'the rest': 0,
    };
    // Timed by kernel, through a wrapper around the current backend: hooks on the layers would
    // change the step itself (a hooked layer's activations are no longer reused).
    const base = kernels();
    setBackend(timedBackend(base, ms, now));
    let total = 0;
    try {
      const t0 = now();
      run(steps);
      total = now() - t0;
    } finally {
      setBackend(base);
    }
    ms['the rest'] = total - PHASES.reduce((sum, p) => sum + ms[p], 0);
    return Object.fromEntries(PHASES.map((p) => [p, ms[p] / steps])) as Record<Phase, number>;
  };
  return { run, profile };
}

/** TensorFlow.js: the same network (NHWC), loss and optimiser on the active backend. */
export function tfConvTrainer(tf: typeof TF, data: TfData) {
  const u = (fanIn: number, shape: number[]) =>
    tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
  const vars = [
    u(25, [5, 5, 1, 30]),
    u(25, [30]),
    u(4320, [4320, 100]),
    u(4320, [100]),
    u(100, [100, 10]),
    u(100, [10]),
  ];
  const [k, kb, w1, b1, w2, b2] = vars;
  const opt = tf.train.adam(0.001);
  let pos = 0;
  const run = (steps: number): void => {
    for (let s = 0; s < steps; s++) {
      const i = data.idx[pos++ % data.idx.length];
      tf.tidy(() => {
        const xb = tf.reshape(tf.gather(data.x, i), [-1, 28, 28, 1]) as TF.Tensor4D;
        const tb = tf.gather(data.t, i);
        opt.minimize(
          () => {
            const c = tf.relu(tf.add(tf.conv2d(xb, k as TF.Tensor4D, 1, 'valid'), kb));
            const p = tf.reshape(tf.maxPool(c as TF.Tensor4D, 2, 2, 'valid'), [-1, 4320]);
            const h = tf.relu(tf.add(tf.matMul(p, w1), b1));
            return tf.losses.softmaxCrossEntropy(tb, tf.add(tf.matMul(h, w2), b2));
          },
          false,
          vars,
        );
      });
    }
    k.dataSync();
  };
  return { run };
}
