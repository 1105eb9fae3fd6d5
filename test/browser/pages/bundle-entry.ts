/**
 * What a web app imports from tapegrad: bundle.test.ts bundles this file for the browser and
 * checks that no Node.js built-in module is in the bundle.
 */
import { kernels, ready, tensor } from '@tapegrad/core';
import { circles, iris, spiral } from '@tapegrad/datasets';
import { Adam, mlp, saveBlob, softmaxCrossEntropy } from '@tapegrad/nn';

export async function demo(): Promise<string> {
  await ready();
  const { x, labels } = spiral();
  const net = mlp([2, 10, 3]);
  const opt = new Adam(net.parameters(), { lr: 0.01 });
  const loss = softmaxCrossEntropy(net.forward(x), labels);
  opt.zeroGrad();
  loss.backward();
  opt.step();
  return `${kernels().name} ${tensor([1]).add(1).item()} ${iris().x.shape} ${circles().x.shape} ${saveBlob(net).size}`;
}
