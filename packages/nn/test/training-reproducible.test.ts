import { type KernelBackend, Rng, makeNativeBackend, randn, setBackend, tensor } from '@tapegrad/core';
import { Adam, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, softmaxCrossEntropy } from '@tapegrad/nn';

// Training twice with one seed gives the same parameters bit for bit on the native backend,
// whichever way its kernels split their work: on two threads with every large call split, and as
// the timings decide (the default, whose first calls of each size include a burst on one thread
// to time it); likewise on four. A sum whose order followed the split (the convolution's weight
// gradient) made runs differ in the last bits, and Adam grows such differences step by step.
// (core's kernels-native-reproducible test also turns every split off.)
const available = makeNativeBackend(1) !== null;
const testNative = available ? test : test.skip;

/** Conv2d → ReLU → MaxPool2d → Flatten → Linear; activations past the native split sizes (2^16). */
function train(backend: KernelBackend): Int32Array[] {
  const prev = setBackend(backend);
  try {
    const rng = new Rng(7);
    const net = new Sequential(
      new Conv2d(3, 16, 3, { padding: 1, rng }),
      new ReLU(),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(16 * 16 * 16, 10, { rng }),
    );
    const opt = new Adam(net.parameters(), { lr: 0.01 });
    const labels = tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5], { dtype: 'int32' });
    for (let s = 0; s < 4; s++) {
      opt.zeroGrad();
      const x = randn([16, 3, 32, 32], { rng: new Rng(100 + s) });
      softmaxCrossEntropy(net.forward(x), labels).backward();
      opt.step();
    }
    return net.parameters().map((p) => new Int32Array(Float32Array.from(p.data).buffer));
  } finally {
    setBackend(prev);
  }
}

/** The parameters' elements whose bits differ between two runs. */
const differing = (a: Int32Array[], b: Int32Array[]): number =>
  a.reduce((n, p, i) => n + p.filter((v, j) => v !== b[i][j]).length, 0);

testNative.each([2, 4])('a few Adam steps of a small convnet give the same bits, split or not (%i threads)', (t) => {
  const splitAll = train(makeNativeBackend(t, { adaptive: false })!);
  expect(differing(train(makeNativeBackend(t)!), splitAll)).toBe(0);
});
