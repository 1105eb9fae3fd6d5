import type { Rng } from '@tapegrad/core';
import { Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential, init } from '@tapegrad/nn';

/**
 * The book's DeepConvNet (DLfS 1 ch. 8, `deep_convnet.py`): six 3×3 convolutions with 16, 16,
 * 32, 32, 64 and 64 filters, each followed by ReLU and every second one by a 2×2 max-pool, then
 * Linear 1024-50 → ReLU → Dropout 0.5 → Linear 50-10 → Dropout 0.5; He-normal weights
 * (√(2 / fan-in), the book's `pre_node_nums`), zero biases. Padding is 1 except for the fourth
 * convolution, which the book pads by 2 (14×14 → 16×16), so the last pool leaves 64×4×4 = 1024
 * features — the book's `64*4*4`.
 *
 * @example
 * const net = deepConvNet(new Rng(1));
 * net.forward(zeros([100, 1, 28, 28])).shape; // [100, 10]
 */
export function deepConvNet(rng: Rng): Sequential {
  const conv = (cin: number, cout: number, padding = 1): Conv2d =>
    new Conv2d(cin, cout, 3, { padding, init: init.heNormal, rng });
  return new Sequential(
    conv(1, 16),
    new ReLU(),
    conv(16, 16),
    new ReLU(),
    new MaxPool2d(2),
    conv(16, 32),
    new ReLU(),
    conv(32, 32, 2),
    new ReLU(),
    new MaxPool2d(2),
    conv(32, 64),
    new ReLU(),
    conv(64, 64),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(64 * 4 * 4, 50, { init: init.heNormal, rng }),
    new ReLU(),
    new Dropout(0.5, { rng }),
    new Linear(50, 10, { init: init.heNormal, rng }),
    new Dropout(0.5, { rng }),
  );
}
