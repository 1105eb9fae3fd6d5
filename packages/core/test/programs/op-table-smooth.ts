import {
  type AxisArg,
  Tensor,
  chunk,
  cos,
  cumsum,
  erf,
  gelu,
  logSigmoid,
  maskedFill,
  maximum,
  minimum,
  mul,
  noGrad,
  permute,
  sin,
  softplus,
  split,
  std,
  sub,
  tensor,
  tril,
  triu,
  unsqueeze,
  variance,
} from '@tapegrad/core';
import { type Choices, clearOf, values } from './choices';
import { type OpEntry, axisArg, broadcasts, shaped, unary } from './op-kit';

/** maximum/minimum of two operands that broadcast (clear of ties), or of one and a number. */
const extremum = (name: string, f: (a: Tensor | number, b: Tensor | number) => Tensor): OpEntry => ({
  name,
  arity: 2,
  build: ([a, b], c) => {
    if (c.int(3) === 0) {
      const k = c.uniform(-2, 2);
      return clearOf(a, [k]) ? (x) => f(x, k) : null;
    }
    if (
      !broadcasts(a, b) ||
      !clearOf(
        noGrad(() => sub(a, b)),
        [0],
      )
    )
      return null;
    return c.bool() ? (x, y) => f(x, y) : (x, y) => f(y, x);
  },
});

/** var/std over an axis argument, with a correction and keepdims. */
const spread = (name: string, f: typeof variance): OpEntry => ({
  name,
  arity: 1,
  build: ([x], c) => {
    // std's square root has a kink where a group's values all agree: groups of one value (or
    // equal ones) are spread over a matrix first.
    const flat = (v: Tensor, axis: AxisArg, correction: number): boolean =>
      name === 'std' && !values(noGrad(() => variance(v, axis, { correction }))).every((s) => s > 0.05);
    const correction = c.pick([0, 1, 0.5]);
    const keepdims = c.bool();
    const axis = axisArg(x, c);
    if (!flat(x, axis, correction)) return (t) => f(t, axis, { correction, keepdims });
    const m = shaped(x, [1 + c.int(2), 2 + c.int(2)], c);
    const along = c.pick([1, -1, [1]]);
    return flat(
      noGrad(() => m(x)),
      along,
      correction,
    )
      ? null
      : (t) => f(m(t), along, { correction, keepdims });
  },
});

/** One piece of split/chunk along an axis (every piece non-empty). */
const piece = (name: 'split' | 'chunk'): OpEntry => ({
  name,
  arity: 1,
  build: ([x], c) => {
    if (x.ndim === 0) return null;
    const axis = c.axis(x.ndim);
    const n = x.shape[axis < 0 ? axis + x.ndim : axis];
    if (name === 'chunk') {
      const chunks = 1 + c.int(n);
      const count = Math.ceil(n / Math.ceil(n / chunks));
      const k = c.int(count);
      return (t) => chunk(t, chunks, axis)[k];
    }
    const sections = c.bool() ? 1 + c.int(n) : sectionsOf(n, c);
    const count = typeof sections === 'number' ? Math.ceil(n / sections) : sections.length;
    const k = c.int(count);
    return (t) => split(t, sections, axis)[k];
  },
});

/** Positive section sizes that add up to n. */
function sectionsOf(n: number, c: Choices): number[] {
  const out: number[] = [];
  for (let left = n; left > 0;) {
    const s = 1 + c.int(left);
    out.push(s);
    left -= s;
  }
  return out;
}

/** The triangle of the last two axes, with a diagonal offset (a lower-rank operand as a matrix). */
const triangle = (name: string, f: typeof triu): OpEntry => ({
  name,
  arity: 1,
  build: ([x], c) => {
    const diagonal = c.int(5) - 2;
    if (x.ndim >= 2) return (t) => f(t, diagonal);
    const m = shaped(x, [1 + c.int(3), 1 + c.int(3)], c);
    return (t) => f(m(t), diagonal);
  },
});

/** sin, cos, erf, gelu, softplus, logSigmoid, var, std, maximum, minimum, cumsum, split, chunk, permute, unsqueeze, triu, tril, maskedFill. */
export const SMOOTH_OPS: readonly OpEntry[] = [
  unary('sin', sin),
  unary('cos', cos),
  unary('erf', erf),
  {
    name: 'gelu',
    arity: 1,
    build: (_xs, c) => {
      const approximate = c.pick(['none', 'tanh'] as const);
      return (t) => gelu(t, approximate);
    },
  },
  {
    name: 'softplus',
    arity: 1,
    build: ([x], c) => {
      const beta = c.pick([1, 0.5, 2]);
      const threshold = c.pick([20, 3]);
      // Past beta·x > threshold softplus is x itself: a (tiny) jump in value there.
      return clearOf(x, [threshold / beta]) ? (t) => softplus(t, beta, threshold) : null;
    },
  },
  unary('logSigmoid', logSigmoid),
  spread('var', variance),
  spread('std', std),
  extremum('maximum', maximum),
  extremum('minimum', minimum),
  {
    name: 'cumsum',
    arity: 1,
    build: ([x], c) => {
      const axis = c.axis(x.ndim);
      return (t) => cumsum(t, axis);
    },
  },
  piece('split'),
  piece('chunk'),
  {
    name: 'permute',
    arity: 1,
    build: ([x], c) => {
      const dims = c.permutation(x.ndim).map((a) => (c.bool() ? a - x.ndim : a));
      return (t) => permute(t, dims);
    },
  },
  {
    name: 'unsqueeze',
    arity: 1,
    build: ([x], c) => {
      const axis = c.axis(x.ndim + 1);
      return (t) => unsqueeze(t, axis);
    },
  },
  triangle('triu', triu),
  triangle('tril', tril),
  {
    name: 'maskedFill',
    arity: 1,
    build: ([x], c) => {
      // A mask of x's shape or one that broadcasts to it (trailing axes, some of extent 1).
      const shape = x.shape.slice(c.int(x.ndim + 1)).map((d) => (c.bool() ? 1 : d));
      const n = shape.reduce((p, d) => p * d, 1);
      const mask = tensor(
        Array.from({ length: n }, () => c.int(2)),
        { shape, dtype: c.pick(['int32', 'float64'] as const) },
      );
      const value = c.uniform(-3, 3);
      return c.bool() ? (t) => maskedFill(t, mask, value) : (t) => mul(maskedFill(t, mask, value), 2);
    },
  },
];
