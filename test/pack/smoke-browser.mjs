// Bundled by test/pack/run.ts with `npx esbuild --bundle --platform=browser` in a fresh project
// where the packed tarballs are installed: the browser build must bundle with no Node built-in.
import { kernels, ready, tensor } from '@tapegrad/core';
import { iris, spiral } from '@tapegrad/datasets';
import { mlp, saveBytes, softmaxCrossEntropy, SGD } from '@tapegrad/nn';

export async function main() {
  await ready();
  const { x, labels } = spiral();
  const net = mlp([2, 10, 3]);
  const opt = new SGD(net.parameters(), { lr: 1 });
  const loss = softmaxCrossEntropy(net.forward(x), labels);
  opt.zeroGrad();
  loss.backward();
  opt.step();
  return [kernels().name, tensor([1, 2]).sum().item(), iris().x.shape, saveBytes(net).length];
}
