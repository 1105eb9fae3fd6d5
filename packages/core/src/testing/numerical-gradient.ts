import { noGrad } from '../autograd/grad-mode';
import { astype } from '../ops/cast';
import { ValueError, fmtShape } from '../errors';
import { Tensor } from '../tensor';

/** A function of tensors with a scalar result, as numerical differentiation needs. */
export type ScalarFn = (...inputs: Tensor[]) => Tensor | number;

/** Options of {@link numericalGradient}. */
export interface NumericalGradientOptions {
  /** Half the central-difference step. Default 1e-6 (float64). */
  eps?: number;
}

/** Evaluates `f` and checks that it returned one number. */
export function scalarValue(f: ScalarFn, inputs: Tensor[], who: string): number {
  const y = f(...inputs);
  if (typeof y === 'number') return y;
  if (!(y instanceof Tensor) || y.size !== 1) {
    throw new ValueError(
      `${who}: f must return a scalar (a number or a one-element tensor), got ${y instanceof Tensor ? `shape ${fmtShape(y.shape)}` : typeof y}`,
    );
  }
  return y.data[0];
}

/**
 * Central differences `(f(x+h) − f(x−h)) / 2h` for every element of every float input: the
 * book's `numerical_gradient`, generalised to several inputs. The inputs are copied to float64
 * and `f` runs on the copies; int32 inputs (indices) are passed through and get no gradient.
 *
 * @example
 * const [g] = numericalGradient((x) => x.mul(x).sum(), [tensor([3, 4])]);
 * g.toArray(); // ≈ [6, 8]
 */
export function numericalGradient(
  f: ScalarFn,
  inputs: readonly Tensor[],
  options: NumericalGradientOptions = {},
): (Tensor | null)[] {
  const eps = options.eps ?? 1e-6;
  if (!(eps > 0)) throw new ValueError(`numericalGradient: eps must be positive, got ${eps}`);
  return noGrad(() => {
    const xs = inputs.map((x) => (x.dtype === 'int32' ? x : new Tensor(astype(x, 'float64').data.slice(), x.shape)));
    return xs.map((x) => {
      if (x.dtype === 'int32') return null;
      const g = new Tensor(new Float64Array(x.size), x.shape);
      const d = x.data;
      for (let i = 0; i < d.length; i++) {
        const v = d[i];
        d[i] = v + eps;
        const fp = scalarValue(f, xs, 'numericalGradient');
        d[i] = v - eps;
        const fm = scalarValue(f, xs, 'numericalGradient');
        d[i] = v;
        g.data[i] = (fp - fm) / (2 * eps);
      }
      return g;
    });
  });
}
