import type { ExampleModule } from './lib/example';

/** Every example by name, loaded on demand (so listing them stays instant). */
export const EXAMPLES: Record<string, () => Promise<ExampleModule>> = {
  'numerical-diff': () => import('./numerical-diff'),
  spiral: () => import('./spiral'),
  'spiral-trainer': () => import('./spiral-trainer'),
  'gradient-check': () => import('./gradient-check'),
  'mnist-two-layer': () => import('./mnist-two-layer'),
  'xor-2-2-2': () => import('./xor-2-2-2'),
  'seven-segment': () => import('./seven-segment'),
  'mnist-relu-softmax': () => import('./mnist-relu-softmax'),
  'fashion-mnist': () => import('./fashion-mnist'),
  'multiclass-fashion': () => import('./multiclass-fashion'),
  'breast-cancer': () => import('./breast-cancer'),
  'mnist-beyond': () => import('./mnist-beyond'),
  'sine-rnn': () => import('./sine-rnn'),
  'seq2seq-addition': () => import('./seq2seq-addition'),
  'attention-dates': () => import('./attention-dates'),
  'char-transformer': () => import('./char-transformer'),
  'simple-convnet': () => import('./simple-convnet'),
  'deep-convnet': () => import('./deep-convnet'),
  'fashion-convnet': () => import('./fashion-convnet'),
};
