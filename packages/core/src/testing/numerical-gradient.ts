import { noGrad } from '../autograd/grad-mode';
import { astype } from '../ops/cast';
import { ValueError, fmtShape } from '../errors';
import { Tensor } from '../tensor';

/** A function of tensors with a scalar result, as numerical differentiation needs. */
export type ScalarFn = (...inputs: Tensor[]) => Tensor | number;

/** Options of {@link numericalGradient}. */
export interface NumericalGradientOptions {
  /** The step h. Default 1e-6 (float64) for 2 points, 1e-3 for 4. */
  eps?: number;
  /**
   * Points of the central stencil: 2 for `(f(x+h) − f(x−h)) / 2h` (error O(h²), the default),
   * 4 for `(f(x−2h) − 8f(x−h) + 8f(x+h) − f(x+2h)) / 12h` (error O(h⁴): a larger step at the
   * same accuracy, so less rounding error when f sums many terms).
   */
  points?: 2 | 4;
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
 * book's `numerical_gradient`, generalised to several inputs (`points: 4` for the fourth-order
 * stencil). The inputs are copied to float64
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
  const points = options.points ?? 2;
  if (points !== 2 && points !== 4) throw new ValueError(`numericalGradient: points must be 2 or 4, got ${points}`);
  const eps = options.eps ?? (points === 2 ? 1e-6 : 1e-3);
  if (!(eps > 0)) throw new ValueError(`numericalGradient: eps must be positive, got ${eps}`);
  const at = (xs: Tensor[], d: Tensor['data'], i: number, v: number): number => {
    d[i] = v;
    return scalarValue(f, xs, 'numericalGradient');
  };
  return noGrad(() => {
    const xs = inputs.map((x) => (x.dtype === 'int32' ? x : new Tensor(astype(x, 'float64').data.slice(), x.shape)));
    return xs.map((x) => {
      if (x.dtype === 'int32') return null;
      const g = new Tensor(new Float64Array(x.size), x.shape);
      const d = x.data;
      for (let i = 0; i < d.length; i++) {
        const v = d[i];
        if (points === 2) g.data[i] = (at(xs, d, i, v + eps) - at(xs, d, i, v - eps)) / (2 * eps);
        else {
          const near = at(xs, d, i, v + eps) - at(xs, d, i, v - eps);
          const far = at(xs, d, i, v + 2 * eps) - at(xs, d, i, v - 2 * eps);
          g.data[i] = (8 * near - far) / (12 * eps);
        }
        d[i] = v;
      }
      return g;
    });
  });
}
