import type { ExampleOptions, ExampleResult } from '../lib/example';
import { runReluSoftmax } from '../mnist-relu-softmax';

/** What `npm run example -- fashion-mnist` shows. */
export const description = 'NumPy-DNN textbook: the same 784-64-10 ReLU/softmax net on Fashion-MNIST';

/**
 * The mnist-relu-softmax experiment on Fashion-MNIST (the textbook reports train accuracy 0.862).
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/fashion', log: console.log });
 * // per-sample: train accuracy 0.8645 …
 */
export async function run(options: ExampleOptions): Promise<ExampleResult> {
  return runReluSoftmax('fashion-mnist', options);
}
