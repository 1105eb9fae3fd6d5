import { tensor } from '@tapegrad/core';
import { Linear, mseLoss, Sequential, SGD, Sigmoid } from '@tapegrad/nn';
import * as path from 'node:path';
import { secondsSince, writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';
import { lineChart, savePlot } from '@tapegrad/plot';

/** What `npm run example -- xor-2-2-2` shows. */
export const description = 'NumPy-DNN textbook: the 2-2-2 sigmoid net on I = [.05, .10], T = [.01, .99], step by step';

/** The textbook's starting weights (w1…w8, biases .35 and .60), PyTorch layout `[out, in]`. */
export const INITIAL = {
  w1: [
    [0.15, 0.2],
    [0.25, 0.3],
  ],
  b1: [0.35, 0.35],
  w2: [
    [0.4, 0.45],
    [0.5, 0.55],
  ],
  b2: [0.6, 0.6],
};

/**
 * The textbook's 2-2-2 net with its fixed starting weights.
 *
 * @example
 * const net = buildNet();
 * net.forward(tensor([[0.05, 0.1]])); // [[0.7514, 0.7729]]
 */
export function buildNet(): Sequential {
  const fc1 = new Linear(2, 2);
  const fc2 = new Linear(2, 2);
  fc1.weight.data.set(INITIAL.w1.flat());
  fc1.bias!.data.set(INITIAL.b1);
  fc2.weight.data.set(INITIAL.w2.flat());
  fc2.bias!.data.set(INITIAL.b2);
  return new Sequential(fc1, new Sigmoid(), fc2, new Sigmoid());
}

/**
 * One sample, I = [.05, .10] → T = [.01, .99], E = ½Σ(T − O)², per-sample SGD with lr 0.5: prints
 * the first forward pass (E = 0.298371109), the weights after the first update, and the error
 * every 1,000 iterations up to 10,000 (the textbook reaches about 3.5e-5).
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/xor', log: console.log });
 * // forward: O = [0.751365066,0.772928476], E = 0.298371106 …
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const t0 = performance.now();
  const x = tensor([[0.05, 0.1]], { dtype: 'float32' });
  const t = tensor([[0.01, 0.99]]);
  const net = buildNet();
  const optimizer = new SGD(net.parameters(), { lr: 0.5 });
  const iterations = smoke ? 2000 : 10000;
  const errors: number[] = [];
  let firstError = NaN;
  let firstOutput: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const y = net.forward(x);
    const loss = mseLoss(y, t, { reduction: 'halfSum' });
    if (i === 0) {
      firstError = loss.item();
      firstOutput = Array.from(y.data);
      log(
        `forward: O = [${firstOutput.map((v) => v.toFixed(9))}], E = ${firstError.toFixed(9)} (textbook 0.298371109)`,
      );
    }
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    if (i === 0) {
      const [fc1, , fc2] = (net as Sequential).layers as [Linear, unknown, Linear];
      log(`after one update: w1..w4 = [${Array.from(fc1.weight.data, (v) => v.toFixed(8))}]`);
      log(`                  w5..w8 = [${Array.from(fc2.weight.data, (v) => v.toFixed(8))}]`);
    }
    errors.push(loss.item());
    if ((i + 1) % 1000 === 0) log(`iteration ${i + 1}: E = ${loss.item().toExponential(4)}`);
  }
  const y = net.forward(x);
  const finalError = mseLoss(y, t, { reduction: 'halfSum' }).item();
  log(`O = [${Array.from(y.data, (v) => v.toFixed(6))}] for T = [0.01, 0.99], E = ${finalError.toExponential(3)}`);
  const files: string[] = [];
  if (!smoke) {
    const svg = lineChart([{ name: 'E', y: errors.map((e) => Math.log10(e)) }], {
      title: '2-2-2 net: error per iteration',
      xLabel: 'iteration',
      yLabel: 'log10 E = log10 ½Σ(T − O)²',
    });
    files.push(savePlot(svg, path.join(outDir, 'error')).png);
  }
  const metrics = {
    firstError,
    firstO1: firstOutput[0],
    firstO2: firstOutput[1],
    finalError,
    o1: y.data[0],
    o2: y.data[1],
    iterations,
    seconds: secondsSince(t0),
  };
  files.push(writeJson(outDir, 'metrics.json', metrics));
  return { metrics, files };
}
