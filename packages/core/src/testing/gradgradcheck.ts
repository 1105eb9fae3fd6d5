import { runBackward } from '../autograd/backward';
import { vjp } from '../transforms/functional';
import { noGrad } from '../autograd/grad-mode';
import { add } from '../ops/add';
import { astype } from '../ops/cast';
import { mul } from '../ops/mul';
import { sum } from '../ops/sum';
import { Rng } from '../random';
import { Tensor } from '../tensor';
import { GradcheckError, compareNumerically, type GradcheckOptions, type GradcheckReport } from './gradcheck';
import { numericalGradient } from './numerical-gradient';

function randomLike(rng: Rng, shape: readonly number[]): Tensor {
  const t = new Tensor(new Float64Array(shape.reduce((a, b) => a * b, 1)), shape);
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

/**
 * Checks second derivatives against central differences of first derivatives, in float64
 * (PyTorch's `gradgradcheck`). With a random upstream gradient `gy` and a random direction `wᵢ`
 * per float input, G(x, gy) = Σᵢ ⟨vjp(f, x, gy)ᵢ, wᵢ⟩ is a scalar built from autograd's first
 * derivatives; its gradient w.r.t. every input and w.r.t. `gy`, taken by double backprop
 * (`createGraph`), must match numerical differences of G. int32 inputs are constants. Throws a
 * {@link GradcheckError} naming the worst element (input `inputs.length` is `gy`), or returns
 * the report with `raise: false`.
 *
 * @example
 * gradgradcheck((x) => x.tanh(), [randn([3], { dtype: 'float64' })]);
 */
export function gradgradcheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  const { atol = 1e-5, rtol = 1e-3, eps = 1e-6, seed = 0, raise = true } = options;
  const xs = inputs.map((x) =>
    x.dtype === 'int32' ? x : new Tensor(noGrad(() => astype(x, 'float64')).data.slice(), x.shape),
  );
  const floatPos = xs.flatMap((x, i) => (x.dtype === 'int32' ? [] : [i]));
  const rng = new Rng(seed);
  const y0 = noGrad(() => f(...xs));
  const gy = randomLike(rng, y0.shape);
  const ws = floatPos.map((i) => randomLike(rng, xs[i].shape));
  // G(float inputs..., gy): the first derivatives of f, projected on the random directions.
  const g = (...zs: Tensor[]): Tensor => {
    const gyz = zs[zs.length - 1];
    const all = [...xs];
    floatPos.forEach((p, k) => (all[p] = zs[k]));
    const fx = (...fs: Tensor[]): Tensor => {
      const args = [...all];
      floatPos.forEach((p, k) => (args[p] = fs[k]));
      return astype(f(...args), 'float64');
    };
    const { grads } = vjp(
      fx,
      floatPos.map((p) => all[p]),
      gyz,
    );
    return grads.reduce<Tensor>(
      (s, gi, k) => add(s, sum(mul(astype(gi, 'float64'), ws[k]))),
      new Tensor(new Float64Array(1), []),
    );
  };
  const leaves = [...floatPos.map((p) => xs[p]), gy].map((t) => {
    const c = new Tensor(t.data.slice(), t.shape);
    c.requiresGrad = true;
    return c;
  });
  const s = g(...leaves);
  const analytic = s.requiresGrad
    ? runBackward([s], [new Tensor(new Float64Array([1]), s.shape)], { targets: leaves })
    : leaves.map(() => null);
  const numeric = (points: 2 | 4, sameStep: boolean): (Tensor | null)[] =>
    byPosition(numericalGradient(g, [...floatPos.map((p) => xs[p]), gy], sameStep ? { points, eps } : { points }));
  // Report by the caller's argument positions; gy is input number inputs.length.
  const byPosition = (gs: readonly (Tensor | null)[]): (Tensor | null)[] => {
    const out: (Tensor | null)[] = xs.map(() => null);
    floatPos.forEach((p, k) => (out[p] = gs[k]));
    return [...out, gs[gs.length - 1]];
  };
  const report = compareNumerically(
    'gradgradcheck',
    byPosition(analytic),
    numeric,
    [...xs.map((x) => x.shape), gy.shape],
    atol,
    rtol,
  );
  if (!report.ok && raise) throw new GradcheckError(report);
  return report;
}
