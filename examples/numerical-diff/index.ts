import { arange, tensor, type Tensor } from '@tapegrad/core';
import { numericalGradient } from '@tapegrad/core/testing';
import * as path from 'node:path';
import { fmt, writeJson, type ExampleOptions, type ExampleResult } from '../lib/example';
import { savePlot } from '@tapegrad/plot';
import { quiverPlot, tangentPlot, trajectoryPlot, type Arrow } from './plots';

/** What `npm run example -- numerical-diff` shows. */
export const description =
  'DL from scratch ch. 4: numerical differentiation, gradients, gradient descent and simpleNet';

/**
 * The book's `numerical_diff`: central difference with h = 1e-4.
 *
 * @example
 * numericalDiff(function1, 5); // 0.1999999999990898
 * numericalDiff(Math.sin, 0); // ≈ 1
 */
export function numericalDiff(f: (x: number) => number, x: number, h = 1e-4): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

/** The book's `function_1`: 0.01x² + 0.1x. */
export const function1 = (x: number): number => 0.01 * x * x + 0.1 * x;

/** The book's `function_2`: x0² + x1² (summed over the last axis). */
export const function2 = (x: Tensor): Tensor => x.mul(x).sum();

const bookGrad = (f: (x: Tensor) => Tensor, x: Tensor): Tensor => numericalGradient(f, [x], { eps: 1e-4 })[0] as Tensor;

/**
 * The book's `gradient_descent` (numerical gradient, h = 1e-4), keeping every point visited.
 *
 * @example
 * gradientDescent(function2, [-3, 4], 0.1, 100).x; // ≈ [-6.1e-10, 8.1e-10]
 */
export function gradientDescent(
  f: (x: Tensor) => Tensor,
  init: readonly number[],
  lr: number,
  steps: number,
): { x: number[]; history: [number, number][] } {
  const x = tensor(init, { dtype: 'float64' });
  const history: [number, number][] = [];
  for (let i = 0; i < steps; i++) {
    history.push([x.data[0], x.data[1]]);
    const g = bookGrad(f, x);
    for (let j = 0; j < x.size; j++) x.data[j] -= lr * g.data[j];
  }
  history.push([x.data[0], x.data[1]]);
  return { x: Array.from(x.data), history };
}

/** The book's simpleNet weights (its printed `np.random.randn(2, 3)`) and its input. */
export const SIMPLE_NET = {
  W: [
    [0.47355232, 0.9977393, 0.84668094],
    [0.85557411, 0.03563661, 0.69422093],
  ],
  x: [0.6, 0.9],
  t: [0, 0, 1],
  /** The book's printed loss and numerical dW. */
  loss: 0.92806853663411326,
  dW: [
    [0.21924763, 0.14356247, -0.36281009],
    [0.32887144, 0.2153437, -0.54421514],
  ],
};

/** simpleNet's loss: softmax then the book's `cross_entropy_error` (with its 1e-7 delta). */
function simpleNetLoss(W: Tensor): Tensor {
  const x = tensor([SIMPLE_NET.x], { dtype: 'float64' });
  const t = tensor([SIMPLE_NET.t], { dtype: 'float64' });
  const y = x.matmul(W).softmax();
  return t.mul(y.add(1e-7).log()).sum().neg();
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * Runs the chapter's experiments, prints them as the book does and writes three figures.
 *
 * @example
 * await run({ smoke: false, outDir: 'runs/nd', log: console.log });
 * // numerical_diff(function_1, 5)  = 0.1999999999990898 …
 */
export async function run({ smoke, outDir, log }: ExampleOptions): Promise<ExampleResult> {
  const files: string[] = [];
  const slope5 = numericalDiff(function1, 5);
  const slope10 = numericalDiff(function1, 10);
  log(`numerical_diff(function_1, 5)  = ${slope5}   (book 0.1999999999990898)`);
  log(`numerical_diff(function_1, 10) = ${slope10}   (book 0.2999999999986347)`);

  for (const p of [
    [3, 4],
    [0, 2],
    [3, 0],
  ]) {
    const x = tensor(p, { dtype: 'float64', requiresGrad: true });
    const g = bookGrad(function2, x);
    function2(x).backward();
    log(
      `numerical_gradient(function_2, [${p}]) = [${Array.from(g.data, (v) => fmt(v, 8))}]  backprop [${Array.from(x.grad!.data)}]`,
    );
  }
  const grad34 = Array.from(bookGrad(function2, tensor([3, 4], { dtype: 'float64' })).data);

  const gd20 = gradientDescent(function2, [-3, 4], 0.1, 20);
  const gd100 = gradientDescent(function2, [-3, 4], 0.1, 100);
  const dist20 = Math.hypot(gd20.x[0], gd20.x[1]);
  const dist100 = Math.hypot(gd100.x[0], gd100.x[1]);
  log(
    `gradient_descent(lr=0.1, step_num=20)  = [${gd20.x.map((v) => v.toExponential(4))}]  |x| = ${dist20.toExponential(3)}  (the book's Figure 4-10)`,
  );
  log(
    `gradient_descent(lr=0.1, step_num=100) = [${gd100.x.map((v) => v.toExponential(4))}]  |x| = ${dist100.toExponential(3)}  (the book's text: [-6.1e-10, 8.1e-10])`,
  );
  log(
    `  each step multiplies x by 1 - 2·lr = 0.8: after 20 steps |x| = 0.8^20·5 = ${(0.8 ** 20 * 5).toFixed(4)} > 0.05, after 100 steps ${(0.8 ** 100 * 5).toExponential(2)}`,
  );
  log(
    `gradient_descent(lr=10.0, step_num=100) = [${gradientDescent(function2, [-3, 4], 10, 100).x.map((v) => v.toExponential(3))}]  (too large: diverges)`,
  );
  log(
    `gradient_descent(lr=1e-10, step_num=100) = [${gradientDescent(function2, [-3, 4], 1e-10, 100).x.map((v) => v.toFixed(8))}]  (too small: hardly moves)`,
  );

  const W = tensor(SIMPLE_NET.W, { dtype: 'float64', requiresGrad: true });
  const loss = simpleNetLoss(W);
  loss.backward();
  const dWnum = bookGrad(simpleNetLoss, W);
  const bookDiff = maxAbsDiff(dWnum.data, SIMPLE_NET.dW.flat());
  const backpropDiff = maxAbsDiff(dWnum.data, W.grad!.data);
  log(`simpleNet loss = ${loss.item()}   (book ${SIMPLE_NET.loss})`);
  log(
    `simpleNet dW (numerical) = ${JSON.stringify(dWnum.toArray(), (_, v) => (typeof v === 'number' ? +v.toFixed(8) : v))}`,
  );
  log(
    `  max |numerical − book| = ${bookDiff.toExponential(2)}, max |numerical − backprop| = ${backpropDiff.toExponential(2)}`,
  );

  if (!smoke) {
    files.push(savePlot(tangentPlot(function1, 5, slope5), path.join(outDir, 'tangent')).png);
    const arrows: Arrow[] = [];
    const axis = Array.from(arange(-2, 2.5, 0.25, { dtype: 'float64' }).data);
    for (const x0 of axis) {
      for (const x1 of axis) {
        const g = bookGrad(function2, tensor([x0, x1], { dtype: 'float64' }));
        arrows.push({ x: x0, y: x1, u: -g.data[0], v: -g.data[1] });
      }
    }
    files.push(
      savePlot(quiverPlot(arrows, 0.25, 'Gradient field −∇(x0² + x1²)'), path.join(outDir, 'gradient-field')).png,
    );
    files.push(
      savePlot(
        trajectoryPlot(gd20.history, 'Gradient descent, lr 0.1, 20 steps from (−3, 4)'),
        path.join(outDir, 'gradient-descent'),
      ).png,
    );
  }
  const metrics = {
    slopeAt5: slope5,
    slopeAt10: slope10,
    gradAt34x0: grad34[0],
    gradAt34x1: grad34[1],
    gd20x0: gd20.x[0],
    gd20x1: gd20.x[1],
    gd20Distance: dist20,
    gd20MaxAbs: Math.max(Math.abs(gd20.x[0]), Math.abs(gd20.x[1])),
    gd100x0: gd100.x[0],
    gd100x1: gd100.x[1],
    gd100Distance: dist100,
    simpleNetLoss: loss.item(),
    simpleNetDwVsBook: bookDiff,
    simpleNetDwVsBackprop: backpropDiff,
  };
  files.push(writeJson(outDir, 'metrics.json', metrics));
  return { metrics, files };
}
