import type { Conv2d } from '@tapegrad/nn';
import type { ExampleOptions, ExampleResult } from '../lib/example';
import { type ImageClassifier, trainImageClassifier } from '../lib/image-classifier';
import { deepConvNet } from './model';

/** What `npm run example -- deep-convnet` shows. */
export const description =
  "DLfS 1 ch. 8: the book's DeepConvNet (six 3×3 convs, dropout) on MNIST with Adam (book: 99.38% test accuracy)";

/**
 * The book's `train_deepnet.py` (Adam lr 0.001, batch 100), but 12 epochs with the learning rate
 * ×0.8 after each instead of 20 at a constant rate: an epoch took 3–10 minutes on the shared
 * 2-core machine, so the book's 20 did not fit in a working session. It reached the book's
 * 99.38%; the run is in examples/README.md.
 */
export const DEEP_CONVNET: ImageClassifier<ReturnType<typeof deepConvNet>> = {
  title: 'DeepConvNet (MNIST)',
  settings: { data: 'mnist', lr: 0.001, batchSize: 100, epochs: 12, seed: 1, lrDecay: 0.8 },
  build: deepConvNet,
  filters: (net) => (net[0] as Conv2d).weight,
  smoke: { images: 200, epochs: 2 },
};

/**
 * Trains the book's DeepConvNet on the 60,000 MNIST training images for 12 epochs, scoring the
 * 10,000 test images after each; draws the 16 first-layer filters before and after training,
 * the curves, and saves the weights.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/deep-convnet', log: console.log });
 * // test accuracy 99.3x% …
 */
export function run(options: ExampleOptions): Promise<ExampleResult> {
  return trainImageClassifier(DEEP_CONVNET, options);
}
