import type { Conv2d } from '@tapegrad/nn';
import type { ExampleOptions, ExampleResult } from '../lib/example';
import { type ImageClassifier, trainImageClassifier } from '../lib/image-classifier';
import { fashionConvNet } from './model';

/** What `npm run example -- fashion-convnet` shows. */
export const description =
  'Beyond the books: a CNN with BatchNorm (conv 32 and 64, 128 hidden) on Fashion-MNIST with Adam';

/** Adam lr 0.001, ×0.85 per epoch, batch 100, 15 epochs. */
export const FASHION_CONVNET: ImageClassifier<ReturnType<typeof fashionConvNet>> = {
  title: 'CNN with BatchNorm (Fashion-MNIST)',
  settings: { data: 'fashion-mnist', lr: 0.001, lrDecay: 0.85, batchSize: 100, epochs: 15, seed: 1 },
  build: fashionConvNet,
  filters: (net) => (net[0] as Conv2d).weight,
  smoke: { images: 200, epochs: 2 },
};

/**
 * Trains {@link fashionConvNet} on the 60,000 Fashion-MNIST training images and scores the
 * 10,000 test images after every epoch (BatchNorm then normalises with its running statistics);
 * draws the 32 first-layer filters before and after training and the curves, saves the weights
 * with the BatchNorm buffers (`running_mean`, `running_var`, `num_batches_tracked`).
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/fashion-convnet', log: console.log });
 */
export function run(options: ExampleOptions): Promise<ExampleResult> {
  return trainImageClassifier(FASHION_CONVNET, options);
}
