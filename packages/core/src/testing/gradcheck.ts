import { runBackward } from '../autograd/backward';
import { noGrad } from '../autograd/grad-mode';
import { TapegradError, fmtShape } from '../errors';
import { Rng } from '../random';
import { astype } from '../ops/cast';
import { mul } from '../ops/mul';
import { sum } from '../ops/sum';
import { Tensor } from '../tensor';
import { numericalGradient } from './numerical-gradient';

/** Options of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance (to the numerical value). Default 1e-3. */
  rtol?: number;
  /** Central-difference half step. Default 1e-6. */
  eps?: number;
  /** Seed of the random upstream gradient. Default 0. */
  seed?: number;
  /** Return the report instead of throwing when the check fails. Default true (throw). */
  raise?: boolean;
}

/** What {@link gradcheck} found. */
export interface GradcheckReport {
  ok: boolean;
  /** Largest |autograd − numerical| over all elements of all inputs. */
  maxAbsError: number;
  /** Largest |autograd − numerical| / max(|numerical|, tiny). */
  maxRelError: number;
  /** A description of the worst offending element, when not ok. */
  message: string;
}

/** Thrown by {@link gradcheck} when autograd and numerical gradients disagree. */
export class GradcheckError extends TapegradError {
  constructor(readonly report: GradcheckReport) {
    super(report.message);
  }
}

/** Multi-index of flat position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    idx[k] = i % shape[k];
    i = Math.floor(i / shape[k]);
  }
  return idx;
}

/** Compares two lists of gradients elementwise under |a − n| ≤ atol + rtol·|n|. */
export function compareGrads(
  who: string,
  analytic: readonly (Tensor | null)[],
  numeric: readonly (Tensor | null)[],
  shapes: readonly (readonly number[])[],
  atol: number,
  rtol: number,
): GradcheckReport {
  let maxAbs = 0;
  let maxRel = 0;
  let worst: { input: number; index: number; a: number; n: number; excess: number } | null = null;
  numeric.forEach((n, k) => {
    if (n === null) return;
    const a = analytic[k];
    for (let i = 0; i < n.size; i++) {
      const nv = n.data[i];
      const av = a === null ? 0 : a.data[i];
      const err = Math.abs(av - nv);
      const rel = err / Math.max(Math.abs(nv), 1e-300);
      if (!(err <= maxAbs)) maxAbs = err;
      if (err > 0 && !(rel <= maxRel)) maxRel = rel;
      const excess = err - (atol + rtol * Math.abs(nv));
      if (!(excess <= 0) && (worst === null || !(excess <= worst.excess)))
        worst = { input: k, index: i, a: av, n: nv, excess };
    }
  });
  if (worst === null) return { ok: true, maxAbsError: maxAbs, maxRelError: maxRel, message: `${who}: ok` };
  const w = worst as { input: number; index: number; a: number; n: number };
  const err = Math.abs(w.a - w.n);
  const message =
    `${who}: gradient mismatch for input ${w.input} (shape ${fmtShape(shapes[w.input])}) at index ` +
    `[${unravel(w.index, shapes[w.input]).join(',')}]: autograd ${w.a}, numerical ${w.n}, ` +
    `abs error ${err.toExponential(3)}, rel error ${(err / Math.max(Math.abs(w.n), 1e-300)).toExponential(3)} ` +
    `(atol ${atol}, rtol ${rtol})`;
  return { ok: false, maxAbsError: maxAbs, maxRelError: maxRel, message };
}

/**
 * Compares `analytic` with central differences from `numeric(points, sameStep)`: first the
 * 2-point stencil at the caller's step h; where that disagrees, the 4-point stencil at the same
 * h, which removes the 2-point's O(h²) error where f curves on a scale near h (LayerNorm whose
 * variance is about its eps: a 5e-3 scale put the 2-point estimate off by ~1e-6); where that
 * still disagrees, the 4-point stencil at its own larger step, which has far less rounding error
 * when f sums many terms (a gradient element of 0.03 inside a sum of 1,000 is off by ~1e-7 with
 * the 2-point stencil at h = 1e-6). Each is an estimate of the true derivative, so a wrong rule
 * fails all three; the report is the last one's.
 */
export function compareNumerically(
  who: string,
  analytic: readonly (Tensor | null)[],
  numeric: (points: 2 | 4, sameStep: boolean) => readonly (Tensor | null)[],
  shapes: readonly (readonly number[])[],
  atol: number,
  rtol: number,
): GradcheckReport {
  const compare = (points: 2 | 4, sameStep: boolean): GradcheckReport =>
    compareGrads(who, analytic, numeric(points, sameStep), shapes, atol, rtol);
  const first = compare(2, true);
  if (first.ok) return first;
  const fine = compare(4, true);
  return fine.ok ? fine : compare(4, false);
}

/**
 * Checks autograd against central differences, in float64, with a random upstream gradient
 * (not ones, so a rule that sums where it should weigh is caught): compares ∂/∂x Σ(f(x)·gy).
 * int32 inputs are passed as constants. Throws a {@link GradcheckError} naming the input, the
 * worst element's index, both values and the error (or returns the report with `raise: false`).
 *
 * @example
 * gradcheck((a, b) => a.mul(b).sigmoid(), [randn([3, 4]), randn([4])]);
 */
export function gradcheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckReport {
  const { atol = 1e-5, rtol = 1e-3, eps = 1e-6, seed = 0, raise = true } = options;
  const xs = inputs.map((x) => {
    if (x.dtype === 'int32') return x;
    const c = new Tensor(noGrad(() => astype(x, 'float64')).data.slice(), x.shape);
    c.requiresGrad = true;
    return c;
  });
  const y = f(...xs);
  const rng = new Rng(seed);
  const gy = new Tensor(
    new Float64Array(y.size).map(() => rng.normal()),
    y.shape,
  );
  // The seed in y's own dtype (f may compute in float32 internally).
  const upstream = noGrad(() => astype(gy, y.dtype));
  const floats = xs.filter((x) => x.dtype !== 'int32');
  const found = y.requiresGrad ? runBackward([y], [upstream], { targets: floats }) : floats.map(() => null);
  const analytic = xs.map((x) => (x.dtype === 'int32' ? null : found[floats.indexOf(x)]));
  const projected = (...zs: Tensor[]): Tensor => sum(mul(astype(f(...zs), 'float64'), gy));
  const report = compareNumerically(
    'gradcheck',
    analytic.map((g) => (g === null ? null : noGrad(() => astype(g, 'float64')))),
    (points, sameStep) => numericalGradient(projected, xs, sameStep ? { points, eps } : { points }),
    xs.map((x) => x.shape),
    atol,
    rtol,
  );
  if (!report.ok && raise) throw new GradcheckError(report);
  return report;
}
