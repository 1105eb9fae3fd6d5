import type { Conv2d } from '@tapegrad/nn';
import type { ExampleOptions, ExampleResult } from '../lib/example';
import { type ImageClassifier, trainImageClassifier } from '../lib/image-classifier';
import { simpleConvNet } from './model';

/** What `npm run example -- simple-convnet` shows. */
export const description =
  "DLfS 1 ch. 7: the book's SimpleConvNet (conv 30×5×5, max-pool, 100 hidden) on MNIST with Adam (book: ~99% test accuracy)";

/**
 * The book's `train_convnet.py` through its `Trainer`: Adam lr 0.001 (its `optimizer.py` adds
 * 1e-7 to √v), batches of 100 drawn with replacement (`np.random.choice`), 600 an epoch, 20
 * epochs; the seed is ours.
 */
export const SIMPLE_CONVNET: ImageClassifier<ReturnType<typeof simpleConvNet>> = {
  title: 'SimpleConvNet (MNIST)',
  settings: { data: 'mnist', lr: 0.001, eps: 1e-7, batchSize: 100, sampling: 'replacement', epochs: 20, seed: 1 },
  build: simpleConvNet,
  filters: (net) => (net[0] as Conv2d).weight,
  smoke: { images: 500, epochs: 2 },
};

/**
 * Trains the book's SimpleConvNet on the 60,000 MNIST training images for 20 epochs and scores
 * the 10,000 test images after each; draws the 30 first-layer filters before and after training
 * (the book's figure 7-24), the loss and accuracy curves, and saves the weights.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/simple-convnet', log: console.log });
 * // test accuracy 99.0x% …
 */
export function run(options: ExampleOptions): Promise<ExampleResult> {
  return trainImageClassifier(SIMPLE_CONVNET, options);
}
