import type { Rng } from '@tapegrad/core';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, init } from '@tapegrad/nn';

/**
 * The book's SimpleConvNet (DLfS 1 ch. 7, `simple_convnet.py`): conv 30×5×5 (stride 1, no
 * padding) → ReLU → max-pool 2×2 → Linear 4320-100 → ReLU → Linear 100-10 on `[N, 1, 28, 28]`,
 * weights from 0.01·N(0, 1) (`weight_init_std=0.01`), biases zero. A Sequential, so its state
 * dict is `torch.nn.Sequential`'s: `0.weight` (the filters), `4.weight`, `6.weight` …
 *
 * @example
 * const net = simpleConvNet(new Rng(1));
 * net.forward(zeros([100, 1, 28, 28])).shape; // [100, 10]
 */
export function simpleConvNet(rng: Rng): Sequential {
  const weights = init.normal(0.01);
  return new Sequential(
    new Conv2d(1, 30, 5, { init: weights, rng }),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(30 * 12 * 12, 100, { init: weights, rng }),
    new ReLU(),
    new Linear(100, 10, { init: weights, rng }),
  );
}
