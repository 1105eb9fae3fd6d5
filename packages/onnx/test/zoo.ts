import { Rng, Tensor, logSoftmax, noGrad, randn, relu } from '@tapegrad/core';
import {
  Dropout,
  Embedding,
  LSTM,
  LeakyReLU,
  Linear,
  Module,
  ReLU,
  Sequential,
  Softmax,
  Tanh,
  TransformerEncoderLayer,
  init,
  mlp,
} from '@tapegrad/nn';
import { deepConvNet } from '../../../examples/deep-convnet/model';
import { fashionConvNet } from '../../../examples/fashion-convnet/model';
import { simpleConvNet } from '../../../examples/simple-convnet/model';

/** A layer of the same network built from torch.nn (see test/python/torch_roundtrip.py). */
export type TorchLayer =
  | { type: 'Linear'; in: number; out: number; bias?: boolean }
  | { type: 'ReLU' | 'Sigmoid' | 'Tanh' }
  | { type: 'LeakyReLU'; slope: number }
  | { type: 'Dropout'; p: number }
  | { type: 'Softmax' | 'LogSoftmax'; dim?: number }
  /** nn.LSTM (batch_first) whose output is the last layer's final hidden state. */
  | { type: 'LSTMLastStep'; in: number; hidden: number; layers?: number }
  | { type: 'Embedding'; num: number; dim: number }
  | {
      type: 'TransformerEncoderLayer';
      d_model: number;
      nhead: number;
      dim_feedforward: number;
      dropout?: number;
      activation?: 'relu' | 'gelu';
      norm_first?: boolean;
    }
  | { type: 'Conv2d'; in: number; out: number; kernel: number; padding?: number; bias?: boolean }
  | { type: 'MaxPool2d'; kernel: number }
  | { type: 'Flatten' }
  | { type: 'BatchNorm1d' | 'BatchNorm2d'; n: number };

/** An architecture of the README's interop table. */
export interface Architecture {
  name: string;
  build(rng: Rng): { forward(x: Tensor): Tensor } & Module;
  /** The example input's shape; axis 0 is the dynamic batch. */
  input: number[];
  /** The input is int32 token ids below this (for an Embedding), not floats. */
  ids?: number;
  /** The same network as a torch.nn.Sequential (`names`: an OrderedDict's keys). */
  torch: { layers: TorchLayer[]; names?: string[] };
}

/** The book's TwoLayerNet with PyTorch-style named fields. */
class TwoLayerNet extends Module {
  fc1: Linear;
  fc2: Linear;

  constructor(rng: Rng) {
    super();
    this.fc1 = new Linear(784, 100, { rng });
    this.fc2 = new Linear(100, 10, { rng });
  }

  forward(x: Tensor): Tensor {
    return logSoftmax(this.fc2.forward(relu(this.fc1.forward(x))));
  }
}

/** The model of examples/sine-rnn: an LSTM over the window, a Linear on its final hidden state. */
class SineRnn extends Module {
  lstm: LSTM;
  fc: Linear;

  constructor(rng: Rng) {
    super();
    this.lstm = new LSTM(1, 32, { batchFirst: true, rng });
    this.fc = new Linear(32, 1, { rng });
  }

  forward(x: Tensor): Tensor {
    const [, [h]] = this.lstm.forward(x);
    return this.fc.forward(h.reshape([x.shape[0], -1]));
  }
}

/** The encoder of examples/seq2seq-addition: Embedding 13×16, LSTM 16→128, its final h. */
class Seq2seqEncoder extends Module {
  embed: Embedding;
  lstm: LSTM;

  constructor(rng: Rng) {
    super();
    this.embed = new Embedding(13, 16, { rng });
    this.lstm = new LSTM(16, 128, { batchFirst: true, rng });
  }

  forward(ids: Tensor): Tensor {
    const [, [h]] = this.lstm.forward(this.embed.forward(ids));
    return h.reshape([ids.shape[0], -1]);
  }
}

/**
 * A model whose BatchNorm layers have moved their running statistics away from 0 and 1 (a few
 * training-mode passes over random batches), so that exporting and loading them is tested on
 * values that tell them apart; returned in training mode, as built.
 */
function withRunningStats<M extends { forward(x: Tensor): Tensor } & Module>(
  model: M,
  input: readonly number[],
  rng: Rng,
): M {
  noGrad(() => {
    for (let i = 0; i < 3; i++)
      model.forward(
        randn([8, ...input.slice(1)], { rng })
          .mul(1 + i)
          .add(i / 2),
      );
  });
  return model;
}

const conv = (cin: number, cout: number, kernel: number, more: { padding?: number; bias?: boolean } = {}) =>
  ({ type: 'Conv2d', in: cin, out: cout, kernel, ...more }) as const;
const relu2 = { type: 'ReLU' } as const;
const pool2 = { type: 'MaxPool2d', kernel: 2 } as const;

/**
 * The architectures of the README's table: the MLP family, and the conv nets of the examples
 * (their own builders). The sequence issue adds the sine-rnn LSTM and a Transformer encoder
 * layer, with their torch.nn layer types in torch_roundtrip.py.
 */
export const ZOO: Architecture[] = [
  {
    name: 'MNIST MLP 784-256-10, ReLU (`npm start`)',
    // examples/lib/model-spec.ts buildModel({ layers: [784, 256, 10], activation: 'relu' })
    build: (rng) => mlp([784, 256, 10], { activation: 'relu', init: init.heNormal, rng }),
    input: [3, 784],
    torch: {
      layers: [{ type: 'Linear', in: 784, out: 256 }, { type: 'ReLU' }, { type: 'Linear', in: 256, out: 10 }],
    },
  },
  {
    name: 'spiral MLP 2-10-3, sigmoid (the book, `spiral`)',
    build: (rng) => mlp([2, 10, 3], { activation: 'sigmoid', init: init.normal(0.01), rng }),
    input: [3, 2],
    torch: {
      layers: [{ type: 'Linear', in: 2, out: 10 }, { type: 'Sigmoid' }, { type: 'Linear', in: 10, out: 3 }],
    },
  },
  {
    name: 'MLP with Tanh, Dropout, LeakyReLU, a bias-free Linear and a Softmax head',
    build: (rng) =>
      new Sequential(
        new Linear(4, 16, { rng }),
        new Tanh(),
        new Dropout(0.3, { rng }),
        new Linear(16, 8, { rng }),
        new LeakyReLU(0.1),
        new Linear(8, 8, { bias: false, rng }),
        new ReLU(),
        new Linear(8, 3, { rng }),
        new Softmax(),
      ),
    input: [3, 4],
    torch: {
      layers: [
        { type: 'Linear', in: 4, out: 16 },
        { type: 'Tanh' },
        { type: 'Dropout', p: 0.3 },
        { type: 'Linear', in: 16, out: 8 },
        { type: 'LeakyReLU', slope: 0.1 },
        { type: 'Linear', in: 8, out: 8, bias: false },
        { type: 'ReLU' },
        { type: 'Linear', in: 8, out: 3 },
        { type: 'Softmax', dim: -1 },
      ],
    },
  },
  {
    name: 'TwoLayerNet with named fields (fc1, fc2) and a LogSoftmax head',
    build: (rng) => new TwoLayerNet(rng),
    input: [3, 784],
    torch: {
      names: ['fc1', 'act', 'fc2', 'out'],
      layers: [
        { type: 'Linear', in: 784, out: 100 },
        { type: 'ReLU' },
        { type: 'Linear', in: 100, out: 10 },
        { type: 'LogSoftmax', dim: -1 },
      ],
    },
  },
  {
    name: "simple-convnet: the book's SimpleConvNet (conv 30×5×5, max-pool, Linear 4320-100-10)",
    build: (rng) => simpleConvNet(rng),
    input: [3, 1, 28, 28],
    torch: {
      layers: [
        conv(1, 30, 5),
        relu2,
        pool2,
        { type: 'Flatten' },
        { type: 'Linear', in: 4320, out: 100 },
        relu2,
        { type: 'Linear', in: 100, out: 10 },
      ],
    },
  },
  {
    name: "deep-convnet: the book's DeepConvNet (six 3×3 convs, three max-pools, Dropout)",
    build: (rng) => deepConvNet(rng),
    input: [3, 1, 28, 28],
    torch: {
      layers: [
        conv(1, 16, 3, { padding: 1 }),
        relu2,
        conv(16, 16, 3, { padding: 1 }),
        relu2,
        pool2,
        conv(16, 32, 3, { padding: 1 }),
        relu2,
        conv(32, 32, 3, { padding: 2 }),
        relu2,
        pool2,
        conv(32, 64, 3, { padding: 1 }),
        relu2,
        conv(64, 64, 3, { padding: 1 }),
        relu2,
        pool2,
        { type: 'Flatten' },
        { type: 'Linear', in: 1024, out: 50 },
        relu2,
        { type: 'Dropout', p: 0.5 },
        { type: 'Linear', in: 50, out: 10 },
        { type: 'Dropout', p: 0.5 },
      ],
    },
  },
  {
    name: 'fashion-convnet: conv → BatchNorm2d → ReLU → max-pool (×2), Linear → BatchNorm1d, Dropout',
    build: (rng) => withRunningStats(fashionConvNet(rng), [3, 1, 28, 28], rng),
    input: [3, 1, 28, 28],
    torch: {
      layers: [
        conv(1, 32, 3, { padding: 1, bias: false }),
        { type: 'BatchNorm2d', n: 32 },
        relu2,
        pool2,
        conv(32, 64, 3, { padding: 1, bias: false }),
        { type: 'BatchNorm2d', n: 64 },
        relu2,
        pool2,
        { type: 'Flatten' },
        { type: 'Linear', in: 3136, out: 128, bias: false },
        { type: 'BatchNorm1d', n: 128 },
        relu2,
        { type: 'Dropout', p: 0.3 },
        { type: 'Linear', in: 128, out: 10 },
      ],
    },
  },
  {
    name: 'the LSTM of sine-rnn (LSTM 1→32 over 25 steps, Linear on the final h)',
    build: (rng) => new SineRnn(rng),
    input: [3, 25, 1],
    torch: {
      names: ['lstm', 'fc'],
      layers: [
        { type: 'LSTMLastStep', in: 1, hidden: 32 },
        { type: 'Linear', in: 32, out: 1 },
      ],
    },
  },
  {
    name: 'a Transformer encoder layer (d 32, 4 heads, feed-forward 64, ReLU, post-norm, batch first)',
    build: (rng) => new Sequential(new TransformerEncoderLayer(32, 4, { dimFeedforward: 64, batchFirst: true, rng })),
    input: [3, 10, 32],
    torch: { layers: [{ type: 'TransformerEncoderLayer', d_model: 32, nhead: 4, dim_feedforward: 64 }] },
  },
  {
    name: 'the seq2seq-addition encoder (Embedding 13×16 of int32 ids, LSTM 16→128 over 7 steps, final h)',
    build: (rng) => new Seq2seqEncoder(rng),
    input: [3, 7],
    ids: 13,
    torch: {
      names: ['embed', 'lstm'],
      layers: [
        { type: 'Embedding', num: 13, dim: 16 },
        { type: 'LSTMLastStep', in: 16, hidden: 128 },
      ],
    },
  },
];
