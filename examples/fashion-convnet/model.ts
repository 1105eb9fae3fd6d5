import type { Rng } from '@tapegrad/core';
import {
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
  init,
} from '@tapegrad/nn';

/**
 * A small VGG-style CNN with batch normalisation for Fashion-MNIST (ours; the books stop at
 * MNIST): two blocks of conv 3×3 (padding 1, no bias: BatchNorm's shift replaces it) →
 * BatchNorm2d → ReLU → max-pool 2×2, with 32 and 64 filters (28 → 14 → 7), then Linear
 * 3136-128 → BatchNorm1d → ReLU → Dropout 0.3 → Linear 128-10. He-normal weights.
 *
 * @example
 * const net = fashionConvNet(new Rng(1));
 * net.forward(zeros([100, 1, 28, 28])).shape; // [100, 10]
 */
export function fashionConvNet(rng: Rng): Sequential {
  const he = { init: init.heNormal, rng };
  return new Sequential(
    new Conv2d(1, 32, 3, { padding: 1, bias: false, ...he }),
    new BatchNorm2d(32),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1, bias: false, ...he }),
    new BatchNorm2d(64),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(64 * 7 * 7, 128, { bias: false, ...he }),
    new BatchNorm1d(128),
    new ReLU(),
    new Dropout(0.3, { rng }),
    new Linear(128, 10, he),
  );
}
